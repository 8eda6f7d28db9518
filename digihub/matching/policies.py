from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from digihub.accounts.roles import NETWORK_WIDE_ROLES, Role
from digihub.core.access import ALLOW, Decision, deny, rule_for, scope_for

from .models import Recommendation, Relation


@scope_for(Relation)
def scope_relations(user: Any, qs: QuerySet[Relation]) -> QuerySet[Relation]:
    if user.role in NETWORK_WIDE_ROLES:
        return qs
    if user.role == Role.ADVISOR and user.chamber_id:
        from digihub.companies.models import Company

        numbers = Company.objects.filter(chamber_id=user.chamber_id).values("enterprise_number")
        return qs.filter(Q(chamber_id=user.chamber_id) | Q(enterprise_number__in=numbers))
    if user.role == Role.PARTNER and user.partner_id:
        return qs.filter(knowledge_partner_id=user.partner_id)
    if user.role == Role.SME and user.company_id:
        return qs.filter(enterprise_number=user.company.enterprise_number)
    return qs.none()


@rule_for(Relation, "withdraw")
def can_withdraw(user: Any, relation: Relation) -> Decision:
    if relation.withdrawn_at is not None:
        return deny(_("This declaration was already withdrawn."))
    if user.is_coordinator:
        return ALLOW
    from digihub.core.access import visible

    if user.role in (Role.ADVISOR, Role.PARTNER, Role.SME) and (
        visible(user, Relation).filter(pk=relation.pk).exists()
    ):
        return ALLOW
    return deny(_("Only the partner, the company, its chamber or a coordinator withdraws it."))


@scope_for(Recommendation)
def scope_recommendations(user: Any, qs: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    # Internal to the network: the chamber that runs the question, officers and coordinators.
    if user.role in NETWORK_WIDE_ROLES:
        return qs
    if user.role == Role.ADVISOR and user.chamber_id:
        return qs.filter(question__chamber_id=user.chamber_id)
    return qs.none()
