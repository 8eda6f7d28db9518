from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from digihub.accounts.roles import Role
from digihub.core.access import company_link, rule_for, scope_for

from .models import Advice, Quote, Session, Trajectory
from .workflow import chamber, partner_staff, the_sme


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


# Which parts of a trajectory's page a person works in; each step's rule and phases are the
# table in ``workflow``, whose "who" functions these are.
rule_for(Trajectory, "steer")(chamber)
rule_for(Trajectory, "quote", "execute")(partner_staff)
rule_for(Trajectory, "sign")(the_sme)
