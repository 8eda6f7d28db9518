"""The link a customer fills the assessment in with: signed, expiring, bound to one assessment
of one company (and to its current nonce, so a new link can void the old ones)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Assessment

SALT = "digihub.assessments.link"


class LinkInvalid(Exception):
    """The link cannot be used; the message says why (shown to the visitor)."""


def make_token(assessment: Assessment) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object(
        {"a": assessment.pk, "c": assessment.company_id, "n": assessment.link_nonce}
    )


def link_url(assessment: Assessment) -> str:
    path = reverse("assessments:fill", args=[assessment.pk, make_token(assessment)])
    return settings.SITE_URL.rstrip("/") + path


def read_token(token: str, pk: int) -> Assessment:
    """The assessment the link is for, when it is genuine, not expired and for this assessment
    and company; otherwise ``LinkInvalid``."""
    try:
        payload: Any = signing.TimestampSigner(salt=SALT).unsign_object(
            token, max_age=settings.DIGIHUB_DMA_LINK_DAYS * 86400
        )
    except signing.SignatureExpired as exc:
        raise LinkInvalid(_("This link has expired. Ask your advisor for a new one.")) from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise LinkInvalid(_("This link is not valid.")) from exc
    if not isinstance(payload, dict) or payload.get("a") != pk:
        raise LinkInvalid(_("This link is not valid."))
    assessment = Assessment.objects.select_related("company", "questionnaire").filter(pk=pk).first()
    if (
        assessment is None
        or payload.get("c") != assessment.company_id
        or payload.get("n") != assessment.link_nonce
    ):
        raise LinkInvalid(_("This link is not valid."))
    return assessment
