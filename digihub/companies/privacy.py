"""Personal data of contacts: export on request and erasure by anonymisation in place.

Erasure keeps the rows (so every count and amount in reports stays exactly the same) and
overwrites the personal fields, also in the change history. Other contexts that copy personal
data of a contact (a question's contact details, a quote signature) register an eraser and an
exporter here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digihub.audit.services import record_event

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
    if locked.erased_at is not None:
        return locked
    for eraser in _erasers:
        eraser(locked)
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
        summary=_("Personal data of a contact erased"),
        reason=reason,
    )
    locked.refresh_from_db()
    return locked
