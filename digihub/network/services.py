from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy

from digihub.audit.services import record_event
from digihub.core.access import require
from digihub.core.notifications import message

from .models import KnowledgePartner

PARTNER_FIELDS = (
    "name",
    "short_name",
    "kind",
    "expertise",
    "capacity",
    "website",
    "email",
    "active",
)


@transaction.atomic
def partner_update(
    *, actor: Any, partner: KnowledgePartner, data: dict[str, Any], themes: Any = None
) -> KnowledgePartner:
    locked = KnowledgePartner.objects.select_for_update().get(pk=partner.pk)
    if actor is not None:  # None: the platform itself (demo data, imports)
        require(actor, "change", locked)
    before = {field: getattr(locked, field) for field in PARTNER_FIELDS}
    for field in PARTNER_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    locked.full_clean()
    locked.save()
    if themes is not None:
        locked.themes.set(themes)
    record_event(
        actor=actor,
        action="partner.updated",
        target=locked,
        summary=message(gettext_lazy("Knowledge partner %(name)s updated"), name=locked.short_name),
        data={
            field: {"from": str(before[field]), "to": str(getattr(locked, field))}
            for field in PARTNER_FIELDS
            if getattr(locked, field) != before[field]
        },
    )
    return locked
