"""Who sees which assessments: the company's chamber, the partner of its trajectory, the company
itself, and the network-wide roles; questionnaires are reference data for everyone signed in."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from digihub.accounts.roles import Role
from digihub.core.access import ALLOW, Decision, deny, rule_for, scope_for

from .models import (
    Answer,
    AnswerOption,
    Assessment,
    Dimension,
    DimensionScore,
    Question,
    Questionnaire,
)
from .workflow import chamber


def assessment_condition(user: Any, prefix: str = "") -> Q | None:
    if user.is_network_wide:
        return None
    if user.role == Role.ADVISOR:
        return Q(**{f"{prefix}chamber_id": user.chamber_id})
    if user.role == Role.PARTNER:
        return Q(**{f"{prefix}trajectory__partner_id": user.partner_id})
    if user.role == Role.SME and user.company_id:
        return Q(**{f"{prefix}company_id": user.company_id})
    return Q(pk__in=[])


@scope_for(Assessment)
def scope_assessments(user: Any, qs: QuerySet[Assessment]) -> QuerySet[Assessment]:
    condition = assessment_condition(user)
    return qs if condition is None else qs.filter(condition)


def _child_scope(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    condition = assessment_condition(user, "assessment__")
    return qs if condition is None else qs.filter(condition)


for _model in (Answer, DimensionScore):
    scope_for(_model)(_child_scope)


def _reference(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs


for _reference_model in (Questionnaire, Dimension, Question, AnswerOption):
    scope_for(_reference_model)(_reference)


@rule_for(Assessment, "view")
def can_view(user: Any, a: Assessment) -> Decision:
    if scope_assessments(user, Assessment.objects.filter(pk=a.pk)).exists():
        return ALLOW
    return deny(_("This assessment is not in your organisation's portfolio."))


rule_for(Assessment, "manage")(chamber)


def can_read_kpis(user: Any) -> Decision:
    """The hub's figures: its chamber's advisors, the funding agency and coordinators."""
    if getattr(user, "is_authenticated", False) and (
        user.is_network_wide or user.role == Role.ADVISOR
    ):
        return ALLOW
    return deny(_("The hub's figures are for chambers, the funding agency and coordinators."))
