"""The trajectory's workflow — the four phases the hubs report on, and stopping: one row per step.

Read a row as: *step* may start from *from* and leads to *to*; *who* may take it; the
*conditions* must hold; it writes *event*, which *audience* may read. ``digihub.core.workflow.fire``
is the only way these steps happen (see ``services``). At the end: what this context does when
a step of the question's workflow is taken.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digihub.accounts.roles import Role
from digihub.core.access import ALLOW, Decision, deny
from digihub.core.workflow import (
    Audience,
    Step,
    Workflow,
    declare_event,
    fire,
    on_step,
    register,
)
from digihub.funding.models import PaymentRequest
from digihub.intake.models import Question

from .models import (
    OPEN_PHASES,
    Advice,
    Phase,
    Quote,
    QuoteStatus,
    Survey,
    Trajectory,
)
from .services import open_trajectory, record_phase

STARTUP, IN_QUOTE, EXECUTION, COMPLETED, STOPPED = (
    Phase.STARTUP,
    Phase.QUOTE,
    Phase.EXECUTION,
    Phase.COMPLETED,
    Phase.STOPPED,
)


# Who ---------------------------------------------------------------------------------------
def chamber(user: Any, t: Trajectory) -> Decision:
    """the advisors of the trajectory's chamber, or a programme coordinator"""
    if user.is_coordinator or (user.role == Role.ADVISOR and user.chamber_id == t.chamber_id):
        return ALLOW
    return deny(_("Only the advisors of the trajectory's chamber steer it."))


def partner_staff(user: Any, t: Trajectory) -> Decision:
    """the staff of the trajectory's knowledge partner"""
    if user.role == Role.PARTNER and user.partner_id == t.partner_id:
        return ALLOW
    return deny(_("Only the staff of the trajectory's knowledge partner do this."))


def the_sme(user: Any, t: Trajectory) -> Decision:
    """the SME itself (a proven user of the company)"""
    if user.role == Role.SME and user.company_id == t.company_id:
        return ALLOW
    return deny(_("Only the SME itself signs and answers the survey."))


# Conditions --------------------------------------------------------------------------------
def advice_delivered(t: Trajectory) -> Decision:
    if Advice.objects.filter(trajectory=t).exists():
        return ALLOW
    return deny(_("Deliver the advice or action plan before completing the trajectory."))


def survey_not_answered(t: Trajectory) -> Decision:
    if Survey.objects.filter(trajectory=t).exists():
        return deny(_("You already answered the survey. Thank you!"))
    return ALLOW


STEPS = (
    # step               from                 to          who            event                         audience
    Step(
        "change_partner",
        (STARTUP, IN_QUOTE),
        None,
        chamber,
        "trajectory.partner_changed",
        Audience.SME,
    ),
    Step(
        "save_quote", (STARTUP, IN_QUOTE), IN_QUOTE, partner_staff, "quote.saved", Audience.PARTNER
    ),
    Step("issue_quote", (IN_QUOTE,), None, partner_staff, "quote.issued", Audience.SME),
    Step("sign_online", (IN_QUOTE,), EXECUTION, the_sme, "quote.signed", Audience.SME),
    Step("sign_copy", (IN_QUOTE,), EXECUTION, chamber, "quote.signed", Audience.SME),
    Step(
        "plan_session", (IN_QUOTE, EXECUTION), None, partner_staff, "session.planned", Audience.SME
    ),
    Step(
        "record_outcome",
        (IN_QUOTE, EXECUTION, COMPLETED),
        None,
        partner_staff,
        "session.outcome",
        Audience.SME,
    ),
    Step("deliver_advice", (EXECUTION,), None, partner_staff, "trajectory.advice", Audience.SME),
    Step(
        "complete",
        (EXECUTION,),
        COMPLETED,
        partner_staff,
        "trajectory.completed",
        Audience.SME,
        (advice_delivered,),
    ),
    Step("stop", OPEN_PHASES, STOPPED, chamber, "trajectory.stopped", Audience.SME),
    Step(
        "answer_survey",
        (COMPLETED,),
        None,
        the_sme,
        "trajectory.survey",
        Audience.SME,
        (survey_not_answered,),
    ),
)

declare_event("trajectory.opened", Audience.SME)


def _lock(t: Trajectory) -> Trajectory:
    return (
        Trajectory.objects.select_for_update(of=("self",))
        .select_related("company", "hub", "partner", "advisor", "chamber", "question")
        .get(pk=t.pk)
    )


