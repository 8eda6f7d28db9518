"""Maturity assessments: start (T0), schedule (T1), invite and remind, answer, submit and score.

Every change of state takes a step of the assessment's workflow (``workflow``) through
``digihub.core.workflow.fire``; answers saved while the assessment is in progress change no
state and write no event (they are saved as the respondent goes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digihub.audit.services import record_event
from digihub.core.access import require
from digihub.core.money import MAX_AMOUNT, cents
from digihub.core.notifications import Email, dispatch, message
from digihub.core.workflow import Audience, NotNow, advance, declare_event, fire
from digihub.trajectories.models import Phase, Session, Trajectory

from . import scoring
from .links import link_url
from .models import (
    Answer,
    AnswerOption,
    Assessment,
    Band,
    Dimension,
    DimensionScore,
    FilledBy,
    Moment,
    Question,
    Questionnaire,
    Status,
    Variant,
)
from .workflow import chamber, respondent

declare_event("trajectory.investment", Audience.INTERNAL)
declare_event("session.attendance", Audience.PARTNER)


class NothingToDo(Exception):
    """Raised inside a step's work when, on the locked row, there is nothing (left) to do."""


# Questionnaires ------------------------------------------------------------------------------
def variant_for(company: Any) -> str:
    return Variant.PUBLIC if company.customer_kind == "public" else Variant.SME


def current_questionnaire(variant: str) -> Questionnaire:
    questionnaire = (
        Questionnaire.objects.filter(variant=variant, active=True).order_by("-version").first()
    )
    if questionnaire is None:
        raise ValidationError(_("No questionnaire is in use for this kind of customer."))
    return questionnaire


def dimensions_of(questionnaire: Questionnaire) -> list[Dimension]:
    return list(
        questionnaire.dimensions.prefetch_related("questions__options").order_by("order")  # type: ignore[attr-defined]
    )


# Who gets the link ---------------------------------------------------------------------------
def respondent_emails(a: Assessment) -> list[str]:
    """The respondent contact, else the company's users, else its confirmed contacts."""
    if a.respondent_id and a.respondent and a.respondent.email and not a.respondent.erased_at:
        return [a.respondent.email]
    users = list(
        a.company.users.filter(is_active=True).values_list("email", flat=True)  # type: ignore[attr-defined]
    )
    if users:
        return users
    contacts = a.company.contacts.filter(erased_at__isnull=True).exclude(email="")  # type: ignore[attr-defined]
    confirmed = contacts.filter(confirmed_at__isnull=False).values_list("email", flat=True)
    return list(confirmed) or list(contacts.values_list("email", flat=True)[:1])


def _link_email(a: Assessment, template: str, subject: Any) -> list[Email]:
    return [
        Email(
            respondent_emails(a),
            subject,
            template,
            {"assessment": a, "link": link_url(a), "days": settings.DIGIHUB_DMA_LINK_DAYS},
        )
    ]


# Starting and scheduling ---------------------------------------------------------------------
def _open_trajectory_of(company: Any) -> Trajectory | None:
    return (
        Trajectory.objects.filter(company=company)
        .exclude(phase=Phase.STOPPED)
        .exclude(assessments__moment=Moment.T0)
        .order_by("-started_at")
        .first()
    )


@transaction.atomic
def start_assessment(
    *,
    actor: Any,
    company: Any,
    by_advisor: bool = False,
    respondent_contact: Any = None,
    trajectory: Trajectory | None = None,
) -> Assessment:
    """A T0 for a company: filled in by the advisor now (in the exploratory conversation), or
    sent to the customer as a link. One open T0 per company at a time."""
    probe = Assessment(company=company, chamber_id=company.chamber_id)
    decision = chamber(actor, probe)
    if not decision:
        raise PermissionDenied(decision.reason)
    if Assessment.objects.filter(
        company=company, moment=Moment.T0, status__in=[Status.INVITED, Status.IN_PROGRESS]
    ).exists():
        raise ValidationError(_("A T0 assessment of this company is already open."))
    if respondent_contact is not None and respondent_contact.company_id != company.pk:
        raise ValidationError({"respondent": _("Choose a contact of this company.")})
    now = timezone.now()
    a = Assessment.objects.create(
        company=company,
        hub_id=company.hub_id,
        chamber_id=company.chamber_id,
        trajectory=trajectory or _open_trajectory_of(company),
        questionnaire=current_questionnaire(variant_for(company)),
        moment=Moment.T0,
        status=Status.IN_PROGRESS if by_advisor else Status.SCHEDULED,
        filled_by=FilledBy.ADVISOR if by_advisor else FilledBy.CUSTOMER,
        respondent=respondent_contact,
        due_on=timezone.localdate(),
        created_by=actor,
        started_at=now if by_advisor else None,
    )
    dispatch(
        actor=actor,
        action="assessment.created",
        target=a,
        company=company,
        summary=gettext_lazy("Maturity assessment T0 started"),
    )
    if not by_advisor:
        invite(actor=actor, assessment=a)
        a.refresh_from_db()
    return a


