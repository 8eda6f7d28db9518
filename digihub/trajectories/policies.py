from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from digihub.accounts.roles import Role
from digihub.core.access import ALLOW, Decision, company_link, deny, rule_for, scope_for

from .models import Advice, Quote, Session, Trajectory


def trajectory_condition(user: Any, prefix: str = "") -> Q | None:
    if user.is_network_wide:
        return None
    if user.role == Role.ADVISOR:
        return Q(**{f"{prefix}chamber_id": user.chamber_id})
    if user.role == Role.PARTNER:
        return Q(**{f"{prefix}partner_id": user.partner_id})
    if user.role == Role.SME and user.company_id:
        return Q(**{f"{prefix}company_id": user.company_id})
    return Q(pk__in=[])


@scope_for(Trajectory)
def scope_trajectories(user: Any, qs: QuerySet[Trajectory]) -> QuerySet[Trajectory]:
    condition = trajectory_condition(user)
    return qs if condition is None else qs.filter(condition)


def _child_scope(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    condition = trajectory_condition(user, "trajectory__")
    qs = qs if condition is None else qs.filter(condition)
    if user.role == Role.SME and qs.model is Quote:  # drafts are the partner's work in progress
        qs = qs.exclude(status="draft")
    return qs


for _model in (Quote, Session, Advice):
    scope_for(_model)(_child_scope)


@company_link
def partner_trajectories(user: Any) -> Q | None:
    if user.role != Role.PARTNER:
        return None
    return Q(Exists(Trajectory.objects.filter(company=OuterRef("pk"), partner_id=user.partner_id)))


@rule_for(Trajectory, "steer")
def can_steer(user: Any, t: Trajectory) -> Decision:
    """Start-up decisions, partner changes, stopping, uploading a signed copy: the SPOC's chamber."""
    if user.is_coordinator or (user.role == Role.ADVISOR and user.chamber_id == t.chamber_id):
        return ALLOW
    return deny(_("Only the advisors of the trajectory's chamber steer it."))


@rule_for(Trajectory, "quote")
@rule_for(Trajectory, "execute")
def can_execute(user: Any, t: Trajectory) -> Decision:
    if user.role == Role.PARTNER and user.partner_id == t.partner_id:
        return ALLOW
    return deny(_("Only the staff of the trajectory's knowledge partner do this."))


@rule_for(Trajectory, "sign")
def can_sign(user: Any, t: Trajectory) -> Decision:
    if user.role == Role.SME and user.company_id == t.company_id:
        return ALLOW
    return deny(_("Only the SME itself signs and answers the survey."))
