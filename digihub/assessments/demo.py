"""Demo maturity assessments: a T0 for most companies with a trajectory, a T1 for the completed
ones (their maturity grew), one T0 still waiting for the customer, a municipality served as a
public-sector customer, and the four service types, so the charts and the KPIs show something."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from digihub.accounts.models import User
from digihub.accounts.roles import Role
from digihub.companies.models import Company, Contact
from digihub.network.models import ServiceType
from digihub.trajectories.models import Phase, Session, Trajectory

from . import services
from .models import Assessment, Moment, Status

SERVICE_MIX = (
    ServiceType.TEST_BEFORE_INVEST,
    ServiceType.SKILLS,
    ServiceType.TEST_BEFORE_INVEST,
    ServiceType.INVESTMENT,
    ServiceType.ECOSYSTEM,
)


def _answer(a: Assessment, rng: random.Random, level: float, actor: Any) -> None:
    """Answers around ``level`` (0–1) per dimension, some optional questions skipped."""
    for dimension in services.dimensions_of(a.questionnaire):
        here = min(max(level + rng.uniform(-0.2, 0.2), 0.0), 1.0)
        given: dict[int, tuple[list[int], bool]] = {}
        for q in dimension.questions.all():  # type: ignore[attr-defined]
            options = list(q.options.all())
            if q.optional and rng.random() < 0.3:
                given[q.pk] = ([], True)
            elif q.kind == "single":
                target = round(here * max(o.points for o in options))
                chosen = min(options, key=lambda o: abs(o.points - target))
                given[q.pk] = ([chosen.pk], False)
            else:
                count = round(here * len(options))
                given[q.pk] = ([o.pk for o in rng.sample(options, count)], False)
        services.save_answers(
            assessment=a, dimension=dimension, given=given, actor=actor, via_link=actor is None
        )


def _backdate(a: Assessment, when: dt.datetime) -> None:
    Assessment.objects.filter(pk=a.pk).update(
        created_at=when - dt.timedelta(days=2),
        invited_at=when - dt.timedelta(days=2) if a.invited_at else None,
        started_at=when - dt.timedelta(days=1),
        submitted_at=when,
        due_on=(when - dt.timedelta(days=2)).date(),
    )


def _municipality(advisor: User) -> Company | None:
    from digihub.companies.services import company_create, find_by_enterprise_number

    existing = find_by_enterprise_number("0207.451.227")
    if existing is not None:
        return existing
    try:
        town = company_create(
            actor=None,
            data={
                "enterprise_number": "0207451227",
                "name": "Gemeente Bertem",
                "legal_form": "GEM",
                "nace_main": "84.110",
                "street": "Dorpstraat 1",
                "postcode": "3060",
                "city": "Bertem",
                "employees": 140,
                "turnover": Decimal("18000000"),
                "balance_total": Decimal("60000000"),
            },
            reason="demo",
        )
    except ValidationError:  # the network may not route this postcode
        return None
    Contact.objects.create(
        company=town,
        first_name="Lies",
        last_name="Wouters",
        email="digitaal@bertem.demo.digihub.be",
        function="Informatieveiligheid en digitalisering",
        language="nl",
    )
    return town


def build() -> None:
    if Assessment.objects.filter(status=Status.SUBMITTED).exists():
        return
    services.ensure_questionnaires()
    advisor = User.objects.filter(role=Role.ADVISOR, email="advisor@demo.digihub.be").first()
    if advisor is None:
        return
    rng = random.Random(17)
    trajectories = list(
        Trajectory.objects.filter(chamber=advisor.chamber)
        .select_related("company", "question")
        .order_by("started_at", "pk")
    )
    for index, t in enumerate(trajectories):
        if t.service_type == ServiceType.TEST_BEFORE_INVEST:
            Trajectory.objects.filter(pk=t.pk).update(service_type=SERVICE_MIX[index % 5])
    for index, t in enumerate(trajectories):
        if index == len(trajectories) - 1:
            # the newest: the link went out, the customer has not answered yet
            if not Assessment.objects.filter(company=t.company, moment=Moment.T0).exists():
                contact = t.question.contact if t.question else None
                if contact is not None and contact.email:
                    services.start_assessment(
                        actor=advisor, company=t.company, respondent_contact=contact, trajectory=t
                    )
            continue
        if Assessment.objects.filter(trajectory=t, moment=Moment.T0).exists():
            continue
        a = services.start_assessment(
            actor=advisor, company=t.company, by_advisor=True, trajectory=t
        )
        _answer(a, rng, rng.uniform(0.15, 0.55), advisor)
        services.submit(assessment=a, actor=advisor)
        _backdate(a, t.started_at - dt.timedelta(days=3))
    for t in [t for t in trajectories if t.phase == Phase.COMPLETED]:
        t1 = Assessment.objects.filter(trajectory=t, moment=Moment.T1).first()
        if t1 is None or t1.status == Status.SUBMITTED:
            continue
        t0 = Assessment.objects.filter(trajectory=t, moment=Moment.T0).first()
        base = float(t0.overall or 30) / 100 if t0 else 0.3
        _answer(t1, rng, min(base + rng.uniform(0.15, 0.3), 0.95), None)
        services.submit(assessment=t1, via_link=True)
        when = (t.completed_at or timezone.now()) + dt.timedelta(days=30)
        _backdate(t1, min(when, timezone.now()))
        Trajectory.objects.filter(pk=t.pk).update(
            investment_facilitated=Decimal(rng.choice([25000, 60000, 120000]))
        )
    for session in Session.objects.filter(trajectory__in=trajectories).select_related("trajectory"):
        if session.trajectory.service_type == ServiceType.SKILLS and session.attendees is None:
            Session.objects.filter(pk=session.pk).update(attendees=rng.randint(6, 18))
    town = _municipality(advisor)
    if town is not None and not Assessment.objects.filter(company=town).exists():
        a = services.start_assessment(actor=advisor, company=town, by_advisor=True)
        _answer(a, rng, 0.45, advisor)
        services.submit(assessment=a, actor=advisor)