def link_t0(trajectory: Trajectory) -> None:
    """A T0 of the company not yet tied to a trajectory belongs to the one just opened."""
    t0 = (
        Assessment.objects.filter(
            company_id=trajectory.company_id, moment=Moment.T0, trajectory__isnull=True
        )
        .exclude(status=Status.CANCELLED)
        .order_by("-created_at")
        .first()
    )
    if (
        t0 is not None
        and not Assessment.objects.filter(trajectory=trajectory, moment=Moment.T0)
        .exclude(status=Status.CANCELLED)
        .exists()
    ):
        Assessment.objects.filter(pk=t0.pk).update(trajectory=trajectory)


def schedule_follow_up(*, trajectory: Trajectory, due_on: dt.date) -> Assessment | None:
    """The T1 of a completed trajectory, to be sent on ``due_on`` (idempotent)."""
    if (
        Assessment.objects.filter(trajectory=trajectory, moment=Moment.T1)
        .exclude(status=Status.CANCELLED)
        .exists()
    ):
        return None
    company = trajectory.company
    t0 = (
        Assessment.objects.filter(company=company, moment=Moment.T0)
        .exclude(status=Status.CANCELLED)
        .order_by(F("trajectory_id").desc(nulls_last=True), "-created_at")
        .first()
    )
    questionnaire = t0.questionnaire if t0 else current_questionnaire(variant_for(company))
    contact = t0.respondent if t0 else None
    if contact is None and trajectory.question_id and trajectory.question:
        contact = trajectory.question.contact
    a = Assessment.objects.create(
        company=company,
        hub_id=trajectory.hub_id,
        chamber_id=trajectory.chamber_id,
        trajectory=trajectory,
        questionnaire=questionnaire,
        moment=Moment.T1,
        status=Status.SCHEDULED,
        respondent=contact,
        due_on=due_on,
    )
    record_event(
        actor=None,
        action="assessment.created",
        target=a,
        company=company,
        summary=message(gettext_lazy("Maturity assessment T1 scheduled for %(day)s"), day=due_on),
    )
    return a


# Invitations and reminders -------------------------------------------------------------------
def invite(
    *, actor: Any, assessment: Assessment, system: bool = False, at: dt.datetime | None = None
) -> Assessment:
    """Send (or send again) the link; a scheduled T1 becomes invited."""
    if not respondent_emails(assessment):
        raise ValidationError(
            _("The company has no contact with an e-mail address to send the link to.")
        )

    def work(a: Assessment) -> None:
        a.invited_at = at or timezone.now()

    a, _r = fire(
        assessment,
        "invite",
        actor=actor,
        system=system,
        work=work,
        summary=gettext_lazy("Link to the maturity assessment sent"),
        emails=lambda a, _r: _link_email(
            a,
            "assessments/email/invite.txt",
            gettext_lazy("Your digital maturity assessment (%(moment)s)")
            % {"moment": a.get_moment_display()},
        ),
    )
    return a  # type: ignore[no-any-return]


def _reminder_due(now: dt.datetime) -> Q:
    last = now - dt.timedelta(days=settings.DIGIHUB_DMA_REMINDER_DAYS)
    return Q(
        status__in=[Status.INVITED, Status.IN_PROGRESS],
        filled_by=FilledBy.CUSTOMER,
        reminders_sent__lt=settings.DIGIHUB_DMA_MAX_REMINDERS,
        invited_at__isnull=False,
        last_sent__lte=last,
    )


def _with_last_sent(qs: Any) -> Any:
    return qs.annotate(last_sent=Coalesce("last_reminder_at", "invited_at"))


def remind(*, assessment: Assessment, now: dt.datetime | None = None) -> Assessment | None:
    """Remind the respondent, when a reminder is due on the locked row (else None)."""
    moment = now or timezone.now()

    def work(a: Assessment) -> None:
        if (
            not _with_last_sent(Assessment.objects.filter(pk=a.pk))
            .filter(_reminder_due(moment))
            .exists()
        ):
            raise NothingToDo
        a.reminders_sent += 1
        a.last_reminder_at = moment

    try:
        a, _r = fire(
            assessment,
            "remind",
            actor=None,
            system=True,
            work=work,
            summary=gettext_lazy("Reminder about the maturity assessment sent"),
            emails=lambda a, _r: _link_email(
                a,
                "assessments/email/reminder.txt",
                gettext_lazy("Reminder: your digital maturity assessment"),
            ),
        )
    except NothingToDo:
        return None
    return a  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ReminderRun:
    invited: int
    reminded: int
    without_address: int


