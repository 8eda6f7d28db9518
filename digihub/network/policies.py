from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from digihub.accounts.roles import Role
from digihub.core.access import ALLOW, Decision, deny, rule_for, scope_for

from .models import (
    Chamber,
    CommercialPartner,
    Hub,
    KnowledgePartner,
    PartnerContact,
    PostcodeArea,
    Province,
    Theme,
)


def _all(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    # The network registry is shared reference data: every signed-in user may read it.
    return qs


for _model in (Province, Theme, Chamber, Hub, KnowledgePartner, CommercialPartner, PostcodeArea):
    scope_for(_model)(_all)


@scope_for(PartnerContact)
def scope_partner_contacts(user: Any, qs: QuerySet[PartnerContact]) -> QuerySet[PartnerContact]:
    if user.role == Role.SME:
        return qs.none()
    return qs


@rule_for(KnowledgePartner, "change")
def can_change_partner(user: Any, partner: KnowledgePartner) -> Decision:
    if user.is_coordinator:
        return ALLOW
    if user.role == Role.PARTNER and user.partner_id == partner.pk:
        return ALLOW
    return deny(_("Only the partner's own staff and coordinators can edit a knowledge partner."))


@rule_for(KnowledgePartner, "view")
@rule_for(Hub, "view")
@rule_for(Chamber, "view")
def can_view_registry(user: Any, obj: Any) -> Decision:
    return ALLOW


@rule_for(Hub, "change")
@rule_for(Chamber, "change")
@rule_for(CommercialPartner, "change")
def can_change_registry(user: Any, obj: Any) -> Decision:
    if user.is_coordinator:
        return ALLOW
    return deny(_("Only programme coordinators maintain the network registry."))
