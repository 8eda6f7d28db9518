"""The question's workflow, from registration to the advisor's decision: one row per step.

Read a row as: *step* may start from *from* and leads to *to*; *who* may take it; the
*conditions* must hold; it writes *event*, which *audience* may read. ``digihub.core.workflow.fire``
is the only way these steps happen (see ``services``).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from digihub.accounts.roles import Role
from digihub.core.access import ALLOW, Decision, deny
from digihub.core.workflow import Audience, Step, Workflow, declare_event, register

from .models import Question, QuestionTransition, Status

NEW, IN_PROGRESS, WAITING, AWAITING, DECIDED = (
    Status.NEW,
    Status.IN_PROGRESS,
    Status.WAITING_SME,
    Status.AWAITING_VALIDATION,
    Status.DECIDED,
)
OPEN = (NEW, IN_PROGRESS, WAITING, AWAITING)
ANY = (*OPEN, DECIDED)


# Who ---------------------------------------------------------------------------------------
def advisor_of_chamber(user: Any, q: Question) -> Decision:
    """an advisor of the question's chamber"""
    if user.role == Role.ADVISOR and q.chamber_id == user.chamber_id:
        return ALLOW
    return deny(_("Only an advisor of the question's chamber takes it."))


def chamber_or_coordinator(user: Any, q: Question) -> Decision:
    """the advisors of the question's chamber, or a programme coordinator"""
    if user.is_coordinator or (user.role == Role.ADVISOR and q.chamber_id == user.chamber_id):
        return ALLOW
    return deny(_("Only the advisors of the question's chamber work on it."))


def funding_agency(user: Any, q: Question) -> Decision:
    """a funding-agency officer, or a programme coordinator"""
    if user.role == Role.OFFICER or user.is_coordinator:
        return ALLOW
    return deny(_("Only the funding agency validates partner choices."))


def coordinator(user: Any, q: Question) -> Decision:
    """a programme coordinator"""
    if user.is_coordinator:
        return ALLOW
    return deny(_("Only a programme coordinator can make this exception."))


# Conditions --------------------------------------------------------------------------------
def may_start_trajectory(q: Question) -> Decision:
    if q.may_start_trajectory:
        return ALLOW
    return deny(
        _(
            "%(company)s is not an SME by the EU definition: a coordinator must allow a trajectory first."
        )
        % {"company": q.company}
    )


def has_advisor(q: Question) -> Decision:
    if q.advisor_id:
        return ALLOW
    return deny(_("Nobody took this question yet: the colleague can take it from the queue."))


def no_running_trajectory(q: Question) -> Decision:
    if q.trajectories.exclude(phase="stopped").exists():  # type: ignore[attr-defined]
        return deny(_("A running trajectory came from this question; stop the trajectory first."))
    return ALLOW


def needs_exception(q: Question) -> Decision:
    if q.outside_target_group and not q.target_group_allowed_by_id:
        return ALLOW
    return deny(_("No exception needed."))


STEPS = (
    # step                 from            to                  who                     event                              audience
    Step("take", (NEW,), IN_PROGRESS, advisor_of_chamber, "question.taken", Audience.SME),
    Step(
        "conversation",
        OPEN,
        {NEW: IN_PROGRESS, WAITING: IN_PROGRESS},
        chamber_or_coordinator,
        "question.conversation",
        Audience.INTERNAL,
    ),
    Step("attach", ANY, None, chamber_or_coordinator, "question.attachment", Audience.INTERNAL),
    Step(
        "hand_over",
        (IN_PROGRESS, WAITING, AWAITING, DECIDED),
        None,
        chamber_or_coordinator,
        "question.handed_over",
        Audience.INTERNAL,
        (has_advisor,),
    ),
    Step("wait", (IN_PROGRESS,), WAITING, chamber_or_coordinator, "question.waiting", Audience.SME),
    Step(
        "resume", (WAITING,), IN_PROGRESS, chamber_or_coordinator, "question.resumed", Audience.SME
    ),
    Step(
        "ask_validation",
        (IN_PROGRESS, WAITING),
        AWAITING,
        chamber_or_coordinator,
        "question.validation_requested",
        Audience.INTERNAL,
        (may_start_trajectory,),
    ),
    Step(
        "approve",
        (AWAITING,),
        DECIDED,
        funding_agency,
        "question.validation_approved",
        Audience.INTERNAL,
    ),
    Step(
        "reject",
        (AWAITING,),
        IN_PROGRESS,
        funding_agency,
        "question.validation_rejected",
        Audience.INTERNAL,
    ),
    Step(
        "decide_trajectory",
        (IN_PROGRESS, WAITING),
        DECIDED,
        chamber_or_coordinator,
        "question.decided",
        Audience.SME,
        (may_start_trajectory,),
    ),
    Step(
        "decide_route",
        (IN_PROGRESS, WAITING),
        DECIDED,
        chamber_or_coordinator,
        "question.decided",
        Audience.SME,
    ),
    Step(
        "close_info",
        (IN_PROGRESS, WAITING),
        DECIDED,
        chamber_or_coordinator,
        "question.decided",
        Audience.SME,
    ),
    Step(
        "reopen",
        (DECIDED,),
        IN_PROGRESS,
        chamber_or_coordinator,
        "question.reopened",
        Audience.SME,
        (no_running_trajectory,),
    ),
    Step(
        "allow_target_group",
        OPEN,
        None,
        coordinator,
        "question.target_group_allowed",
        Audience.INTERNAL,
        (needs_exception,),
    ),
)

# Events written outside a step.
declare_event("question.registered", Audience.SME)


def _lock(question: Question) -> Question:
    return (
        Question.objects.select_for_update(of=("self",))
        .select_related("company", "contact", "chamber", "hub", "advisor")
        .get(pk=question.pk)
    )


def _not_now(q: Question) -> str:
    if q.status in (AWAITING, DECIDED) and q.decision == "trajectory":
        return _(
            "This question already has a trajectory; reopen it first if the decision must change."
        )
    return _("This cannot be done now: the question is %(status)s.") % {
        "status": q.get_status_display().lower()
    }


def _history(q: Question, before: str, after: str, actor: Any, reason: str, at: Any) -> None:
    QuestionTransition.objects.create(
        question=q,
        from_status=before,
        to_status=after,
        actor=actor if getattr(actor, "pk", None) else None,
        at=at,
        reason=reason,
        decision=q.decision,
        route=q.route,
    )
    q.last_activity_at = timezone.now()


QUESTION = register(
    Workflow(
        model=Question,
        field="status",
        steps=STEPS,
        lock=_lock,
        not_now=_not_now,
        history=_history,
    )
)
