"""Random sequences of what happens to trajectories and budgets never unbalance the ledger.

Signing quotes, changing partner, stopping, completing, new rate versions, budget changes,
operational costs and attempted admin edits, in any order: per document and source,
committed − released − spent stays ≥ 0; the budget figures are the ledger's sums; no budget's
available amount goes below zero; a stopped trajectory leaves nothing committed, a completed one
exactly its final costs, a running one exactly its signed quote.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digihub.accounts.roles import Role
from digihub.core.money import ZERO, cents
from digihub.funding import demo as funding_demo
from digihub.funding import services as funding
from digihub.funding.models import (
    EntryKind,
    HubBudget,
    LedgerEntry,
    PaymentRequest,
    Programme,
    ProjectType,
)
from digihub.funding.selectors import budget_overview
from digihub.intake import services as intake
from digihub.network.models import Hub
from digihub.trajectories import services
from digihub.trajectories.models import Phase, Quote, QuoteStatus, Trajectory

from .factories import UserFactory, make_company

pytestmark = pytest.mark.usefixtures("english")  # texts are read back in English

TRAJECTORIES = 3
RATE_SETS = [
    {"efro": "0.40", "flemish": "0.30", "private_sme": "0.30"},
    {"efro": "0.50", "flemish": "0.20", "private_sme": "0.30"},
    {"efro": "0.333333", "flemish": "0.366667", "private_sme": "0.30"},
    {"efro": "0.45", "flemish": "0.30", "private_sme": "0.25"},
    {"efro": "0.50", "flemish": "0.50", "private_sme": "0.50"},  # 150 %: always refused
]

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("sign"),
            st.integers(0, TRAJECTORIES - 1),
            st.sampled_from(["1000", "4321.07", "9999.99", "15000.01", "26000", "0.03"]),
        ),
        st.tuples(st.just("partner"), st.integers(0, TRAJECTORIES - 1)),
        st.tuples(st.just("stop"), st.integers(0, TRAJECTORIES - 1)),
        st.tuples(
            st.just("complete"),
            st.integers(0, TRAJECTORIES - 1),
            st.sampled_from(["1", "0.5", "0.333", "0.01"]),
        ),
        st.tuples(st.just("rates"), st.integers(0, len(RATE_SETS) - 1)),
        st.tuples(st.just("budget"), st.sampled_from(["5000", "20000", "30000.01", "60000"])),
        st.tuples(st.just("cost"), st.sampled_from(["100", "333.33"])),
        st.tuples(
            st.just("admin"),
            st.sampled_from(
                ["delete_quote", "delete_trajectory", "delete_budget", "edit_payment", "orm"]
            ),
        ),
    ),
    min_size=1,
    max_size=12,
)


class _Rollback(Exception):
    pass


@pytest.fixture
def world(people: Any, client: Any, monkeypatch: Any) -> SimpleNamespace:
    funding_demo.build()
    # The quote PDF's bytes do not matter here; rendering them would only take time.
    monkeypatch.setattr(
        services,
        "quote_pdf",
        lambda quote: f"%PDF-1.4 {quote.pk} {quote.number} {quote.total}".encode(),
    )
    voka = Programme.objects.get(code="voka-digihub-efro")
    hub = people.company_x.hub
    guidance = HubBudget.objects.get(programme=voka, hub=hub, project_type__number=2)
    HubBudget.objects.filter(pk=guidance.pk).update(amount=Decimal("30000"))
    operation = HubBudget.objects.get(programme=voka, hub=hub, project_type__number=1)
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    w = SimpleNamespace(
        people=people,
        voka=voka,
        hub=hub,
        guidance=guidance,
        operation=operation,
        client=client,
        trajectories=[],
        smes={},
        partners={
            people.partner_p.partner_id: people.partner_p,
            people.partner_q.partner_id: people.partner_q,
        },
    )
    for index in range(TRAJECTORIES):
        company = make_company(name=f"Eigenschap {index}", postcode="3000", city="Leuven")
        w.smes[company.pk] = UserFactory(role=Role.SME, company=company)
        question, _ = intake.register_question(
            actor=None,
            data=intake.Registration(
                enterprise_number=company.enterprise_number,
                company_name=company.name,
                postcode="3000",
                city="Leuven",
                first_name="Sam",
                last_name=f"Smet{index}",
                email=f"sam{index}@x.example",
                text="Sensoren",
                consent=True,
            ),
        )
        intake.take_question(actor=people.advisor_a, question=question)
        intake.record_conversation(
            actor=people.advisor_a,
            question=question,
            held_on=timezone.localdate(),
            participants="Sam",
            concrete_questions="Welke sensoren?",
        )
        trajectory = intake.decide_trajectory(
            actor=people.advisor_a,
            question=question,
            partner=people.partner_p.partner,
            reason="lab",
        )
        w.trajectories.append(trajectory.pk)
    return w


def _trajectory(w: SimpleNamespace, index: int) -> Trajectory:
    return Trajectory.objects.select_related("partner", "company", "hub").get(
        pk=w.trajectories[index]
    )


def _sign(w: SimpleNamespace, index: int, amount: str) -> None:
    t = _trajectory(w, index)
    partner = w.partners[t.partner_id]
    quote = services.save_quote(
        actor=partner,
        trajectory=t,
        scope="Analyse",
        methodology="Lab",
        valid_until=timezone.localdate() + dt.timedelta(days=30),
        lines=[{"description": "Analyse", "days": "1", "day_rate": amount}],
    )
    quote = services.issue_quote(actor=partner, quote=quote)
    services.sign_quote_online(
        actor=w.smes[t.company_id], quote=quote, signer_name="Sam", pdf_sha256=quote.pdf_sha256
    )


def _complete(w: SimpleNamespace, index: int, fraction: str) -> None:
    t = _trajectory(w, index)
    partner = w.partners[t.partner_id]
    signed = t.quotes.filter(status=QuoteStatus.SIGNED).first()  # type: ignore[attr-defined]
    if signed is None:
        return
    services.deliver_advice(
        actor=partner,
        trajectory=t,
        kind="action_plan",
        delivered_on=timezone.localdate(),
        summary="Plan",
    )
    cost = max(cents(funding.committed_for(signed) * Decimal(fraction)), Decimal("0.01"))
    services.complete(actor=partner, trajectory=_trajectory(w, index), final_cost=cost)


def _admin(w: SimpleNamespace, what: str) -> None:
    client = w.client
    signed = Quote.objects.filter(status=QuoteStatus.SIGNED).first()
    payment = PaymentRequest.objects.first()
    if what == "delete_quote" and signed is not None:
        url = reverse("admin:trajectories_quote_delete", args=[signed.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
    elif what == "delete_trajectory":
        url = reverse("admin:trajectories_trajectory_delete", args=[w.trajectories[0]])
        assert client.post(url, {"post": "yes"}).status_code == 403
    elif what == "delete_budget":
        url = reverse("admin:funding_hubbudget_delete", args=[w.guidance.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
    elif what == "edit_payment" and payment is not None:
        url = reverse("admin:funding_paymentrequest_change", args=[payment.pk])
        client.post(url, {"amount": "1.00", "status": "cancelled"})
        assert PaymentRequest.objects.get(pk=payment.pk).amount == payment.amount
    elif what == "orm" and signed is not None:
        with pytest.raises(funding.FundingRefused), transaction.atomic():
            signed.delete()


def _apply(w: SimpleNamespace, op: tuple[Any, ...]) -> None:
    people = w.people
    kind = op[0]
    if kind == "sign":
        _sign(w, op[1], op[2])
    elif kind == "partner":
        t = _trajectory(w, op[1])
        other = (
            people.partner_q if t.partner_id == people.partner_p.partner_id else people.partner_p
        )
        services.change_partner(
            actor=people.advisor_a, trajectory=t, partner=other.partner, reason="other lab"
        )
    elif kind == "stop":
        services.stop(actor=people.advisor_a, trajectory=_trajectory(w, op[1]), reason="stops")
    elif kind == "complete":
        _complete(w, op[1], op[2])
    elif kind == "rates":
        funding.set_rates(
            actor=people.coordinator,
            project_type=ProjectType.objects.get(pk=w.guidance.project_type_id),
            rates={code: Decimal(rate) for code, rate in RATE_SETS[op[1]].items()},
            reason="new decision",
        )
    elif kind == "budget":
        funding.set_budget(
            actor=people.coordinator, budget=w.guidance, amount=Decimal(op[1]), reason="change"
        )
    elif kind == "cost":
        funding.declare_operational_cost(
            actor=people.coordinator, budget=w.operation, amount=Decimal(op[1]), reason="cost"
        )
    elif kind == "admin":
        _admin(w, op[1])


def _check(w: SimpleNamespace) -> None:
    # Per document and source: committed − released − spent ≥ 0.
    per_document = LedgerEntry.objects.values(
        "document_type_id", "document_id", "source__code"
    ).annotate(
        commit=Sum("amount", filter=Q(kind=EntryKind.COMMIT), default=ZERO),
        release=Sum("amount", filter=Q(kind=EntryKind.RELEASE), default=ZERO),
        spend=Sum("amount", filter=Q(kind=EntryKind.SPEND), default=ZERO),
    )
    for row in per_document:
        assert row["commit"] - row["release"] - row["spend"] >= 0, row
    # The budget figures are the ledger's sums; nothing available is negative.
    for hub in Hub.objects.filter(pk=w.hub.pk):
        ledger = {
            (r["project_type_id"], r["source__code"]): r
            for r in LedgerEntry.objects.filter(programme=w.voka, hub=hub)
            .values("project_type_id", "source__code")
            .annotate(
                commit=Sum("amount", filter=Q(kind=EntryKind.COMMIT), default=ZERO),
                release=Sum("amount", filter=Q(kind=EntryKind.RELEASE), default=ZERO),
                spend=Sum("amount", filter=Q(kind=EntryKind.SPEND), default=ZERO),
            )
        }
        overview = budget_overview(programme=w.voka, hubs=Hub.objects.filter(pk=hub.pk))
        for row in overview.rows:
            sums = ledger.get((row.project_type.pk, row.source_code))
            commit, release, spend = (
                (sums["commit"], sums["release"], sums["spend"]) if sums else (ZERO, ZERO, ZERO)
            )
            assert row.committed == commit - release, row
            assert row.spent == spend <= row.committed, row
            assert row.available >= 0, row
        for budget in HubBudget.objects.filter(hub=hub):
            assert budget.amount >= 0
    # Each trajectory's signed quote holds what its phase says.
    quote_type = ContentType.objects.get_for_model(Quote)
    for pk in w.trajectories:
        t = Trajectory.objects.get(pk=pk)
        signed = t.quotes.filter(status=QuoteStatus.SIGNED).first()  # type: ignore[attr-defined]
        if signed is None:
            assert not LedgerEntry.objects.filter(
                document_type=quote_type,
                document_id__in=[str(q) for q in t.quotes.values_list("pk", flat=True)],  # type: ignore[attr-defined]
            ).exists()
            continue
        left = funding.committed_for(signed) - funding.spent_for(signed)
        if t.phase == Phase.STOPPED:
            assert left == 0 and funding.committed_for(signed) == 0
        elif t.phase == Phase.COMPLETED:
            assert left == 0 and funding.spent_for(signed) > 0
        elif t.phase == Phase.EXECUTION:
            assert funding.committed_for(signed) == signed.total and left == signed.total


@pytest.mark.django_db
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_ledger_stays_balanced_whatever_happens(
    world: SimpleNamespace, operations: list[tuple[Any, ...]]
) -> None:
    try:
        with transaction.atomic():
            for op in operations:
                try:
                    with transaction.atomic():
                        _apply(world, op)
                except (ValidationError, PermissionDenied):
                    pass  # refused steps change nothing; the invariants are checked anyway
                _check(world)
            raise _Rollback
    except _Rollback:
        pass
