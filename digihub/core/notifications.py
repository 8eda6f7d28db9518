"""One dispatcher for every domain event: audit trail + timeline + e-mail, in that order.

Services call ``dispatch()`` inside their transaction. The audit event is written in the same
transaction (so it exists exactly when the change does); e-mails are rendered now, in the
recipient's language, and enqueued as background tasks only after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import models, transaction
from django.utils import translation

from digihub.audit.models import AuditEvent
from digihub.audit.services import record_event

from .outbound import plain_text_email
from .tasks import send_email


@dataclass(frozen=True)
class Email:
    to: list[str]
    subject: Any  # a lazy translation; rendered in ``language``
    template: str  # a plain-text template, rendered without HTML escaping
    context: dict[str, Any] = field(default_factory=dict)
    # Empty: each recipient's preferred language (``recipient_languages``); set: that one.
    language: str = ""


def recipient_languages(addresses: list[str]) -> dict[str, list[str]]:
    """The recipients grouped by the language they read their mail in: a user's or contact's
    preferred language, else the platform's (``LANGUAGE_CODE``)."""
    from django.apps import apps
    from django.conf import settings

    known = {code for code, _name in settings.LANGUAGES}
    preferred: dict[str, str] = {}
    lowered = [address.lower() for address in addresses]
    for model_name in ("companies.Contact", "accounts.User"):  # a user's choice wins
        model = apps.get_model(model_name)
        rows = model.objects.filter(email__in=lowered).exclude(language="")
        for email, language in rows.values_list("email", "language"):
            preferred[email.lower()] = language
    groups: dict[str, list[str]] = {}
    for address in addresses:
        language = preferred.get(address.lower(), "")
        language = language if language in known else settings.LANGUAGE_CODE
        groups.setdefault(language, []).append(address)
    return groups


def dispatch(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    summary: Any,
    company: Any = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    emails: Iterable[Email] = (),
) -> AuditEvent:
    event = record_event(
        actor=actor,
        action=action,
        target=target,
        summary=str(summary),
        reason=reason,
        company=company,
        data=data,
    )
    for email in emails:
        recipients = [address for address in email.to if address]
        if not recipients:
            continue
        groups = {email.language: recipients} if email.language else recipient_languages(recipients)
        for language, addresses in groups.items():
            with translation.override(language):
                subject = str(email.subject)
                body = plain_text_email(email.template, {"target": target, **email.context})
            transaction.on_commit(partial(send_email.enqueue, subject, body, addresses))
    return event
