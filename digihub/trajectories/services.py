"""Trajectories: the phases, quotes and their signature, sessions, advice and completion.

Each function takes the acting user, locks the trajectory, checks who may act and whether the
phase allows it, fires the django-fsm transition, closes the current phase period and opens the
next one, and records the change; funding is booked in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digihub.core.access import require
from digihub.core.money import ZERO, cents
from digihub.core.notifications import Email, dispatch
from digihub.core.pdf import render_pdf
from digihub.core.uploads import DOCX, PDF, check_upload

from .models import (
    Advice,
    Phase,
    PhaseSpan,
    Quote,
    QuoteLine,
    QuoteStatus,
    Session,
    Survey,
    Trajectory,
)


def _locked(trajectory: Trajectory) -> Trajectory:
    return (
        Trajectory.objects.select_for_update()
        .select_related("company", "hub", "partner", "advisor", "chamber")
        .get(pk=trajectory.pk)
    )


def _move(
    t: Trajectory, fire: str, actor: Any, reason: str = "", at: dt.datetime | None = None
) -> None:
    now = at or timezone.now()
    getattr(t, fire)()
    PhaseSpan.objects.filter(trajectory=t, left_at__isnull=True).update(left_at=now)
    PhaseSpan.objects.create(
        trajectory=t,
        phase=t.phase,
        entered_at=now,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
    )
    t.phase_changed_at = now


def _not_now(t: Trajectory) -> ValidationError:
    return ValidationError(
        _("Not possible in the current phase (%(phase)s).")
        % {"phase": t.get_phase_display().lower()},
        code="phase",
    )


def _partner_emails(t: Trajectory) -> list[str]:
    emails = list(t.partner.staff.filter(is_active=True).values_list("email", flat=True))  # type: ignore[attr-defined]
    return emails or ([t.partner.email] if t.partner.email else [])


def _sme_emails(t: Trajectory) -> list[str]:
    users = list(t.company.users.filter(is_active=True).values_list("email", flat=True))  # type: ignore[attr-defined]
    contact = t.question.contact if t.question_id and t.question and t.question.contact else None
    return users or ([contact.email] if contact and contact.email else [])


@transaction.atomic
def open_trajectory(*, actor: Any, question: Any, partner: Any, reason: str = "") -> Trajectory:
    """The advisor's decision (intake) opens the trajectory in its start-up phase."""
    if question.hub_id is None or question.chamber_id is None:
        raise ValidationError(_("The company lies outside every hub: no trajectory can start."))
    now = timezone.now()
    concrete = "\n".join(
        c for c in question.conversations.values_list("concrete_questions", flat=True) if c
    )
    t = Trajectory.objects.create(
        reference=f"tmp-{uuid.uuid4().hex[:16]}",
        company=question.company,
        hub=question.hub,
        chamber=question.chamber,
        advisor=question.advisor or actor,
        partner=partner,
        question=question,
        concrete_questions=concrete,
        started_at=now,
        phase_changed_at=now,
    )
    t.reference = f"TR-{now.year}-{t.pk:05d}"
    t.save(update_fields=["reference"])
    themes = getattr(question, "themes", None)
    if themes is not None:
        t.themes.set(themes.all())
    PhaseSpan.objects.create(
        trajectory=t,
        phase=Phase.STARTUP,
        entered_at=now,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
    )
    dispatch(
        actor=actor,
        action="trajectory.opened",
        target=t,
        company=t.company,
        reason=reason,
        summary=gettext_lazy("Trajectory %(ref)s started with %(partner)s")
        % {"ref": t.reference, "partner": partner},
        emails=[
            Email(
                _partner_emails(t),
                gettext_lazy("New trajectory %(ref)s introduced to you") % {"ref": t.reference},
                "trajectories/email/introduced.txt",
            )
        ],
    )
    return t


