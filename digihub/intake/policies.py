from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from digihub.accounts.roles import Role
from digihub.audit.visibility import readable_audiences
from digihub.core.access import ALLOW, Decision, company_link, deny, rule_for, scope_for

from .models import Attachment, Conversation, Question
from .workflow import chamber_or_coordinator


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
    qs = qs if condition is None else qs.filter(condition)
    # Files are the chamber's working material unless it shared them (an allow-list).
    return qs.filter(shared_with__in=readable_audiences(user))


@company_link
def partner_questions(user: Any) -> Q | None:
    """A partner sees the companies it works for, and those its own passing-on brought in; passing
    on a question about a company already known grants nothing of that company."""
    if user.role != Role.PARTNER:
        return None
    linked = Q(passed_on_by_id=user.partner_id, company_is_new=True) | Q(
        chosen_partner_id=user.partner_id, decision="trajectory"
    )
    return Q(Exists(Question.objects.filter(linked, company=OuterRef("pk"))))


# Who works on a question at all (which forms its page shows); each step's own rule and the
# states it starts from are the table in ``workflow``.
can_work = rule_for(Question, "work", "decide")(chamber_or_coordinator)


def can_register(user: Any) -> Decision:
    if user.role in (Role.ADVISOR, Role.PARTNER) or user.is_coordinator:
        return ALLOW
    return deny(_("Advisors register questions; knowledge partners pass them on."))
