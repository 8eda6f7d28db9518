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


class Message(str):
    """An event text that is also kept as its message id and parameters, so that it can be shown
    again in the reader's language. It is the text in the active language (a ``str``) wherever
    text is expected; ``record_event`` stores ``msgid`` and ``params`` in the event's data.

    ``message(gettext_lazy("Quote version %(n)s issued"), n=3)`` instead of
    ``gettext_lazy("Quote version %(n)s issued") % {"n": 3}``."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, text: Any, params: dict[str, Any]) -> Message:
        stored = {key: stored_param(value) for key, value in params.items()}
        shown = {key: shown_param(value) for key, value in stored.items()}
        obj = super().__new__(cls, str(text) % shown if params else str(text))
        obj.msgid = msgid_of(text) or ""
        obj.params = stored
        return obj


def message(text: Any, **params: Any) -> Message:
    return Message(text, params)


def msgid_of(text: Any) -> str | None:
    """The message id of an unformatted ``gettext_lazy`` text, else None."""
    from django.utils.functional import Promise

    if isinstance(text, Message):
        return text.msgid or None
    if isinstance(text, Promise):
        args: tuple[Any, ...] = tuple(getattr(text, "_args", ()))
        if len(args) == 1 and isinstance(args[0], str):
            return str(args[0])
    return None


def stored_param(value: Any) -> Any:
    """A parameter as JSON that can be shown again in any language: translatable labels keep
    their message id, dates and amounts their value; anything else becomes its text."""
    import datetime as dt
    from decimal import Decimal

    from django.utils.functional import Promise

    from .i18n import BilingualName

    if isinstance(value, Message):
        return {"msg": value.msgid, "params": value.params} if value.msgid else str(value)
    if isinstance(value, Promise) and msgid_of(value):
        return {"msgid": msgid_of(value)}
    if isinstance(value, BilingualName):  # reference data named in each language
        return {
            "names": {
                code: str(getattr(value, f"name_{code}", "") or value.name_nl)
                for code in _languages()
            }
        }
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"eur": str(value)}
    if isinstance(value, bool | int):
        return value
    return str(value)


def shown_param(value: Any) -> Any:
    """A stored parameter in the active language."""
    import datetime as dt
    from decimal import Decimal

    from django.utils.translation import get_language, gettext

    from . import formatting

    if isinstance(value, dict):
        if "msgid" in value:
            return gettext(value["msgid"])
        if "msg" in value:  # a text within the text, itself with parameters
            params = value.get("params") or {}
            text = gettext(value["msg"])
            return text % {k: shown_param(v) for k, v in params.items()} if params else text
        if "names" in value:
            names = value["names"]
            return names.get((get_language() or "")[:2]) or next(iter(names.values()), "")
        if "datetime" in value:
            return formatting.datetime(dt.datetime.fromisoformat(value["datetime"]), "short")
        if "date" in value:
            return formatting.date(dt.date.fromisoformat(value["date"]))
        if "eur" in value:
            return formatting.eur(Decimal(value["eur"]))
    return value


def _languages() -> list[str]:
    from django.conf import settings

    return [code for code, _name in settings.LANGUAGES]


def shown_summary(summary: str, data: dict[str, Any] | None) -> str:
    """An event's text in the active language, from its stored message id and parameters; the
    text as written when the event has none (older events) or it does not fit any more."""
    from django.utils.translation import gettext

    stored = (data or {}).get("summary_msg")
    if not isinstance(stored, dict) or not stored.get("id"):
        return summary
    params = stored.get("params") or {}
    try:
        text = gettext(stored["id"])
        return text % {k: shown_param(v) for k, v in params.items()} if params else text
    except (KeyError, TypeError, ValueError):
        return summary


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
        summary=summary,  # a lazy text or Message keeps its message id (record_event)
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