@transaction.atomic
def change_partner(*, actor: Any, trajectory: Trajectory, partner: Any, reason: str) -> Trajectory:
    t = _locked(trajectory)
    require(actor, "steer", t)
    if t.phase not in (Phase.STARTUP, Phase.QUOTE):
        raise ValidationError(_("The partner can only change before a quote is signed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Record why the partner changes.")})
    old = t.partner
    t.partner = partner
    t.save(update_fields=["partner"])
    t.quotes.filter(status__in=[QuoteStatus.DRAFT, QuoteStatus.ISSUED]).update(
        status=QuoteStatus.SUPERSEDED
    )  # type: ignore[attr-defined]
    dispatch(
        actor=actor,
        action="trajectory.partner_changed",
        target=t,
        company=t.company,
        reason=reason,
        summary=gettext_lazy("Partner changed from %(old)s to %(new)s")
        % {"old": old, "new": partner},
        data={"from": old.pk, "to": partner.pk},
    )
    return t


def _clean_lines(lines: list[dict[str, Any]]) -> list[QuoteLine]:
    if not lines:
        raise ValidationError({"lines": _("A quote has at least one line.")})
    result = []
    for index, line in enumerate(lines, start=1):
        days, rate = Decimal(str(line.get("days") or 0)), Decimal(str(line.get("day_rate") or 0))
        if not str(line.get("description") or "").strip():
            raise ValidationError({"lines": _("Line %(n)s has no description.") % {"n": index}})
        if days <= 0 or rate <= 0:
            raise ValidationError(
                {
                    "lines": _("Line %(n)s needs a positive number of days and day rate.")
                    % {"n": index}
                }
            )
        result.append(
            QuoteLine(
                description=str(line["description"])[:300],
                days=days,
                day_rate=cents(rate),
                amount=cents(days * rate),
            )
        )
    return result


@transaction.atomic
def save_quote(
    *,
    actor: Any,
    trajectory: Trajectory,
    scope: str,
    methodology: str,
    valid_until: dt.date,
    lines: list[dict[str, Any]],
    quote: Quote | None = None,
    expected_revision: int | None = None,
) -> Quote:
    """Create a new version, or change a draft (optimistic lock on ``revision``)."""
    t = _locked(trajectory)
    require(actor, "quote", t)
    if t.phase not in (Phase.STARTUP, Phase.QUOTE):
        raise _not_now(t)
    if valid_until < timezone.localdate():
        raise ValidationError({"valid_until": _("The validity date lies in the past.")})
    if not scope.strip():
        raise ValidationError({"scope": _("Describe the scope of the technical analysis.")})
    new_lines = _clean_lines(lines)
    total = sum((line.amount for line in new_lines), ZERO)
    if quote is not None:
        current = Quote.objects.select_for_update().get(pk=quote.pk, trajectory=t)
        if current.status != QuoteStatus.DRAFT:
            raise ValidationError(_("Only a draft can be changed; make a new version instead."))
        if expected_revision is not None and current.revision != expected_revision:
            raise ValidationError(
                _(
                    "Someone else changed this quote meanwhile. Reload it; your text is still in the form."
                ),
                code="stale",
            )
        current.scope, current.methodology, current.valid_until, current.total = (
            scope,
            methodology,
            valid_until,
            total,
        )
        current.revision += 1
        current.save()
        current.lines.all().delete()
    else:
        last = t.quotes.order_by("-number").first()  # type: ignore[attr-defined]
        if last is not None and last.status == QuoteStatus.SIGNED:
            raise ValidationError(_("The quote is signed; it can no longer change."))
        t.quotes.filter(status__in=[QuoteStatus.DRAFT, QuoteStatus.ISSUED]).update(
            status=QuoteStatus.SUPERSEDED
        )  # type: ignore[attr-defined]
        current = Quote.objects.create(
            trajectory=t,
            number=(last.number + 1) if last else 1,
            scope=scope,
            methodology=methodology,
            valid_until=valid_until,
            total=total,
            created_by=actor,
        )
    for line in new_lines:
        line.quote = current
    QuoteLine.objects.bulk_create(new_lines)
    if t.phase == Phase.STARTUP:
        _move(t, "to_quote", actor, _("first quote drafted"))
        t.save()
    dispatch(
        actor=actor,
        action="quote.saved",
        target=t,
        company=t.company,
        summary=gettext_lazy("Quote version %(n)s saved (%(total)s excl. VAT)")
        % {"n": current.number, "total": total},
    )
    return current


def quote_pdf(quote: Quote, split: Any) -> bytes:
    return render_pdf(
        "trajectories/quote_pdf.html",
        {
            "quote": quote,
            "lines": list(quote.lines.all()),
            "split": split,
            "trajectory": quote.trajectory,
        },
    )


