"""Demo trajectories in every phase, with quotes, sessions, advice and spread-out history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from digihub.accounts.models import User
from digihub.accounts.roles import Role
from digihub.companies.models import Company
from digihub.intake import services as intake
from digihub.intake.models import Question

from . import services
from .models import PhaseSpan, Trajectory

SIGNED_PDF = b"%PDF-1.4\n% signed paper copy (demo)\n"
# (phase to reach, days ago it started)
PLAN = [
    ("completed", 300),
    ("completed", 240),
    ("execution", 200),
    ("execution", 150),
    ("execution", 90),
    ("quote", 60),
    ("quote", 40),
    ("startup", 20),
    ("stopped", 120),
    ("startup", 5),
]


def _question(company: Company, advisor: User) -> Question:
    contact = company.contacts.first()  # type: ignore[attr-defined]
    question, _ = intake.register_question(
        actor=advisor,
        data=intake.Registration(
            enterprise_number=company.enterprise_number,
            company_name=company.name,
            postcode=company.postcode,
            city=company.city,
            first_name=contact.first_name if contact else "An",
            last_name=contact.last_name if contact else "Peeters",
            email=contact.email if contact else "",
            text="Digitalisering van ons productieproces met sensoren en data.",
            consent=True,
            channel="advisor",
            channel_detail="visit",
        ),
    )
    intake.take_question(actor=advisor, question=question)
    intake.record_conversation(
        actor=advisor,
        question=question,
        held_on=timezone.localdate(),
        participants=f"{advisor}",
        current_situation="Papieren opvolging",
        desired_situation="Realtime dashboard",
        concrete_questions="Welke sensoren passen bij onze machines?",
    )
    return question


def _shift(t: Trajectory, days: int) -> None:
    """Move the whole history back so the demo has months of past to report on."""
    delta = dt.timedelta(days=days)
    spans = list(t.spans.order_by("entered_at"))  # type: ignore[attr-defined]
    step = dt.timedelta(days=max(days // (len(spans) + 1), 1))
    start = timezone.now() - delta
    for index, span in enumerate(spans):
        entered = start + step * index
        left = start + step * (index + 1) if span.left_at else None
        PhaseSpan.objects.filter(pk=span.pk).update(entered_at=entered, left_at=left)
    last = spans[-1]
    updates = {"started_at": start, "phase_changed_at": start + step * (len(spans) - 1)}
    if t.quote_signed_at:
        signed = next((s for s in spans if s.phase == "execution"), None)
        updates["quote_signed_at"] = start + step * spans.index(signed) if signed else start
    if t.completed_at:
        updates["completed_at"] = start + step * spans.index(last)
    if t.stopped_at:
        updates["stopped_at"] = start + step * spans.index(last)
    Trajectory.objects.filter(pk=t.pk).update(**updates)
    Question.objects.filter(pk=t.question_id or 0).update(
        registered_at=start - dt.timedelta(days=20), decided_at=start
    )


def build() -> None:
    if Trajectory.objects.exists():
        return
    advisor = User.objects.filter(role=Role.ADVISOR, email="advisor@demo.digihub.be").first()
    partners = {
        u.partner.short_name: u
        for u in User.objects.filter(role=Role.PARTNER, partner__isnull=False).select_related(
            "partner"
        )
        if u.partner
    }
    sme = User.objects.filter(role=Role.SME, company__isnull=False).first()
    if advisor is None or not partners:
        return
    used = set(Question.objects.exclude(status="new").values_list("company_id", flat=True))
    companies = [
        c
        for c in Company.objects.filter(
            chamber=advisor.chamber, size_class__in=["micro", "small", "medium"]
        ).order_by("pk")
        if c.pk not in used
    ]
    if sme is not None and sme.company is not None:
        # The demo SME has a quote waiting for its signature, whatever else it asked before.
        companies = [c for c in companies if c.pk != sme.company_id]
        companies.insert(5, sme.company)
    partner_users = list(partners.values())
    for index, (phase, days) in enumerate(PLAN):
        if index >= len(companies):
            break
        company, partner_user = companies[index], partner_users[index % len(partner_users)]
        question = _question(company, advisor)
        t = intake.decide_trajectory(
            actor=advisor,
            question=question,
            partner=partner_user.partner,
            reason="Past bij de expertise",
        )
        if phase == "stopped":
            services.stop(actor=advisor, trajectory=t, reason="De kmo stelt de investering uit")
        if phase in ("quote", "execution", "completed"):
            quote = services.save_quote(
                actor=partner_user,
                trajectory=t,
                scope="Technische analyse van de productielijn en proefopstelling in het lab.",
                methodology="Twee testdagen in het lab, één werkbezoek en een actieplan.",
                valid_until=timezone.localdate() + dt.timedelta(days=60),
                lines=[
                    {
                        "description": "Analyse en werkbezoek",
                        "days": Decimal("2"),
                        "day_rate": Decimal("950"),
                    },
                    {
                        "description": "Testdagen in het lab",
                        "days": Decimal("3"),
                        "day_rate": Decimal("1100"),
                    },
                    {
                        "description": "Actieplan",
                        "days": Decimal("1.5"),
                        "day_rate": Decimal("950"),
                    },
                ],
            )
            services.issue_quote(actor=partner_user, quote=quote)
            if phase in ("execution", "completed"):
                services.upload_signed_copy(
                    actor=advisor,
                    quote=quote,
                    signer_name="zaakvoerder",
                    upload=SimpleUploadedFile(
                        "getekend.pdf", SIGNED_PDF, content_type="application/pdf"
                    ),
                )
                start = timezone.now() + dt.timedelta(days=7 + index)
                services.plan_session(
                    actor=partner_user,
                    trajectory=t,
                    title="Testdag in het lab",
                    kind="test_day",
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=6),
                    place="lab",
                    location="Digihub-lab",
                )
        if phase == "completed":
            services.deliver_advice(
                actor=partner_user,
                trajectory=t,
                kind="action_plan",
                delivered_on=timezone.localdate(),
                summary="1. Sensoren op de drie kritieke machines. 2. Dashboard. 3. Opleiding van de operatoren.",
            )
            services.complete(
                actor=partner_user,
                trajectory=t,
                final_cost=Decimal("6300"),
                reason="Eindafrekening",
            )
        _shift(t, days)
