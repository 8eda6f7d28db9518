"""Personal data of contacts: export on request and erasure by anonymisation in place.

Erasure keeps the rows (so every count and amount in reports stays exactly the same) and
overwrites the personal fields, also in the change history. Other contexts that copy personal
data of a contact (a question's contact details, a quote signature) register an eraser and an
exporter here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digihub.accounts.models import User
from digihub.audit.models import AuditEvent
from digihub.audit.services import record_event
from digihub.core.access import require
from digihub.core.page_cache import forget_all

from .models import Contact

ERASED_NAME = "—"
PERSONAL_FIELDS = ("first_name", "last_name", "email", "phone", "function")

_erasers: list[Callable[[Contact], None]] = []
_exporters: list[Callable[[Contact], dict[str, Any]]] = []


def register_eraser(func: Callable[[Contact], None]) -> Callable[[Contact], None]:
    _erasers.append(func)
    return func


def register_exporter(
    func: Callable[[Contact], dict[str, Any]],
) -> Callable[[Contact], dict[str, Any]]:
    _exporters.append(func)
    return func


def personal_pattern(contact: Contact) -> re.Pattern[str] | None:
    """Every way the contact's identity is written in free text: full name either way round,
    e-mail, phone, and the first and last name as whole words."""
    values = {
        f"{contact.first_name} {contact.last_name}",
        f"{contact.last_name} {contact.first_name}",
        contact.email,
        contact.phone,
        contact.first_name,
        contact.last_name,
    }
    needles = sorted(
        (v.strip() for v in values if v and len(v.strip()) >= 3 and v.strip() != ERASED_NAME),
        key=len,
        reverse=True,
    )
    if not needles:
        return None
    return re.compile(
        r"(?<!\w)(" + "|".join(re.escape(n) for n in needles) + r")(?!\w)", re.IGNORECASE
    )


def scrub(text: str, pattern: re.Pattern[str] | None) -> str:
    return pattern.sub(ERASED_NAME, text) if pattern and text else text


def scrub_rows(rows: Iterable[Any], fields: tuple[str, ...], pattern: re.Pattern[str]) -> None:
    """Overwrite the contact's identity in these fields of these rows, in place."""
    for row in rows:
        changed = [f for f in fields if scrub(getattr(row, f), pattern) != getattr(row, f)]
        if changed:
            type(row).objects.filter(pk=row.pk).update(
                **{f: scrub(getattr(row, f), pattern) for f in changed}
            )


def mentions(text: str, pattern: re.Pattern[str] | None) -> bool:
    return bool(pattern and text and pattern.search(text))


def export_contact(contact: Contact) -> dict[str, Any]:
    data: dict[str, Any] = {
        "contact": {
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "email": contact.email,
            "phone": contact.phone,
            "function": contact.function,
            "consent_at": contact.consent_at.isoformat() if contact.consent_at else None,
            "created_at": contact.created_at.isoformat(),
        },
        "company": {
            "name": contact.company.name,
            "enterprise_number": contact.company.enterprise_number,
        },
    }
    for exporter in _exporters:
        data.update(exporter(contact))
    return data


@transaction.atomic
def erase_contact(*, actor: Any, contact: Contact, reason: str) -> Contact:
    if not reason.strip():
        from django.core.exceptions import ValidationError

        raise ValidationError(
            {"reason": _("Say why the data is erased (e.g. the request's date).")}
        )
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    if actor is not None:  # None: the platform's own retention job (apply_retention)
        require(actor, "erase", locked)
    if locked.erased_at is not None:
        return locked
    for eraser in _erasers:
        eraser(locked)
    _erase_from_audit_and_accounts(locked)
    Contact.objects.filter(pk=locked.pk).update(
        first_name=ERASED_NAME,
        last_name=ERASED_NAME,
        email="",
        phone="",
        function="",
        erased_at=timezone.now(),
    )
    # The change history would otherwise keep every earlier value.
    Contact.history.filter(id=locked.pk).update(
        first_name=ERASED_NAME, last_name=ERASED_NAME, email="", phone="", function=""
    )
    record_event(
        actor=actor,
        action="contact.erased",
        target=locked,
        company=locked.company,
        summary=gettext_lazy("Personal data of a contact erased"),
        reason=reason,
    )
    # A kept page drawn before may show the erased data: it must not wait to be culled.
    transaction.on_commit(forget_all)
    locked.refresh_from_db()
    return locked


def _scrub_params(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return scrub(value, pattern)
    if isinstance(value, dict):
        # Message ids, dates and amounts are no one's name.
        return {
            key: item if key in ("id", "msg", "msgid") else _scrub_params(item, pattern)
            for key, item in value.items()
        }
    return value


def _erase_from_audit_and_accounts(contact: Contact) -> None:
    """The timeline's texts name people too; the person's own account goes with them."""
    pattern = personal_pattern(contact)
    if pattern is None:
        return
    events = AuditEvent.objects.filter(company=contact.company_id)
    scrub_rows(events, ("summary", "reason", "actor_label"), pattern)
    # An event's text is shown again from its stored parameters (in the reader's language).
    for event in events.filter(data__has_key="summary_msg"):
        data = dict(event.data)
        scrubbed = _scrub_params(data["summary_msg"], pattern)
        if scrubbed != data["summary_msg"]:
            data["summary_msg"] = scrubbed
            AuditEvent.objects.filter(pk=event.pk).update(data=data)
    if contact.email:
        for user in User.objects.filter(company=contact.company_id, email__iexact=contact.email):
            AuditEvent.objects.filter(actor=user).update(actor_label=ERASED_NAME)
            User.objects.filter(pk=user.pk).update(
                first_name=ERASED_NAME,
                last_name=ERASED_NAME,
                email=f"erased-{user.pk}@invalid.example",
                is_active=False,
            )
            EmailAddress.objects.filter(user=user).delete()
