"""Penetration-test rows 6, 7 and 12: the funding engine enforces every money rule itself.

Each test is named after the row it covers and fails on the code before the fix.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from digihub.accounts.roles import Role
from digihub.audit.models import AuditEvent
from digihub.funding import demo as funding_demo
from digihub.funding import services as funding
from digihub.funding.models import (
    EntryKind,
    HubBudget,
    LedgerEntry,
    PaymentRequest,
    PaymentStatus,
    Programme,
    ProjectType,
    SourceRate,
)
from digihub.intake import services as intake
from digihub.trajectories import services
from digihub.trajectories.forms import QuoteLineForm
from digihub.trajectories.models import Quote, QuoteStatus, Trajectory

from .factories import UserFactory

pytestmark = pytest.mark.usefixtures("english")  # texts are read back in English

LINES = [{"description": "Analyse", "days": "2", "day_rate": "1000"}]
MAX_AMOUNT = Decimal("999999999999.99")  # what a MoneyField (14 digits, 2 decimals) holds
HUGE_LINE = {"description": "Te veel", "days": "9999.99", "day_rate": "99999999.99"}


@pytest.fixture(autouse=True)
def english() -> Any:
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def funded(people: Any) -> Any:
    funding_demo.build()
    people.voka = Programme.objects.get(code="voka-digihub-efro")
    people.guidance = HubBudget.objects.get(
        programme=people.voka, hub=people.company_x.hub, project_type__number=2
    )
    people.operation = HubBudget.objects.get(
        programme=people.voka, hub=people.company_x.hub, project_type__number=1
    )
    people.admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    return people


@pytest.fixture
def flow(funded: Any) -> Any:
    q, _ = intake.register_question(
        actor=None,
        data=intake.Registration(
            enterprise_number=funded.company_x.enterprise_number,
            company_name="X",
            postcode="3000",
            city="Leuven",
            first_name="Sam",
            last_name="Smet",
            email="sam@x.example",
            text="Sensoren",
            consent=True,
        ),
    )
    intake.take_question(actor=funded.advisor_a, question=q)
    intake.record_conversation(
        actor=funded.advisor_a,
        question=q,
        held_on=timezone.localdate(),
        participants="Sam",
        concrete_questions="Welke sensoren?",
    )
    funded.trajectory = intake.decide_trajectory(
        actor=funded.advisor_a, question=q, partner=funded.partner_p.partner, reason="AI-lab"
    )
    return funded


def _save(p: Any, lines: list[dict[str, Any]]) -> Quote:
    return services.save_quote(
        actor=p.partner_p,
        trajectory=p.trajectory,
        scope="Analyse",
        methodology="Lab",
        valid_until=timezone.localdate() + dt.timedelta(days=30),
        lines=lines,
    )


def _sign(p: Any, lines: list[dict[str, Any]] | None = None) -> Quote:
    quote = services.issue_quote(actor=p.partner_p, quote=_save(p, lines or LINES))
    return services.sign_quote_online(
        actor=p.sme_x, quote=quote, signer_name="Sam Smet", pdf_sha256=quote.pdf_sha256
    )


def _balance(document: Any) -> dict[str, Decimal]:
    """Committed − released − spent per source for one document, from the ledger itself."""
    from django.contrib.contenttypes.models import ContentType

    signs = {EntryKind.COMMIT: 1, EntryKind.RELEASE: -1, EntryKind.SPEND: -1}
    result: dict[str, Decimal] = {}
    for entry in LedgerEntry.objects.filter(
        document_type=ContentType.objects.get_for_model(type(document)),
        document_id=str(document.pk),
    ).select_related("source"):
        result[entry.source.code] = (
            result.get(entry.source.code, Decimal("0.00")) + signs[entry.kind] * entry.amount
        )
    return result


# --- row 6 -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_row06_operational_cost_refused_on_guidance_budget_and_ended_programme(
    funded: Any, client_for: Any
) -> None:
    ended = HubBudget.objects.get(
        programme__code="del-2020", hub=funded.company_x.hub, project_type__number=1
    )
    assert ended.programme.end < timezone.localdate()
    client = client_for(funded.coordinator)
    for budget in (funded.guidance, ended):
        response = client.post(
            reverse("funding:operational_cost", args=[budget.pk]),
            {"amount": "1000", "reason": "newsletter"},
        )
        assert response.status_code == 400, budget
        assert LedgerEntry.objects.count() == 0
    body = client.post(
        reverse("funding:operational_cost", args=[funded.guidance.pk]),
        {"amount": "1000", "reason": "newsletter"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "operation budget only" in body
    translation.activate("en")
    with pytest.raises(funding.FundingRefused, match="operation budget only"):
        funding.declare_operational_cost(
            actor=funded.coordinator, budget=funded.guidance, amount=Decimal("10"), reason="x"
        )
    with pytest.raises(funding.FundingRefused, match="runs from"):
        funding.declare_operational_cost(
            actor=funded.coordinator, budget=ended, amount=Decimal("10"), reason="x"
        )
    # ...while an operation budget of a running programme still takes costs.
    funding.declare_operational_cost(
        actor=funded.coordinator, budget=funded.operation, amount=Decimal("10"), reason="x"
    )
    assert LedgerEntry.objects.filter(kind=EntryKind.SPEND).count() == 3


# --- row 7 -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_row07_quote_amount_bounds(flow: Any, client_for: Any) -> None:
    with pytest.raises(ValidationError) as info:
        _save(flow, [HUGE_LINE] * 30)
    assert "lines" in info.value.error_dict and "at most" in " ".join(info.value.messages)
    assert Quote.objects.count() == 0
    with pytest.raises(ValidationError, match="at most"):
        _save(flow, [{"description": "Lang", "days": "10000", "day_rate": "1"}])
    # One such line fits a column; the pages and the API keep working with it.
    quote = _save(flow, [HUGE_LINE])
    assert quote.total == Decimal("999998999900.00") <= MAX_AMOUNT
    client = client_for(flow.partner_p)
    assert client.get(reverse("trajectories:detail", args=[flow.trajectory.pk])).status_code == 200
    api = client.get(f"/api/v1/trajectories/{flow.trajectory.pk}/quotes")
    assert api.status_code == 200
    response = client.post(
        f"/api/v1/trajectories/{flow.trajectory.pk}/quotes",
        {
            "scope": "Analyse",
            "valid_until": str(timezone.localdate() + dt.timedelta(days=30)),
            "lines": [HUGE_LINE] * 30,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert any(d["loc"][-1] == "lines" for d in response.json()["detail"])
    over = client.post(
        f"/api/v1/trajectories/{flow.trajectory.pk}/quotes",
        {
            "scope": "Analyse",
            "valid_until": str(timezone.localdate() + dt.timedelta(days=30)),
            "lines": [{"description": "x", "days": "1", "day_rate": "-5"}],
        },
        content_type="application/json",
    )
    assert over.status_code == 422
    assert Quote.objects.count() == 1


@pytest.mark.django_db
def test_row07_quote_form_shows_the_bound_at_the_field() -> None:
    from digihub.core import money

    assert money.MAX_AMOUNT == MAX_AMOUNT
    form = QuoteLineForm(data={"description": "x", "days": "10000", "day_rate": "1"})
    assert not form.is_valid() and "days" in form.errors
    form = QuoteLineForm(data={"description": "x", "days": "9999.99", "day_rate": "99999999.99"})
    assert form.is_valid(), form.errors
    form = QuoteLineForm(data={"description": "x", "days": "9999.99", "day_rate": "100000000.00"})
    assert not form.is_valid() and "day_rate" in form.errors


@pytest.mark.django_db
def test_row07_budget_amount_bounded_by_the_column(funded: Any, client_for: Any) -> None:
    with pytest.raises(ValidationError, match="at most"):
        funding.set_budget(
            actor=funded.coordinator,
            budget=funded.guidance,
            amount=MAX_AMOUNT + Decimal("0.01"),
            reason="more",
        )
    response = client_for(funded.coordinator).put(
        f"/api/v1/funding/budgets/{funded.guidance.pk}",
        {"amount": str(MAX_AMOUNT + 1), "reason": "more"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert HubBudget.objects.get(pk=funded.guidance.pk).amount == Decimal("1387500.00")


# --- row 12: the admin -------------------------------------------------------------------------


@pytest.mark.django_db
def test_row12_admin_cannot_delete_signed_quote(flow: Any, client_for: Any) -> None:
    quote = _sign(flow)
    client = client_for(flow.admin)
    for name, pk in (
        ("admin:trajectories_quote_delete", quote.pk),
        ("admin:trajectories_trajectory_delete", flow.trajectory.pk),
    ):
        assert client.post(reverse(name, args=[pk]), {"post": "yes"}).status_code == 403
    changelist = client.post(
        reverse("admin:trajectories_quote_changelist"),
        {"action": "delete_selected", "_selected_action": [quote.pk], "post": "yes"},
    )
    assert changelist.status_code in (200, 302, 403)
    assert Quote.objects.filter(pk=quote.pk, status=QuoteStatus.SIGNED).exists()
    # Not by a cascade or from a shell either.
    translation.activate("en")
    with pytest.raises(funding.FundingRefused, match="cannot be deleted"), transaction.atomic():
        Quote.objects.get(pk=quote.pk).delete()
    with pytest.raises(funding.FundingRefused), transaction.atomic():
        Trajectory.objects.get(pk=flow.trajectory.pk).delete()
    # Completion still finds its commitment.
    services.deliver_advice(
        actor=flow.partner_p,
        trajectory=flow.trajectory,
        kind="action_plan",
        delivered_on=timezone.localdate(),
        summary="Plan",
    )
    services.complete(actor=flow.partner_p, trajectory=flow.trajectory, final_cost=Decimal("1500"))
    assert all(left == 0 for left in _balance(quote).values())


@pytest.mark.django_db
def test_row12_admin_quote_lines_read_only(flow: Any, client_for: Any) -> None:
    quote = _sign(flow)
    client = client_for(flow.admin)
    assert client.get(reverse("admin:trajectories_quote_add")).status_code == 403
    page = client.get(reverse("admin:trajectories_quote_change", args=[quote.pk]))
    assert page.status_code == 200
    assert 'name="lines-0-day_rate"' not in page.content.decode()
    assert 'name="total"' not in page.content.decode()


@pytest.mark.django_db
def test_row12_admin_payment_request_read_only_and_paid_through_the_service(
    funded: Any, client_for: Any
) -> None:
    payment = funding.commit_quote(
        actor=None,
        hub=funded.company_x.hub,
        company=funded.company_x,
        amount=Decimal("1000"),
        document=funded.company_x,
    ).payment_request
    assert payment is not None
    client = client_for(funded.admin)
    url = reverse("admin:funding_paymentrequest_change", args=[payment.pk])
    client.post(
        url,
        {
            "company": funded.company_x.pk,
            "programme": funded.voka.pk,
            "hub": funded.company_x.hub_id,
            "amount": "1.00",
            "structured_communication": payment.structured_communication,
            "status": "paid",
            "created_at_0": "2025-01-01",
            "created_at_1": "10:00",
            "paid_at_0": "2025-01-01",
            "paid_at_1": "10:00",
        },
    )
    payment.refresh_from_db()
    assert payment.amount == Decimal("300.00") and payment.status == PaymentStatus.OPEN
    assert (
        client.post(
            reverse("admin:funding_paymentrequest_delete", args=[payment.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert client.get(reverse("admin:funding_paymentrequest_add")).status_code == 403
    client.post(
        reverse("admin:funding_paymentrequest_changelist"),
        {"action": "mark_paid", "_selected_action": [payment.pk]},
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.paid_at is not None
    assert AuditEvent.objects.filter(action="funding.paid", actor=funded.admin).count() == 1


@pytest.mark.django_db
def test_row12_admin_cannot_delete_or_re_add_a_budget(funded: Any, client_for: Any) -> None:
    funding.commit_quote(
        actor=None,
        hub=funded.company_x.hub,
        company=funded.company_x,
        amount=Decimal("10000"),
        document=funded.company_x,
    )
    client = client_for(funded.admin)
    budget = funded.guidance
    assert (
        client.post(
            reverse("admin:funding_hubbudget_delete", args=[budget.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    # A budget can be opened in the admin (through the service), but never a second one for the
    # same programme, hub and project type: re-adding cannot reset what is committed.
    again = client.post(
        reverse("admin:funding_hubbudget_add"),
        {
            "programme": budget.programme_id,
            "hub": budget.hub_id,
            "project_type": budget.project_type_id,
            "amount": "5.00",
        },
    )
    assert again.status_code == 200
    assert (
        HubBudget.objects.filter(
            programme=budget.programme_id, hub=budget.hub_id, project_type=budget.project_type_id
        ).count()
        == 1
    )
    client.post(
        reverse("admin:funding_hubbudget_change", args=[budget.pk]),
        {
            "programme": budget.programme_id,
            "hub": budget.hub_id,
            "project_type": budget.project_type_id,
            "amount": "1.00",
            "version": "1",
        },
    )
    assert HubBudget.objects.get(pk=budget.pk).amount == Decimal("1387500.00")
    with pytest.raises(funding.FundingRefused), transaction.atomic():
        HubBudget.objects.get(pk=budget.pk).delete()
    from digihub.funding.selectors import budget_overview

    assert all(row.available >= 0 for row in budget_overview(programme=funded.voka).rows)


@pytest.mark.django_db
def test_row12_rates_must_sum_to_100(funded: Any, client_for: Any) -> None:
    project_type = funded.guidance.project_type
    with pytest.raises(ValidationError, match="100"):
        funding.set_rates(
            actor=funded.coordinator,
            project_type=project_type,
            rates={
                "efro": Decimal("0.9"),
                "flemish": Decimal("0.3"),
                "private_sme": Decimal("0.3"),
            },
        )
    with pytest.raises(ValidationError, match="Unknown"):
        funding.set_rates(
            actor=funded.coordinator,
            project_type=project_type,
            rates={"efro": Decimal("0.4"), "flemish": Decimal("0.3"), "nope": Decimal("0.3")},
        )
    rates = list(project_type.rates.order_by("source__order"))
    client = client_for(funded.admin)
    url = reverse("admin:funding_projecttype_change", args=[project_type.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="rates-0-rate"' not in page.content.decode()
    data = {
        "programme": project_type.programme_id,
        "number": project_type.number,
        "kind": project_type.kind,
        "name_nl": project_type.name_nl,
        "name_en": project_type.name_en,
        "rates-TOTAL_FORMS": str(len(rates)),
        "rates-INITIAL_FORMS": str(len(rates)),
        "rates-MIN_NUM_FORMS": "0",
        "rates-MAX_NUM_FORMS": "1000",
    }
    for index, rate in enumerate(rates):
        data |= {
            f"rates-{index}-id": rate.pk,
            f"rates-{index}-project_type": project_type.pk,
            f"rates-{index}-source": rate.source_id,
            f"rates-{index}-rate": "0.9" if index == 0 else str(rate.rate),
        }
    client.post(url, data)
    assert sum(r.rate for r in ProjectType.objects.get(pk=project_type.pk).rates.all()) == 1
    # Every quote page keeps working: the split still adds up.
    funding.guidance_split(hub=funded.company_x.hub, amount=Decimal("1000"))


@pytest.mark.django_db
def test_row12_rate_change_after_commitment_makes_new_version(flow: Any) -> None:
    quote = _sign(flow, [{"description": "Analyse", "days": "3", "day_rate": "1000.01"}])
    project_type = flow.guidance.project_type
    version = funding.set_rates(
        actor=flow.coordinator,
        project_type=project_type,
        rates={"efro": Decimal("0.5"), "flemish": Decimal("0.2"), "private_sme": Decimal("0.3")},
        reason="new decision",
    )
    services.stop(actor=flow.advisor_a, trajectory=flow.trajectory, reason="SME stops")
    # Released at the rates the commitment used: nothing left, nothing negative, per source.
    assert _balance(quote) == {
        "efro": Decimal("0.00"),
        "flemish": Decimal("0.00"),
        "private_sme": Decimal("0.00"),
    }
    assert version == 2
    project_type.refresh_from_db()
    assert project_type.rate_version == 2
    entries = LedgerEntry.objects.all()
    assert {e.rate_version for e in entries} == {1}  # commitment and release alike
    # The old version is kept; the current one is what project_type.rates gives.
    assert SourceRate.history.filter(project_type=project_type, version=1).count() == 3
    current = {r.source.code: r.rate for r in project_type.rates.select_related("source")}
    assert current == {
        "efro": Decimal("0.5"),
        "flemish": Decimal("0.2"),
        "private_sme": Decimal("0.3"),
    }
    assert AuditEvent.objects.filter(action="funding.rates_set").count() == 1
    # New commitments use the new version.
    commitment = funding.commit_quote(
        actor=None,
        hub=flow.company_x.hub,
        company=flow.company_x,
        amount=Decimal("1000"),
        document=flow.company_x,
    )
    assert commitment.split.rate_version == 2
    assert {line.source_code: line.amount for line in commitment.split.lines}["efro"] == Decimal(
        "500.00"
    )


@pytest.mark.django_db
def test_row12_rate_change_refused_when_it_would_not_cover_commitments(funded: Any) -> None:
    HubBudget.objects.filter(pk=funded.guidance.pk).update(amount=Decimal("10000"))
    funding.commit_quote(
        actor=None,
        hub=funded.company_x.hub,
        company=funded.company_x,
        amount=Decimal("10000"),
        document=funded.company_x,
    )
    with pytest.raises(ValidationError, match="already committed"):
        funding.set_rates(
            actor=funded.coordinator,
            project_type=funded.guidance.project_type,
            rates={
                "efro": Decimal("0.4"),
                "flemish": Decimal("0.2"),
                "private_sme": Decimal("0.4"),
            },
        )
    assert ProjectType.objects.get(pk=funded.guidance.project_type_id).rate_version == 1


# --- every public service checks permission itself --------------------------------------------


@pytest.mark.django_db
def test_row12_funding_services_check_permission_themselves(funded: Any, client_for: Any) -> None:
    payment = funding.commit_quote(
        actor=None,
        hub=funded.company_x.hub,
        company=funded.company_x,
        amount=Decimal("1000"),
        document=funded.company_x,
    ).payment_request
    assert payment is not None
    for actor in (None, funded.advisor_a, funded.partner_p, funded.sme_x, funded.officer):
        with pytest.raises(PermissionDenied):
            funding.set_budget(
                actor=actor, budget=funded.guidance, amount=Decimal("2000000"), reason="x"
            )
        with pytest.raises(PermissionDenied):
            funding.set_rates(
                actor=actor,
                project_type=funded.guidance.project_type,
                rates={
                    "efro": Decimal("0.5"),
                    "flemish": Decimal("0.2"),
                    "private_sme": Decimal("0.3"),
                },
            )
    for actor in (None, funded.advisor_b, funded.partner_p, funded.sme_x, funded.officer):
        with pytest.raises(PermissionDenied):
            funding.declare_operational_cost(
                actor=actor, budget=funded.operation, amount=Decimal("10"), reason="x"
            )
        if actor is not funded.officer:  # the funding agency reconciles payments
            with pytest.raises(PermissionDenied):
                funding.mark_paid(actor=actor, request=payment)
    assert HubBudget.objects.get(pk=funded.guidance.pk).amount == Decimal("1387500.00")
    assert PaymentRequest.objects.get(pk=payment.pk).status == PaymentStatus.OPEN
    # The API answers the service's refusal.
    response = client_for(funded.advisor_a).put(
        f"/api/v1/funding/budgets/{funded.guidance.pk}",
        {"amount": "2000000", "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    # Allowed changes leave an audit event each.
    funding.set_budget(
        actor=funded.coordinator, budget=funded.guidance, amount=Decimal("2000000"), reason="x"
    )
    funding.declare_operational_cost(
        actor=funded.advisor_a, budget=funded.operation, amount=Decimal("10"), reason="x"
    )
    funding.mark_paid(actor=funded.advisor_a, request=payment)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"funding.budget_set", "funding.committed", "funding.spent", "funding.paid"} <= actions


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_row12_rates_must_sum_to_100_in_the_database(network: Any) -> None:
    from django.db import IntegrityError, connection

    if connection.vendor != "postgresql":
        pytest.skip("a deferred constraint trigger exists on PostgreSQL only")
    funding_demo.build()
    project_type = ProjectType.objects.get(programme__code="voka-digihub-efro", number=2)
    efro = project_type.rates.get(source__code="efro")
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceRate.history.filter(pk=efro.pk).update(rate=Decimal("0.9"))
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceRate.history.create(
            project_type=project_type, source=efro.source, rate=Decimal("0.4"), version=7
        )
    assert sum(r.rate for r in project_type.rates.all()) == 1
