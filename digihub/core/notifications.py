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
    language: str = "nl"


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
        with translation.override(email.language):
            subject = str(email.subject)
            body = plain_text_email(email.template, {"target": target, **email.context})
        transaction.on_commit(partial(send_email.enqueue, subject, body, recipients))
    return event