@transaction.atomic
def issue_quote(*, actor: Any, quote: Quote) -> Quote:
    """Freeze a draft: render its PDF once, keep the bytes and their SHA-256 (what the SME signs)."""
    from digihub.funding.services import guidance_split

    t = _locked(quote.trajectory)
    require(actor, "quote", t)
    q = Quote.objects.select_for_update().get(pk=quote.pk)
    if q.status != QuoteStatus.DRAFT:
        raise ValidationError(_("Only a draft can be issued."))
    if q.valid_until < timezone.localdate():
        raise ValidationError({"valid_until": _("The validity date lies in the past.")})
    split = guidance_split(hub=t.hub, amount=q.total)
    data = quote_pdf(q, split)
    q.pdf.save(f"{t.reference}-v{q.number}.pdf", ContentFile(data), save=False)
    q.pdf_sha256 = hashlib.sha256(data).hexdigest()
    q.status, q.issued_at = QuoteStatus.ISSUED, timezone.now()
    q.save()
    dispatch(
        actor=actor,
        action="quote.issued",
        target=t,
        company=t.company,
        summary=gettext_lazy("Quote version %(n)s issued to the SME") % {"n": q.number},
        emails=[
            Email(
                _sme_emails(t),
                gettext_lazy("A quote to sign for %(ref)s") % {"ref": t.reference},
                "trajectories/email/quote_issued.txt",
                {"quote": q},
            )
        ],
    )
    return q


def _sign(t: Trajectory, q: Quote, actor: Any, reason: str) -> Any:
    from digihub.funding.services import commit_quote

    if t.phase != Phase.QUOTE:
        raise _not_now(t)
    latest = t.quotes.exclude(status=QuoteStatus.SUPERSEDED).order_by("-number").first()  # type: ignore[attr-defined]
    if q.status == QuoteStatus.SIGNED:
        raise ValidationError(_("This quote is already signed."), code="signed")
    if q.status != QuoteStatus.ISSUED or latest is None or latest.pk != q.pk:
        raise ValidationError(
            _("This is not the current version of the quote; sign the latest one."), code="outdated"
        )
    if q.valid_until < timezone.localdate():
        raise ValidationError(
            _("The quote expired on %(day)s; ask the partner for a new version.")
            % {"day": q.valid_until},
            code="expired",
        )
    commitment = commit_quote(
        actor=actor, hub=t.hub, company=t.company, amount=q.total, document=q, reason=reason
    )
    now = timezone.now()
    q.status, q.signed_at = QuoteStatus.SIGNED, now
    t.quote_signed_at = now
    _move(t, "to_execution", actor, reason, at=now)
    t.save()
    return commitment


@transaction.atomic
def sign_quote_online(*, actor: Any, quote: Quote, signer_name: str, pdf_sha256: str) -> Quote:
    """The SME's contact accepts the exact PDF it was shown (its hash), with its name and the time."""
    t = _locked(quote.trajectory)
    require(actor, "sign", t)
    q = Quote.objects.select_for_update().get(pk=quote.pk)
    if not signer_name.strip():
        raise ValidationError({"signer_name": _("Type your full name to sign.")})
    if pdf_sha256 != q.pdf_sha256:
        raise ValidationError(
            _("The quote changed since you opened it. Look at the current version and sign again."),
            code="outdated",
        )
    q.signed_by_name, q.signed_by = signer_name.strip()[:200], actor
    commitment = _sign(t, q, actor, _("Signed online by %(name)s") % {"name": signer_name})
    q.save()
    _after_signing(t, q, actor, commitment)
    return q


@transaction.atomic
def upload_signed_copy(
    *, actor: Any, quote: Quote, upload: UploadedFile, signer_name: str
) -> Quote:
    t = _locked(quote.trajectory)
    require(actor, "steer", t)
    check_upload(upload, allowed=(PDF,))
    q = Quote.objects.select_for_update().get(pk=quote.pk)
    if not signer_name.strip():
        raise ValidationError({"signer_name": _("Who signed the paper copy?")})
    q.signed_by_name = signer_name.strip()[:200]
    commitment = _sign(t, q, actor, _("Signed copy uploaded"))
    q.signed_copy.save(f"{t.reference}-v{q.number}-signed.pdf", upload, save=False)
    q.save()
    _after_signing(t, q, actor, commitment)
    return q