def _not_now(t: Trajectory) -> str:
    return _("Not possible in the current phase (%(phase)s).") % {
        "phase": t.get_phase_display().lower()
    }


def _history(t: Trajectory, before: str, after: str, actor: Any, reason: str, at: Any) -> None:
    record_phase(t, after, actor, reason, at)


# The quote's versions move inside the trajectory's steps (``advance``): who may act and the event
# are the trajectory's; these rows say which version may be edited, issued, signed or replaced.
def _by_the_trajectory_step(user: Any, q: Quote) -> Decision:
    """whoever may take the enclosing trajectory step"""
    return ALLOW


def is_latest_version(q: Quote) -> Decision:
    latest = (
        Quote.objects.filter(trajectory_id=q.trajectory_id)
        .exclude(status=QuoteStatus.SUPERSEDED)
        .order_by("-number")
        .values_list("pk", flat=True)
        .first()
    )
    if latest == q.pk:
        return ALLOW
    return deny(_("This is not the current version of the quote; sign the latest one."))


DRAFT, ISSUED, SIGNED, SUPERSEDED = (
    QuoteStatus.DRAFT,
    QuoteStatus.ISSUED,
    QuoteStatus.SIGNED,
    QuoteStatus.SUPERSEDED,
)
QUOTE_STEPS = (
    # step        from               to          who                      event  audience
    Step("edit", (DRAFT,), None, _by_the_trajectory_step, "", Audience.INTERNAL),
    Step("issue", (DRAFT,), ISSUED, _by_the_trajectory_step, "", Audience.INTERNAL),
    Step(
        "sign",
        (ISSUED,),
        SIGNED,
        _by_the_trajectory_step,
        "",
        Audience.INTERNAL,
        (is_latest_version,),
    ),
    Step("supersede", (DRAFT, ISSUED), SUPERSEDED, _by_the_trajectory_step, "", Audience.INTERNAL),
)


def _quote_not_now(q: Quote) -> str:
    refusals: dict[str, str] = {
        DRAFT: _("This quote is still a draft."),
        ISSUED: _("Only a draft can be changed; make a new version instead."),
        SIGNED: _("This quote is already signed."),
        SUPERSEDED: _("This is not the current version of the quote; sign the latest one."),
    }
    return refusals.get(q.status, _("Not possible for this quote now."))


QUOTE = register(
    Workflow(
        model=Quote,
        field="status",
        steps=QUOTE_STEPS,
        lock=lambda q: Quote.objects.select_for_update().get(pk=q.pk),
        not_now=_quote_not_now,
    )
)

TRAJECTORY = register(
    Workflow(
        model=Trajectory,
        field="phase",
        steps=STEPS,
        lock=_lock,
        not_now=_not_now,
        history=_history,
    )
)


# When the question's workflow moves ---------------------------------------------------------
@on_step(Question, "decide_trajectory")
@on_step(Question, "approve")
def open_for_decision(question: Question, actor: Any, reason: str) -> None:
    """A decision for a trajectory (directly, or once the agency approved it) opens one."""
    open_trajectory(
        actor=question.advisor or actor,
        question=question,
        partner=question.chosen_partner,
        reason=question.decision_reason,
    )


@on_step(Question, "hand_over")
def move_along(question: Question, actor: Any, reason: str) -> None:
    """The open trajectories of a handed-over question follow, so the SME keeps one advisor."""
    Trajectory.objects.filter(question=question, phase__in=OPEN_PHASES).update(
        advisor=question.advisor
    )


# When the SME's share lapses (funding) ------------------------------------------------------
@on_step(PaymentRequest, "lapse")
def follow_lapsed_payment(payment: PaymentRequest, actor: Any, reason: str) -> None:
    """The funding engine released the commitment of an unpaid share; under a programme whose
    rule says so the trajectory of that quote stops (else it waits, parked in its phase)."""
    if not payment.programme.lapse_stops_trajectory or not payment.document_id:
        return
    if payment.document_type_id != ContentType.objects.get_for_model(Quote).pk:
        return
    trajectory = Trajectory.objects.filter(
        quotes__pk=payment.document_id, phase__in=OPEN_PHASES
    ).first()
    if trajectory is None:
        return
    why = _("The SME's share %(ref)s was not paid in time.") % {"ref": payment}

    def work(t: Trajectory) -> None:
        t.stopped_at, t.stop_reason = timezone.now(), why

    fire(
        trajectory,
        "stop",
        actor=actor,
        reason=why,
        work=work,
        system=True,
        summary=gettext_lazy("Trajectory stopped: its payment lapsed"),
    )
