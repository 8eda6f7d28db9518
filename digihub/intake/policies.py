from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from digihub.accounts.roles import Role
from digihub.core.access import ALLOW, Decision, company_link, deny, rule_for, scope_for

from .models import Attachment, Conversation, Question, Status


def question_condition(user: Any, prefix: str = "") -> Q | None:
    if user.is_network_wide:
        return None
    if user.role == Role.ADVISOR:
        return Q(**{f"{prefix}chamber_id": user.chamber_id})
    if user.role == Role.PARTNER:
        # Questions they passed on, and those referred to them once the trajectory decision
        # stands (not while the choice is still being validated, nor after a rejection).
        return Q(**{f"{prefix}passed_on_by_id": user.partner_id}) | Q(
            **{f"{prefix}chosen_partner_id": user.partner_id, f"{prefix}decision": "trajectory"}
        )
    if user.role == Role.SME and user.company_id:
        return Q(**{f"{prefix}company_id": user.company_id})
    return Q(pk__in=[])


@scope_for(Question)
def scope_questions(user: Any, qs: QuerySet[Question]) -> QuerySet[Question]:
    condition = question_condition(user)
    return qs if condition is None else qs.filter(condition)


@scope_for(Conversation)
def scope_conversations(user: Any, qs: QuerySet[Conversation]) -> QuerySet[Conversation]:
    if user.role == Role.SME:  # the advisor's notes are internal
        return qs.none()
    condition = question_condition(user, "question__")
    return qs if condition is None else qs.filter(condition)


@scope_for(Attachment)
def scope_attachments(user: Any, qs: QuerySet[Attachment]) -> QuerySet[Attachment]:
    condition = question_condition(user, "question__")
    return qs if condition is None else qs.filter(condition)


@company_link
def partner_questions(user: Any) -> Q | None:
    condition = question_condition(user) if user.role == Role.PARTNER else None
    if condition is None:
        return None
    return Q(Exists(Question.objects.filter(condition, company=OuterRef("pk"))))


# Events on a question that stay between the chamber, the partners and the funding agency.
INTERNAL_ACTIONS = frozenset(
    {
        "question.validation_requested",
        "question.validation_approved",
        "question.validation_rejected",
        "question.target_group_allowed",
        "question.handed_over",
    }
)


def sees_internal(user: Any) -> bool:
    """Reasons, comments and validation steps are shown to the network, not to the SME."""
    return bool(getattr(user, "is_authenticated", False)) and user.role != Role.SME


def _owns(user: Any, question: Question) -> bool:
    return user.role == Role.ADVISOR and question.chamber_id == user.chamber_id


@rule_for(Question, "take")
def can_take(user: Any, question: Question) -> Decision:
    if not _owns(user, question):
        return deny(_("Only an advisor of the question's chamber takes it."))
    if question.status != Status.NEW:
        return deny(_("Someone already took this question."))
    return ALLOW


@rule_for(Question, "work", "decide")
def can_work(user: Any, question: Question) -> Decision:
    if user.is_coordinator or _owns(user, question):
        return ALLOW
    return deny(_("Only the advisors of the question's chamber work on it."))


@rule_for(Question, "validate")
def can_validate(user: Any, question: Question) -> Decision:
    if user.role != Role.OFFICER and not user.is_coordinator:
        return deny(_("Only the funding agency validates partner choices."))
    if question.status != Status.AWAITING_VALIDATION:
        return deny(_("No validation was asked for this question."))
    return ALLOW


@rule_for(Question, "allow_target_group")
def can_allow(user: Any, question: Question) -> Decision:
    if not user.is_coordinator:
        return deny(_("Only a programme coordinator can make this exception."))
    if not question.outside_target_group or question.target_group_allowed_by_id:
        return deny(_("No exception needed."))
    return ALLOW


def can_register(user: Any) -> Decision:
    if user.role in (Role.ADVISOR, Role.PARTNER) or user.is_coordinator:
        return ALLOW
    return deny(_("Advisors register questions; knowledge partners pass them on."))