def send_due(*, today: dt.date | None = None, now: dt.datetime | None = None) -> ReminderRun:
    """Send the T1 links that are due and the reminders that are due. Running it again the same
    day sends nothing twice: each mail is decided on the locked row."""
    moment = now or timezone.now()
    day = today or timezone.localdate(moment)
    invited = reminded = without = 0
    for a in Assessment.objects.filter(status=Status.SCHEDULED, due_on__lte=day).order_by("pk"):
        if not respondent_emails(a):
            without += 1
            continue
        invite(actor=None, assessment=a, system=True, at=moment)
        invited += 1
    for a in _with_last_sent(Assessment.objects.all()).filter(_reminder_due(moment)).order_by("pk"):
        if not respondent_emails(a):
            without += 1
            continue
        if remind(assessment=a, now=moment) is not None:
            reminded += 1
    return ReminderRun(invited, reminded, without)


# Answering ------------------------------------------------------------------------------------
def check_respondent(actor: Any, a: Assessment) -> None:
    """A signed-in respondent (the company's user, its chamber's advisor) may answer."""
    decision = respondent(actor, a) if getattr(actor, "is_authenticated", False) else None
    if not decision:
        raise PermissionDenied(
            decision.reason if decision is not None else _("Please log in first.")
        )


def _write_answers(
    a: Assessment, questions: Iterable[Question], given: Mapping[int, tuple[list[int], bool]]
) -> int:
    errors: dict[str, list[str]] = {}
    saved = 0
    for question in questions:
        if question.pk not in given:
            continue
        option_ids, skipped = given[question.pk]
        valid = {o.pk for o in question.options.all()}  # type: ignore[attr-defined]
        chosen = [pk for pk in dict.fromkeys(option_ids) if pk in valid]
        if len(chosen) != len(set(option_ids)):
            errors.setdefault(f"q{question.pk}", []).append(_("Choose one of the answers shown."))
            continue
        if question.kind == "single" and len(chosen) > 1:
            errors.setdefault(f"q{question.pk}", []).append(_("Choose one answer."))
            continue
        if skipped and not question.optional:
            errors.setdefault(f"q{question.pk}", []).append(_("This question cannot be skipped."))
            continue
        answer, _created = Answer.objects.update_or_create(
            assessment=a,
            question=question,
            defaults={"skipped": skipped, "answered_at": timezone.now()},
        )
        answer.options.set([] if skipped else chosen)
        saved += 1
    if errors:
        raise ValidationError(errors)
    return saved


def save_answers(
    *,
    assessment: Assessment,
    dimension: Dimension,
    given: Mapping[int, tuple[list[int], bool]],
    actor: Any = None,
    via_link: bool = False,
) -> int:
    """Save the answers to one dimension's questions (question id → chosen option ids, skipped).

    The first answers start the assessment (step ``start``); later ones are saved on the locked
    row without an event. ``via_link``: the caller has checked the link (``links.read_token``)."""
    if dimension.questionnaire_id != assessment.questionnaire_id:
        raise ValidationError(_("This page does not belong to the assessment."))
    if not via_link:
        check_respondent(actor, assessment)
    questions = list(dimension.questions.prefetch_related("options"))  # type: ignore[attr-defined]
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        try:
            advance(locked, "answer")  # in progress: the answers change, nothing else
        except NotNow:
            pass
        else:
            return _write_answers(locked, questions, given)

        def work(a: Assessment) -> int:
            a.started_at = timezone.now()
            return _write_answers(a, questions, given)

        # Not yet started: the first answers start it (the step refuses any other state).
        started, saved = fire(
            locked,
            "start",
            actor=None if via_link else actor,
            system=via_link,
            work=work,
            summary=gettext_lazy("Maturity assessment started"),
            data={"via": "link"} if via_link else None,
        )
        assessment.status = started.status
        return saved  # type: ignore[no-any-return]


def _given(a: Assessment) -> dict[int, scoring.Given]:
    result: dict[int, scoring.Given] = {}
    for answer in Answer.objects.filter(assessment=a).prefetch_related("options"):
        result[answer.question_id] = scoring.Given(
            tuple(o.points for o in answer.options.all()), answer.skipped
        )
    return result


def missing_dimensions(a: Assessment) -> list[str]:
    """The dimensions (names, translated) with a required question still unanswered."""
    given = _given(a)
    missing = []
    for dimension in dimensions_of(a.questionnaire):
        for question in dimension.questions.all():  # type: ignore[attr-defined]
            g = given.get(question.pk)
            answered = g is not None and not g.skipped and (g.points or question.kind == "multiple")
            if not question.optional and not answered:
                missing.append(_(dimension.name))
                break
    return missing


