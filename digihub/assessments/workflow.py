"""The assessment's workflow: one row per step, fired only through digihub.core.workflow.fire.

Read a row as: *step* may start from *from* and leads to *to*; *who* may take it; the
*conditions* must hold; it writes *event*, which *audience* may read.

A customer who fills in the assessment through the e-mailed link has no account: the link's
signature (``links``) is the proof of who they are, checked by the service before it fires the
step on their behalf (``system=True``); the audit records the platform as actor, with "link".

At the end: what this context does when a trajectory is completed (T1 is scheduled).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from digihub.accounts.roles import Role
from digihub.core.access import ALLOW, Decision, deny
from digihub.core.workflow import Audience, Step, Workflow, declare_event, on_step, register
from digihub.intake.models import Question
from digihub.trajectories.models import Trajectory

from .models import Assessment, Status

SCHEDULED, INVITED, IN_PROGRESS, SUBMITTED, CANCELLED = (
    Status.SCHEDULED,
    Status.INVITED,
    Status.IN_PROGRESS,
    Status.SUBMITTED,
    Status.CANCELLED,
)


# Who ---------------------------------------------------------------------------------------
def chamber(user: Any, a: Assessment) -> Decision:
    """the advisors of the company's chamber, or a programme coordinator"""
    if user.is_coordinator or (user.role == Role.ADVISOR and user.chamber_id == a.chamber_id):
        return ALLOW
    return deny(_("Only the advisors of the company's chamber manage its assessments."))


def respondent(user: Any, a: Assessment) -> Decision:
    """the company itself (a proven user), or its chamber's advisors in the conversation"""
    if user.role == Role.SME and user.company_id == a.company_id:
        return ALLOW
    return chamber(user, a)


# Conditions --------------------------------------------------------------------------------
def complete(a: Assessment) -> Decision:
    from .services import missing_dimensions

    missing = missing_dimensions(a)
    if missing:
        return deny(
            _("Answer every required question first; still open: %(names)s.")
            % {"names": ", ".join(missing)}
        )
    return ALLOW


STEPS = (
    # step      from                                to           who         event                  audience
    Step("invite", (SCHEDULED, INVITED), INVITED, chamber, "assessment.invited", Audience.SME),
    Step("remind", (INVITED, IN_PROGRESS), None, chamber, "assessment.reminded", Audience.SME),
    Step(
        "start", (SCHEDULED, INVITED), IN_PROGRESS, respondent, "assessment.started", Audience.SME
    ),
    # Saving answers while in progress: no change of state and no event (saved as one goes).
    Step("answer", (IN_PROGRESS,), None, respondent, "", Audience.INTERNAL),
    Step(
        "submit",
        (IN_PROGRESS,),
        SUBMITTED,
        respondent,
        "assessment.submitted",
        Audience.SME,
        (complete,),
    ),
    Step(
        "cancel",
        (SCHEDULED, INVITED, IN_PROGRESS),
        CANCELLED,
        chamber,
        "assessment.cancelled",
        Audience.INTERNAL,
    ),
)

declare_event("assessment.created", Audience.SME)


def _lock(a: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("company", "questionnaire", "respondent", "trajectory")
        .get(pk=a.pk)
    )


def _not_now(a: Assessment) -> str:
    return _("Not possible now: the assessment's status is %(status)s.") % {
        "status": a.get_status_display().lower()
    }


ASSESSMENT = register(
    Workflow(model=Assessment, field="status", steps=STEPS, lock=_lock, not_now=_not_now)
)


# When a trajectory is completed --------------------------------------------------------------
@on_step(Trajectory, "complete")
def schedule_t1(trajectory: Trajectory, actor: Any, reason: str) -> None:
    """T1 is requested ``DIGIHUB_DMA_T1_AFTER_DAYS`` after completion (the reminders command
    sends the link on that day)."""
    from .services import schedule_follow_up

    completed = trajectory.completed_at.date() if trajectory.completed_at else dt.date.today()
    schedule_follow_up(
        trajectory=trajectory,
        due_on=completed + dt.timedelta(days=settings.DIGIHUB_DMA_T1_AFTER_DAYS),
    )


# When the question's decision opens a trajectory ------------------------------------------------
@on_step(Question, "decide_trajectory")
@on_step(Question, "approve")
def carry_service_type(question: Question, actor: Any, reason: str) -> None:
    """The trajectory just opened (by the trajectories context, first) delivers the service
    chosen at the decision; a T0 the advisor took before it opened is linked to it."""
    from .services import link_t0

    trajectory = Trajectory.objects.filter(question=question).order_by("-pk").first()
    if trajectory is None:
        return
    service_type = question.chosen_service_type or trajectory.service_type
    if trajectory.service_type != service_type:
        Trajectory.objects.filter(pk=trajectory.pk).update(service_type=service_type)
        trajectory.service_type = service_type
    link_t0(trajectory)
