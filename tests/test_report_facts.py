"""The report facts follow every change: random service sequences, then the figures read from
the facts equal the figures computed from the source tables — for the network, each filter, an
advisor's chamber, past days and periods — and a rebuild finds nothing to correct.

Runs on SQLite in the normal suite and on PostgreSQL when DATABASE_URL points to it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from digihub.accounts.roles import Role
from digihub.core import workflow
from digihub.core.money import cents
from digihub.funding import demo as funding_demo
from digihub.funding import services as funding
from digihub.funding.models import PaymentRequest, PaymentStatus
from digihub.intake import services as intake
from digihub.intake.models import Question, Route
from digihub.network.models import Theme
from digihub.reporting import facts
from digihub.reporting.figures import ReportFilters, compute_figures, compute_figures_direct
from digihub.reporting.models import ReportFact
from digihub.trajectories import services
from digihub.trajectories.models import Quote, QuoteStatus, Trajectory

from .factories import UserFactory, make_company

COMPANIES = 3
Q = st.integers(0, 5)  # the n-th question registered so far (modulo)

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("day"), st.integers(1, 40)),
        st.tuples(st.just("register"), st.integers(0, COMPANIES - 1)),
        st.tuples(st.just("take"), Q),
        st.tuples(st.just("talk"), Q),
        st.tuples(st.just("decide"), Q, st.sampled_from(["trajectory", "referral"])),
        st.tuples(st.just("reopen"), Q),
        st.tuples(st.just("theme"), Q, st.integers(0, 2)),
        st.tuples(st.just("sign"), Q, st.sampled_from(["1000", "4321.07"])),
        st.tuples(st.just("partner"), Q),
        st.tuples(st.just("stop"), Q),
        st.tuples(st.just("complete"), Q, st.sampled_from(["1", "0.5"])),
        st.tuples(st.just("survey"), Q, st.integers(1, 5)),
        st.tuples(st.just("paid"), Q),
        st.tuples(st.just("cost"), st.sampled_from(["100", "333.33"])),
        st.tuples(st.just("province"), st.integers(0, COMPANIES - 1)),
    ),
    min_size=1,
    max_size=14,
)


@pytest.fixture
def world(people: Any, monkeypatch: Any) -> SimpleNamespace:
    funding_demo.build()
    monkeypatch.setattr(
        services,
        "quote_pdf",
        lambda quote: f"%PDF-1.4 {quote.pk} {quote.number} {quote.total}".encode(),
    )
    clock = SimpleNamespace(offset=dt.timedelta(0))
    real_now = timezone.now

    def now() -> dt.datetime:
        return real_now() + clock.offset

    monkeypatch.setattr(timezone, "now", now)
    companies = [people.company_x, people.company_y]
    while len(companies) < COMPANIES:
        companies.append(make_company(name=f"Feit {len(companies)}", postcode="3000"))
    smes = {c.pk: UserFactory(role=Role.SME, company=c) for c in companies}
    themes = list(Theme.objects.order_by("pk")[:3])
    if len(themes) < 3:
        themes = [
            Theme.objects.create(code=f"feit{i}", name_nl=f"Thema {i}", name_en=f"Theme {i}")
            for i in range(3)
        ]
    facts.rebuild()
    return SimpleNamespace(
        people=people,
        clock=clock,
        companies=companies,
        smes=smes,
        themes=themes,
        questions=[],
        partners={
            people.partner_p.partner_id: people.partner_p,
            people.partner_q.partner_id: people.partner_q,
        },
    )


def _question(w: SimpleNamespace, n: int) -> Question | None:
    if not w.questions:
        return None
    return Question.objects.get(pk=w.questions[n % len(w.questions)])


def _trajectory(w: SimpleNamespace, n: int) -> Trajectory | None:
    q = _question(w, n)
    if q is None:
        return None
    return Trajectory.objects.select_related("partner", "company", "hub").filter(question=q).first()


def _register(w: SimpleNamespace, index: int) -> None:
    company = w.companies[index]
    question, _created = intake.register_question(
        actor=None,
        data=intake.Registration(
            enterprise_number=company.enterprise_number,
            company_name=company.name,
            postcode=company.postcode,
            city=company.city or "Leuven",
            first_name="Sam",
            last_name=f"Smet{len(w.questions)}",
            email=f"sam{len(w.questions)}@x.example",
            text="Sensoren",
            consent=True,
        ),
    )
    w.questions.append(question.pk)


def _apply(w: SimpleNamespace, op: tuple[Any, ...]) -> None:
    people, kind = w.people, op[0]
    advisor = people.advisor_a
    if kind == "day":
        w.clock.offset += dt.timedelta(days=op[1])
    elif kind == "register":
        _register(w, op[1])
    elif kind == "province":
        from digihub.network.models import Province

        company = type(w.companies[op[1]]).objects.get(pk=w.companies[op[1]].pk)
        others = Province.objects.exclude(pk=company.province_id).order_by("pk")
        company.province = others.first()
        company.save()
    elif kind == "cost":
        from digihub.funding.models import HubBudget

        budget = HubBudget.objects.filter(project_type__number=1).first()
        if budget is not None:
            funding.declare_operational_cost(
                actor=people.coordinator, budget=budget, amount=Decimal(op[1]), reason="zaal"
            )
    elif kind in ("take", "talk", "decide", "reopen", "theme"):
        q = _question(w, op[1])
        if q is None:
            return
        if kind == "take":
            intake.take_question(actor=advisor, question=q)
        elif kind == "talk":
            intake.record_conversation(
                actor=advisor,
                question=q,
                held_on=timezone.localdate(),
                participants="Sam",
                concrete_questions="Welke sensoren?",
            )
        elif kind == "decide" and op[2] == "trajectory":
            intake.decide_trajectory(
                actor=advisor, question=q, partner=people.partner_p.partner, reason="lab"
            )
        elif kind == "decide":
            intake.decide_no_trajectory(
                actor=advisor, question=q, route=Route.AGENCY_REFERRAL, reason="agentschap"
            )
        elif kind == "reopen":
            intake.reopen_question(actor=advisor, question=q, reason="nieuwe vraag")
        else:
            q.themes.set(w.themes[: op[2] + 1])
            t = _trajectory(w, op[1])
            if t is not None:
                t.themes.set(w.themes[op[2] :])
    else:
        t = _trajectory(w, op[1])
        if t is None:
            return
        partner = w.partners.get(t.partner_id)
        if kind == "sign" and partner is not None:
            quote = services.save_quote(
                actor=partner,
                trajectory=t,
                scope="Analyse",
                methodology="Lab",
                valid_until=timezone.localdate() + dt.timedelta(days=30),
                lines=[{"description": "Analyse", "days": "1", "day_rate": op[2]}],
            )
            quote = services.issue_quote(actor=partner, quote=quote)
            services.sign_quote_online(
                actor=w.smes[t.company_id],
                quote=quote,
                signer_name="Sam",
                pdf_sha256=quote.pdf_sha256,
            )
        elif kind == "partner":
            other = (
                people.partner_q
                if t.partner_id == people.partner_p.partner_id
                else people.partner_p
            )
            services.change_partner(actor=advisor, trajectory=t, partner=other.partner, reason="x")
        elif kind == "stop":
            services.stop(actor=advisor, trajectory=t, reason="stopt")
        elif kind == "complete" and partner is not None:
            signed = Quote.objects.filter(trajectory=t, status=QuoteStatus.SIGNED).first()
            if signed is None:
                return
            services.deliver_advice(
                actor=partner,
                trajectory=t,
                kind="action_plan",
                delivered_on=timezone.localdate(),
                summary="Plan",
            )
            cost = max(cents(funding.committed_for(signed) * Decimal(op[2])), Decimal("0.01"))
            services.complete(actor=partner, trajectory=t, final_cost=cost)
        elif kind == "survey":
            services.answer_survey(actor=w.smes[t.company_id], trajectory=t, score=op[2])
        elif kind == "paid":
            request = PaymentRequest.objects.filter(
                company_id=t.company_id, status=PaymentStatus.OPEN
            ).first()
            if request is not None:
                funding.mark_paid(actor=people.officer, request=request)


def _same(on: dt.date, **kwargs: Any) -> None:
    reader = kwargs.pop("reader", None)
    from_facts = compute_figures(on=on, reader=reader, **kwargs)
    if reader is not None and reader.role == Role.ADVISOR:
        from digihub.reporting.access import readable

        trajectories, questions, entries = readable(reader)
        direct = compute_figures_direct(
            on=on, trajectories=trajectories, questions=questions, entries=entries, **kwargs
        )
    else:
        direct = compute_figures_direct(on=on, **kwargs)
    a, b = dataclasses.asdict(from_facts), dataclasses.asdict(direct)
    differing = {k: (a[k], b[k]) for k in a if a[k] != b[k]}
    assert not differing, (on, kwargs, differing)


def _compare(w: SimpleNamespace) -> None:
    today = timezone.localdate()
    people = w.people
    company = w.companies[0]
    company.refresh_from_db()
    for on in (today, today - dt.timedelta(days=20), today - dt.timedelta(days=1)):
        _same(on)
        _same(on, start=on - dt.timedelta(days=15), end=on)
    _same(today, start=today - dt.timedelta(days=30), end=today - dt.timedelta(days=10))
    for filters in (
        ReportFilters(hub=company.hub_id),
        ReportFilters(chamber=company.chamber_id),
        ReportFilters(province=company.province_id),
        ReportFilters(partner=people.partner_p.partner_id),
        ReportFilters(theme=w.themes[0].pk),
        ReportFilters(theme=w.themes[2].pk, hub=company.hub_id),
    ):
        _same(today, filters=filters)
        _same(today, filters=filters, start=today - dt.timedelta(days=25))
    _same(today, reader=people.advisor_a)
    _same(today, reader=people.advisor_b, start=today - dt.timedelta(days=25))
    _same(today, reader=people.coordinator)


class _Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(
    max_examples=10,
    deadline=None,
    # Each example replays up to 14 service calls and ~40 report comparisons: a failure is
    # reported as found (with its seed) rather than shrunk for minutes.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_facts_follow_every_change(world: SimpleNamespace, operations: list[Any]) -> None:
    try:
        with transaction.atomic():
            world.clock.offset = dt.timedelta(0)
            world.questions.clear()
            for op in operations:
                try:
                    with transaction.atomic():
                        _apply(world, op)
                except (ValidationError, PermissionDenied):
                    pass  # a refused step changes nothing, facts included
            _compare(world)
            assert facts.check() == {}
            raise _Rollback
    except _Rollback:
        pass


@pytest.mark.django_db
def test_rebuild_and_check_command(world: SimpleNamespace, capsys: Any) -> None:
    for index in range(2):
        _register(world, index)
    _apply(world, ("take", 0))
    _apply(world, ("decide", 0, "trajectory"))
    assert Trajectory.objects.count() == 1
    call_command("rebuild_report_facts", "--check")
    assert "agree" in capsys.readouterr().out
    ReportFact.objects.filter(measure="reg").update(n=0)
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="differ"):
        call_command("rebuild_report_facts", "--check")
    call_command("rebuild_report_facts")
    call_command("rebuild_report_facts", "--check")
    _compare(world)


@pytest.mark.django_db
def test_observer_runs_around_each_step(world: SimpleNamespace) -> None:
    """The after-step hook: entered once the row is locked, left once the step is written,
    and not left as a success when the step is refused."""
    seen: list[tuple[str, str]] = []

    from contextlib import contextmanager

    @contextmanager
    def watch(locked: Any) -> Any:
        seen.append(("before", locked.status))
        yield
        seen.append(("after", Question.objects.get(pk=locked.pk).status))

    workflow.observe_steps(Question)(watch)
    try:
        _register(world, 0)
        q = _question(world, 0)
        assert q is not None
        intake.take_question(actor=world.people.advisor_a, question=q)
        assert seen == [("before", "new"), ("after", "in_progress")]
        with pytest.raises((ValidationError, PermissionDenied)):
            intake.take_question(actor=world.people.sme_x, question=q)
        assert seen[-1][0] == "before"
    finally:
        workflow._observers[Question].remove(watch)