def score(a: Assessment) -> tuple[list[tuple[Dimension, Decimal]], Decimal]:
    given = _given(a)
    per_dimension = [
        (d, scoring.dimension_score(d, d.questions.all(), given))  # type: ignore[attr-defined]
        for d in dimensions_of(a.questionnaire)
    ]
    return per_dimension, scoring.overall_score(s for _d, s in per_dimension)


def baseline_for(a: Assessment) -> Assessment | None:
    """The T0 a T1 is compared with: the submitted T0 of the same trajectory, else the
    company's latest submitted T0."""
    t0s = Assessment.objects.filter(
        company_id=a.company_id, moment=Moment.T0, status=Status.SUBMITTED
    ).order_by("-submitted_at", "-pk")
    same = t0s.filter(trajectory_id=a.trajectory_id).first() if a.trajectory_id else None
    return same or t0s.first()


def submit(*, assessment: Assessment, actor: Any = None, via_link: bool = False) -> Assessment:
    """Submit: the scores per dimension, overall and band are computed and kept."""
    if not via_link:
        check_respondent(actor, assessment)

    def work(a: Assessment) -> None:
        per_dimension, overall = score(a)
        DimensionScore.objects.filter(assessment=a).delete()
        DimensionScore.objects.bulk_create(
            DimensionScore(assessment=a, dimension=d, code=d.code, order=d.order, score=s)
            for d, s in per_dimension
        )
        a.overall, a.band = overall, scoring.band_of(overall)
        a.submitted_at = timezone.now()
        if a.moment == Moment.T1:
            a.baseline = baseline_for(a)

    a, _r = fire(
        assessment,
        "submit",
        actor=None if via_link else actor,
        system=via_link,
        work=work,
        summary=lambda a, _r: message(
            gettext_lazy("Maturity assessment submitted: %(score)s (%(band)s)"),
            score=str(a.overall),  # a score, not an amount of money
            band=Band(a.band).label if a.band in Band.values else a.band,
        ),
        data={"via": "link"} if via_link else None,
        emails=lambda a, _r: [
            Email(
                respondent_emails(a),
                gettext_lazy("Your digital maturity: the result"),
                "assessments/email/result.txt",
                {"assessment": a, "scores": list(a.scores.select_related("dimension"))},
            )
        ],
    )
    return a  # type: ignore[no-any-return]


def cancel(*, actor: Any, assessment: Assessment, reason: str) -> Assessment:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the assessment is cancelled.")})
    a, _r = fire(
        assessment,
        "cancel",
        actor=actor,
        reason=reason,
        summary=gettext_lazy("Maturity assessment cancelled"),
    )
    return a  # type: ignore[no-any-return]


# What the services achieved ------------------------------------------------------------------
def record_investment(*, actor: Any, trajectory: Trajectory, amount: Decimal | None) -> Trajectory:
    """The investment the customer found or made thanks to the support (optional KPI)."""
    require(actor, "steer", trajectory)
    if amount is not None:
        amount = cents(amount)
        if amount < 0 or amount > MAX_AMOUNT:
            raise ValidationError(
                {"amount": _("Enter an amount between 0 and %(max)s.") % {"max": MAX_AMOUNT}}
            )
    with transaction.atomic():
        locked = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
        old = locked.investment_facilitated
        locked.investment_facilitated = amount
        locked.save(update_fields=["investment_facilitated"])
        dispatch(
            actor=actor,
            action="trajectory.investment",
            target=locked,
            company=locked.company,
            summary=message(
                gettext_lazy("Investment facilitated: %(old)s → %(new)s"),
                old=old if old is not None else "–",
                new=amount if amount is not None else "–",
            ),
        )
    return locked


def record_attendance(*, actor: Any, session: Session, attendees: int) -> Session:
    """How many people attended a (training) session: part of the partner's session outcome."""
    if not 0 <= int(attendees) <= 100000:
        raise ValidationError({"attendees": _("Enter a number of attendees from 0 to 100,000.")})

    def work(t: Trajectory) -> Session:
        Session.objects.filter(pk=session.pk, trajectory=t).update(attendees=int(attendees))
        session.refresh_from_db()
        return session

    fire(
        session.trajectory,
        "record_outcome",
        actor=actor,
        work=work,
        summary=message(
            gettext_lazy("%(n)s attendees at %(title)s"), n=int(attendees), title=session.title
        ),
    )
    return session


def ensure_questionnaires() -> list[Questionnaire]:
    """Install the EU DMA variants when missing (the migration does it; tests and demo too)."""
    from types import SimpleNamespace

    from . import dma

    models = SimpleNamespace(
        Questionnaire=Questionnaire,
        Dimension=Dimension,
        Question=Question,
        AnswerOption=AnswerOption,
    )
    return [dma.install(models, variant) for variant in dma.VARIANTS]
