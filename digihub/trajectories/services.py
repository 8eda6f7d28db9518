"""Trajectories: the phases, quotes and their signature, sessions, advice and completion.

Each function checks its input, then takes its step of the trajectory's workflow (``workflow``)
through ``digihub.core.workflow.fire``, which locks the trajectory, checks who may act and in
which phase, writes the phase period and the audit event; funding is booked in the same
transaction by the funding engine.
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
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digihub.core.money import ZERO, cents
from digihub.core.notifications import Email, dispatch, message
from digihub.core.pdf import render_pdf
from digihub.core.uploads import DOCX, PDF, check_upload
from digihub.core.workflow import advance, fire, workflow_for
from digihub.funding.services import (
    commit_quote,
    committed_for,
    declare_expenditure,
    guidance_split,
    release_commitment,
)
from digihub.reporting import facts as report_facts

from .models import (
    Advice,
    AdviceKind,
    Phase,
    PhaseSpan,
    Quote,
    QuoteLine,
    QuoteStatus,
    Session,
    SessionKind,
    Survey,
    Trajectory,
)


def record_phase(t: Trajectory, phase: str, actor: Any, reason: str, at: dt.datetime) -> None:
    """Close the current phase period and open the next: the phase on any past date follows.
    The one writer of phase history, for the opening and for every step (``workflow``).
    The report facts follow in the same transaction (``update`` sends no signal)."""
    with report_facts.tracking([t.company_id]):
        PhaseSpan.objects.filter(trajectory=t, left_at__isnull=True).update(left_at=at)
        PhaseSpan.objects.create(
            trajectory=t,
            phase=phase,
            entered_at=at,
            actor=actor if getattr(actor, "pk", None) else None,
            reason=reason,
        )
    t.phase_changed_at = at


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
    record_phase(t, Phase.STARTUP, actor, reason, now)
    dispatch(
        actor=actor,
        action="trajectory.opened",
        target=t,
        company=t.company,
        reason=reason,
        summary=message(
            gettext_lazy("Trajectory %(ref)s started with %(partner)s"),
            ref=t.reference,
            partner=partner,
        ),
        emails=[
            Email(
                _partner_emails(t),
                gettext_lazy("New trajectory %(ref)s introduced to you") % {"ref": t.reference},
                "trajectories/email/introduced.txt",
            )
        ],
    )
    return t


def change_partner(*, actor: Any, trajectory: Trajectory, partner: Any, reason: str) -> Trajectory:
    if not reason.strip():
        raise ValidationError({"reason": _("Record why the partner changes.")})
    old = trajectory.partner

    def work(t: Trajectory) -> None:
        t.partner = partner
        _supersede_open_versions(t)

    t, _r = fire(
        trajectory,
        "change_partner",
        actor=actor,
        reason=reason,
        work=work,
        summary=message(
            gettext_lazy("Partner changed from %(old)s to %(new)s"), old=old, new=partner
        ),
        data={"from": old.pk, "to": partner.pk},
    )
    return t  # type: ignore[no-any-return]


def _clean_lines(lines: list[dict[str, Any]]) -> list[QuoteLine]:
    if not lines:
        raise ValidationError({"lines": _("A quote has at least one line.")})
    result = []
    for index, line in enumerate(lines, start=1):
        days, rate = Decimal(str(line.get("days") or 0)), Decimal(str(line.get("day_rate") or 0))
        if not str(line.get("description") or "").strip():
            raise ValidationError({"lines": _("Line %(n)s has no description.") % {"n": index}})
        if not (days.is_finite() and rate.is_finite()) or days <= 0 or rate <= 0:
            raise ValidationError(
                {
                    "lines": _("Line %(n)s needs a positive number of days and day rate.")
                    % {"n": index}
                }
            )
        # Bounds that fit the columns on every database (digihub.core.money).
        from digihub.core.formatting import eur, number
        from digihub.core.money import MAX_AMOUNT, column_max

        days_field = QuoteLine._meta.get_field("days")
        max_days = column_max(days_field.max_digits, days_field.decimal_places)  # type: ignore[union-attr,arg-type]
        if days > max_days:
            raise ValidationError(
                {
                    "lines": _("Line %(n)s: at most %(max)s days.")
                    % {"n": index, "max": number(max_days)}
                }
            )
        if cents(rate) > MAX_AMOUNT or cents(days * rate) > MAX_AMOUNT:
            raise ValidationError(
                {
                    "lines": _("Line %(n)s comes to more than %(max)s, the most one amount can be.")
                    % {"n": index, "max": eur(MAX_AMOUNT)}
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
    total = sum((line.amount for line in result), ZERO)
    if total > MAX_AMOUNT:
        raise ValidationError(
            {
                "lines": _("The quote comes to %(total)s; a quote is at most %(max)s.")
                % {"total": eur(total), "max": eur(MAX_AMOUNT)}
            }
        )
    return result


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
    if valid_until < timezone.localdate():
        raise ValidationError({"valid_until": _("The validity date lies in the past.")})
    if not scope.strip():
        raise ValidationError({"scope": _("Describe the scope of the technical analysis.")})
    new_lines = _clean_lines(lines)
    total = sum((line.amount for line in new_lines), ZERO)

    def work(t: Trajectory) -> Quote:
        return _write_quote(
            t, actor, scope, methodology, valid_until, new_lines, quote, expected_revision
        )

    _t, current = fire(
        trajectory,
        "save_quote",
        actor=actor,
        reason=_("quote drafted"),
        work=work,
        summary=lambda t, q: message(
            gettext_lazy("Quote version %(n)s saved (%(total)s excl. VAT)"), n=q.number, total=total
        ),
    )
    return current  # type: ignore[no-any-return]


def _write_quote(
    t: Trajectory,
    actor: Any,
    scope: str,
    methodology: str,
    valid_until: dt.date,
    new_lines: list[QuoteLine],
    quote: Quote | None,
    expected_revision: int | None,
) -> Quote:
    total = sum((line.amount for line in new_lines), ZERO)
    if quote is not None:
        current = Quote.objects.select_for_update().get(pk=quote.pk, trajectory=t)
        advance(current, "edit")
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
        _supersede_open_versions(t)
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
    return current


def _supersede_open_versions(t: Trajectory) -> None:
    """Every version that could still be edited or signed is replaced (the quote's table)."""
    open_versions = workflow_for(Quote).step("supersede").source
    for version in t.quotes.filter(status__in=open_versions).select_for_update():  # type: ignore[attr-defined]
        advance(version, "supersede")
        version.save(update_fields=["status"])


def quote_pdf(quote: Quote) -> bytes:
    """The quote as the SME reads and signs it, with who pays what under the trajectory's
    service type (the one split the commitment will book)."""
    t = quote.trajectory
    split = guidance_split(hub=t.hub, amount=quote.total, service_type=t.service_type)
    return render_pdf(
        "trajectories/quote_pdf.html",
        {
            "quote": quote,
            "lines": list(quote.lines.all()),
            "split": split,
            "trajectory": quote.trajectory,
        },
        accessible=True,
    )


def issue_quote(*, actor: Any, quote: Quote) -> Quote:
    """Freeze a draft: render its PDF once, keep the bytes and their SHA-256 (what the SME signs)."""

    def work(t: Trajectory) -> Quote:
        q = Quote.objects.select_for_update().get(pk=quote.pk, trajectory=t)
        advance(q, "issue")
        if q.valid_until < timezone.localdate():
            raise ValidationError({"valid_until": _("The validity date lies in the past.")})
        data = quote_pdf(q)
        q.pdf.save(f"{t.reference}-v{q.number}.pdf", ContentFile(data), save=False)
        q.pdf_sha256 = hashlib.sha256(data).hexdigest()
        q.issued_at = timezone.now()
        q.save()
        return q

    _t, q = fire(
        quote.trajectory,
        "issue_quote",
        actor=actor,
        work=work,
        summary=message(gettext_lazy("Quote version %(n)s issued to the SME"), n=quote.number),
        emails=lambda t, q: [
            Email(
                _sme_emails(t),
                gettext_lazy("A quote to sign for %(ref)s") % {"ref": t.reference},
                "trajectories/email/quote_issued.txt",
                {"quote": q},
            )
        ],
    )
    return q  # type: ignore[no-any-return]


def _sign(t: Trajectory, quote: Quote, actor: Any, now: dt.datetime) -> Any:
    """Inside the signing step: the quote must be the current, valid version; funding commits."""
    q = Quote.objects.select_for_update().get(pk=quote.pk, trajectory=t)
    advance(q, "sign")
    if q.valid_until < timezone.localdate():
        raise ValidationError(
            _("The quote expired on %(day)s; ask the partner for a new version.")
            % {"day": q.valid_until},
            code="expired",
        )
    # The ledger keeps no names: it is immutable, and personal data must stay erasable.
    commitment = commit_quote(
        actor=actor,
        hub=t.hub,
        company=t.company,
        amount=q.total,
        document=q,
        reason=_("Quote %(ref)s v%(n)s signed") % {"ref": t.reference, "n": q.number},
    )
    q.signed_at = now
    t.quote_signed_at = now
    return q, commitment


def _signing_emails(t: Trajectory, q: Quote, payment: Any) -> list[Email]:
    return [
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
    ]


def sign_quote_online(*, actor: Any, quote: Quote, signer_name: str, pdf_sha256: str) -> Quote:
    """The SME's contact accepts the exact PDF it was shown (its hash), with its name and the time."""
    if not signer_name.strip():
        raise ValidationError({"signer_name": _("Type your full name to sign.")})
    now = timezone.now()
    reason = _("Signed online by %(name)s") % {"name": signer_name.strip()}
    signed: dict[str, Any] = {}

    def work(t: Trajectory) -> Quote:
        if pdf_sha256 != Quote.objects.get(pk=quote.pk).pdf_sha256:
            raise ValidationError(
                _(
                    "The quote changed since you opened it. Look at the current version and sign again."
                ),
                code="outdated",
            )
        q, commitment = _sign(t, quote, actor, now)
        q.signed_by_name, q.signed_by = signer_name.strip()[:200], actor
        q.save()
        signed.update(quote=q, commitment=commitment)
        return q

    _t, q = fire(
        quote.trajectory,
        "sign_online",
        actor=actor,
        reason=reason,
        work=work,
        at=now,
        summary=message(
            gettext_lazy("Quote v%(n)s signed by %(name)s; funding committed"),
            n=quote.number,
            name=signer_name.strip()[:200],
        ),
        emails=lambda t, q: _signing_emails(t, q, signed["commitment"].payment_request),
        data={"subsidy_committed": True},
    )
    return q  # type: ignore[no-any-return]


def upload_signed_copy(
    *, actor: Any, quote: Quote, upload: UploadedFile, signer_name: str
) -> Quote:
    check_upload(upload, allowed=(PDF,))
    if not signer_name.strip():
        raise ValidationError({"signer_name": _("Who signed the paper copy?")})
    now = timezone.now()
    signed: dict[str, Any] = {}

    def work(t: Trajectory) -> Quote:
        q, commitment = _sign(t, quote, actor, now)
        q.signed_by_name = signer_name.strip()[:200]
        q.signed_copy.save(f"{t.reference}-v{q.number}-signed.pdf", upload, save=False)
        q.save()
        signed.update(quote=q, commitment=commitment)
        return q

    _t, q = fire(
        quote.trajectory,
        "sign_copy",
        actor=actor,
        reason=_("Signed copy uploaded"),
        work=work,
        at=now,
        summary=message(
            gettext_lazy("Quote v%(n)s signed by %(name)s; funding committed"),
            n=quote.number,
            name=signer_name.strip()[:200],
        ),
        emails=lambda t, q: _signing_emails(t, q, signed["commitment"].payment_request),
    )
    return q  # type: ignore[no-any-return]


def _check_session(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A session ends after it starts.")})


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
    _check_session(starts_at, ends_at)

    def work(t: Trajectory) -> Session:
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
        return session

    _t, session = fire(
        trajectory,
        "plan_session",
        actor=actor,
        work=work,
        summary=message(
            gettext_lazy("%(kind)s planned on %(when)s"),
            kind=SessionKind(kind).label,
            when=starts_at,
        ),
        emails=lambda t, session: [
            Email(
                [*_sme_emails(t), t.advisor.email],
                gettext_lazy("Invitation: %(title)s") % {"title": title},
                "trajectories/email/session.txt",
                {"session": session},
            )
        ],
    )
    return session  # type: ignore[no-any-return]


def record_outcome(*, actor: Any, session: Session, outcome: str) -> Session:
    def work(t: Trajectory) -> Session:
        Session.objects.filter(pk=session.pk, trajectory=t).update(outcome=outcome)
        session.refresh_from_db()
        return session

    fire(
        session.trajectory,
        "record_outcome",
        actor=actor,
        work=work,
        summary=message(gettext_lazy("Outcome of %(title)s recorded"), title=session.title),
    )
    return session


def deliver_advice(
    *,
    actor: Any,
    trajectory: Trajectory,
    kind: str,
    delivered_on: dt.date,
    summary: str,
    upload: UploadedFile | None = None,
) -> Advice:
    if not summary.strip():
        raise ValidationError({"summary": _("Write the advice or summarise the attached report.")})
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": _("Advice cannot be delivered in the future.")})
    if upload is not None:
        check_upload(upload, allowed=(PDF, DOCX))

    def work(t: Trajectory) -> Advice:
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
        return advice

    _t, advice = fire(
        trajectory,
        "deliver_advice",
        actor=actor,
        work=work,
        summary=message(gettext_lazy("%(kind)s delivered"), kind=AdviceKind(kind).label),
    )
    return advice  # type: ignore[no-any-return]


def complete(
    *, actor: Any, trajectory: Trajectory, final_cost: Decimal, reason: str = ""
) -> Trajectory:
    """Close the execution: declare the final costs, release what was committed but not used."""
    final_cost = cents(final_cost)
    now = timezone.now()

    def work(t: Trajectory) -> None:
        signed = t.quotes.get(status=QuoteStatus.SIGNED)  # type: ignore[attr-defined]
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
        t.completed_at = now

    t, _r = fire(
        trajectory,
        "complete",
        actor=actor,
        reason=reason,
        work=work,
        at=now,
        summary=message(
            gettext_lazy("Trajectory completed; final costs %(cost)s"), cost=final_cost
        ),
        emails=lambda t, _r: [
            Email(
                _sme_emails(t),
                gettext_lazy("How did it go? (%(ref)s)") % {"ref": t.reference},
                "trajectories/email/survey.txt",
            )
        ],
    )
    return t  # type: ignore[no-any-return]


def stop(*, actor: Any, trajectory: Trajectory, reason: str) -> Trajectory:
    if not reason.strip():
        raise ValidationError({"reason": _("Record why the trajectory stops.")})
    now = timezone.now()

    def work(t: Trajectory) -> None:
        signed = t.quotes.filter(status=QuoteStatus.SIGNED).first()  # type: ignore[attr-defined]
        if signed is not None:
            release_commitment(
                actor=actor,
                document=signed,
                reason=_("trajectory stopped: %(reason)s") % {"reason": reason},
            )
        t.stopped_at, t.stop_reason = now, reason

    t, _r = fire(
        trajectory,
        "stop",
        actor=actor,
        reason=reason,
        work=work,
        at=now,
        summary=gettext_lazy("Trajectory stopped"),
        emails=lambda t, _r: [
            Email(
                _partner_emails(t),
                gettext_lazy("Trajectory %(ref)s stopped") % {"ref": t.reference},
                "trajectories/email/stopped.txt",
            )
        ],
    )
    return t  # type: ignore[no-any-return]


def answer_survey(*, actor: Any, trajectory: Trajectory, score: int, comment: str = "") -> Survey:
    if not 1 <= int(score) <= 5:
        raise ValidationError({"score": _("Give a score from 1 to 5.")})

    def work(t: Trajectory) -> Survey:
        return Survey.objects.create(trajectory=t, score=score, comment=comment, answered_by=actor)

    _t, survey = fire(
        trajectory,
        "answer_survey",
        actor=actor,
        work=work,
        summary=message(gettext_lazy("Satisfaction: %(score)s/5"), score=score),
    )
    return survey  # type: ignore[no-any-return]