def _after_signing(t: Trajectory, q: Quote, actor: Any, commitment: Any) -> None:
    payment = commitment.payment_request
    dispatch(
        actor=actor,
        action="quote.signed",
        target=t,
        company=t.company,
        summary=gettext_lazy("Quote v%(n)s signed by %(name)s; funding committed")
        % {"n": q.number, "name": q.signed_by_name},
        data={"sha256": q.pdf_sha256, "subsidy": str(commitment.split.subsidy)},
        emails=[
            Email(
                [*_partner_emails(t), t.advisor.email],
                gettext_lazy("Quote signed: %(ref)s") % {"ref": t.reference},
                "trajectories/email/signed.txt",
                {"quote": q},
            ),
            Email(
                _sme_emails(t),
                gettext_lazy("Your share for %(ref)s") % {"ref": t.reference},
                "trajectories/email/payment.txt",
                {"payment": payment},
            ),
        ],
    )


def _check_session(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A session ends after it starts.")})


@transaction.atomic
def plan_session(
    *,
    actor: Any,
    trajectory: Trajectory,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    kind: str = "session",
    place: str = "lab",
    location: str = "",
    participants: str = "",
    agenda: str = "",
) -> Session:
    t = _locked(trajectory)
    require(actor, "execute", t)
    if t.phase not in (Phase.QUOTE, Phase.EXECUTION):
        raise _not_now(t)
    _check_session(starts_at, ends_at)
    session = Session(
        trajectory=t,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        location=location,
        participants=participants,
        agenda=agenda,
        created_by=actor,
    )
    session.full_clean()
    session.save()
    dispatch(
        actor=actor,
        action="session.planned",
        target=t,
        company=t.company,
        summary=gettext_lazy("%(kind)s planned on %(when)s")
        % {
            "kind": session.get_kind_display(),
            "when": timezone.localtime(starts_at).strftime("%d/%m/%Y %H:%M"),
        },
        emails=[
            Email(
                [*_sme_emails(t), t.advisor.email],
                gettext_lazy("Invitation: %(title)s") % {"title": title},
                "trajectories/email/session.txt",
                {"session": session},
            )
        ],
    )
    return session


@transaction.atomic
def record_outcome(*, actor: Any, session: Session, outcome: str) -> Session:
    t = _locked(session.trajectory)
    require(actor, "execute", t)
    Session.objects.filter(pk=session.pk).update(outcome=outcome)
    session.refresh_from_db()
    dispatch(
        actor=actor,
        action="session.outcome",
        target=t,
        company=t.company,
        summary=gettext_lazy("Outcome of %(title)s recorded") % {"title": session.title},
    )
    return session


@transaction.atomic
def deliver_advice(
    *,
    actor: Any,
    trajectory: Trajectory,
    kind: str,
    delivered_on: dt.date,
    summary: str,
    upload: UploadedFile | None = None,
) -> Advice:
    t = _locked(trajectory)
    require(actor, "execute", t)
    if t.phase != Phase.EXECUTION:
        raise _not_now(t)
    if not summary.strip():
        raise ValidationError({"summary": _("Write the advice or summarise the attached report.")})
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": _("Advice cannot be delivered in the future.")})
    if upload is not None:
        check_upload(upload, allowed=(PDF, DOCX))
    advice, _created = Advice.objects.update_or_create(
        trajectory=t,
        defaults={
            "kind": kind,
            "delivered_on": delivered_on,
            "summary": summary,
            "created_by": actor,
        },
    )
    if upload is not None:
        advice.file.save(f"{t.reference}-advice-{upload.name}"[:100], upload, save=True)
    dispatch(
        actor=actor,
        action="trajectory.advice",
        target=t,
        company=t.company,
        summary=gettext_lazy("%(kind)s delivered") % {"kind": advice.get_kind_display()},
    )
    return advice


@transaction.atomic
def complete(
    *, actor: Any, trajectory: Trajectory, final_cost: Decimal, reason: str = ""
) -> Trajectory:
    """Close the execution: declare the final costs, release what was committed but not used."""
    from digihub.funding.services import committed_for, declare_expenditure, release_commitment

    t = _locked(trajectory)
    require(actor, "execute", t)
    if t.phase != Phase.EXECUTION:
        raise _not_now(t)
    if not Advice.objects.filter(trajectory=t).exists():
        raise ValidationError(
            _("Deliver the advice or action plan before completing the trajectory."),
            code="no_advice",
        )
    signed = t.quotes.get(status=QuoteStatus.SIGNED)  # type: ignore[attr-defined]
    final_cost = cents(final_cost)
    if final_cost <= 0 or final_cost > committed_for(signed):
        raise ValidationError(
            {
                "final_cost": _("Final costs lie between 0 and the signed amount (%(max)s).")
                % {"max": committed_for(signed)}
            }
        )
    declare_expenditure(
        actor=actor, document=signed, amount=final_cost, reason=reason or _("final costs")
    )
    release_commitment(actor=actor, document=signed, reason=_("unused at completion"))
    now = timezone.now()
    t.completed_at = now
    _move(t, "to_completed", actor, reason, at=now)
    t.save()
    dispatch(
        actor=actor,
        action="trajectory.completed",
        target=t,
        company=t.company,
        reason=reason,
        summary=gettext_lazy("Trajectory completed; final costs %(cost)s") % {"cost": final_cost},
        emails=[
            Email(
                _sme_emails(t),
                gettext_lazy("How did it go? (%(ref)s)") % {"ref": t.reference},
                "trajectories/email/survey.txt",
            )
        ],
    )
    return t


@transaction.atomic
def stop(*, actor: Any, trajectory: Trajectory, reason: str) -> Trajectory:
    from digihub.funding.services import release_commitment

    t = _locked(trajectory)
    require(actor, "steer", t)
    if not t.is_open:
        raise _not_now(t)
    if not reason.strip():
        raise ValidationError({"reason": _("Record why the trajectory stops.")})
    signed = t.quotes.filter(status=QuoteStatus.SIGNED).first()  # type: ignore[attr-defined]
    if signed is not None:
        release_commitment(
            actor=actor,
            document=signed,
            reason=_("trajectory stopped: %(reason)s") % {"reason": reason},
        )
    now = timezone.now()
    t.stopped_at, t.stop_reason = now, reason
    _move(t, "to_stopped", actor, reason, at=now)
    t.save()
    dispatch(
        actor=actor,
        action="trajectory.stopped",
        target=t,
        company=t.company,
        reason=reason,
        summary=gettext_lazy("Trajectory stopped"),
        emails=[
            Email(
                _partner_emails(t),
                gettext_lazy("Trajectory %(ref)s stopped") % {"ref": t.reference},
                "trajectories/email/stopped.txt",
            )
        ],
    )
    return t


@transaction.atomic
def answer_survey(*, actor: Any, trajectory: Trajectory, score: int, comment: str = "") -> Survey:
    t = _locked(trajectory)
    require(actor, "sign", t)
    if t.phase != Phase.COMPLETED:
        raise _not_now(t)
    if not 1 <= int(score) <= 5:
        raise ValidationError({"score": _("Give a score from 1 to 5.")})
    if Survey.objects.filter(trajectory=t).exists():
        raise ValidationError(_("You already answered the survey. Thank you!"))
    survey = Survey.objects.create(trajectory=t, score=score, comment=comment, answered_by=actor)
    dispatch(
        actor=actor,
        action="trajectory.survey",
        target=t,
        company=t.company,
        summary=gettext_lazy("Satisfaction: %(score)s/5") % {"score": score},
    )
    return survey


def partner_load(partner: Any) -> dict[str, int]:
    running = Trajectory.objects.filter(
        partner=partner, phase__in=[Phase.QUOTE, Phase.EXECUTION]
    ).count()
    return {"running": running, "capacity": partner.capacity}


def sme_share(trajectory: Trajectory) -> Decimal:
    from django.contrib.contenttypes.models import ContentType

    from digihub.funding.models import PaymentRequest

    quote_ids = [str(pk) for pk in trajectory.quotes.values_list("pk", flat=True)]  # type: ignore[attr-defined]
    return PaymentRequest.objects.filter(
        document_type=ContentType.objects.get_for_model(Quote), document_id__in=quote_ids
    ).aggregate(total=Sum("amount", default=ZERO))["total"]
