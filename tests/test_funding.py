from __future__ import annotations

import io
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from stdnum.be import ogm_vcs

from digihub.funding import demo as funding_demo
from digihub.funding import services
from digihub.funding.models import (
    EntryKind,
    HubBudget,
    LedgerEntry,
    PaymentRequest,
    Programme,
    ProjectType,
)
from digihub.funding.selectors import budget_overview, reconciliation
from digihub.funding.splitting import split_cents

from .factories import make_company

RATES = [Decimal("0.40"), Decimal("0.30"), Decimal("0.30")]


@pytest.fixture(autouse=True)
def english() -> Any:
    """Messages and labels are checked in the English source text."""
    from django.utils import translation

    with translation.override("en"):
        yield


@given(
    st.decimals(min_value=0, max_value=10**9, places=2),
    st.sampled_from(
        [
            RATES,
            [Decimal("0.40"), Decimal("0.266"), Decimal("0.334")],
            [Decimal("0.4"), Decimal("0.1"), Decimal("0.5")],
        ]
    ),
)
def test_split_sums_to_the_whole_and_each_part_within_a_cent(
    amount: Decimal, rates: list[Decimal]
) -> None:
    parts = split_cents(amount, rates)
    assert sum(parts) == amount
    for part, rate in zip(parts, rates, strict=True):
        assert abs(part - amount * rate) < Decimal("0.01")
        assert part == part.quantize(Decimal("0.01"))


def test_split_refuses_rates_not_summing_to_one() -> None:
    with pytest.raises(ValueError):
        split_cents(Decimal("100"), [Decimal("0.4"), Decimal("0.4")])


@pytest.fixture
def funded(network: Any) -> Any:
    funding_demo.build()
    return Programme.objects.get(code="voka-digihub-efro")


def _guidance(programme: Programme, hub: Any) -> HubBudget:
    return HubBudget.objects.get(programme=programme, hub=hub, project_type__number=2)


@pytest.mark.django_db
class TestSeedFigures:
    def test_voka_programme_reconciles_to_the_euro(self, funded: Programme) -> None:
        lines = {line.label: line for line in reconciliation(funded)}
        by_key = {
            line.label.split(": ", 1)[-1]: line
            for line in lines.values()
            if line.label.startswith("per hub")
        }
        assert (
            by_key["total budget"].computed == Decimal("1500000.00")
            and by_key["total budget"].status == "exact"
        )
        assert (
            by_key["ERDF (EFRO)"].computed == Decimal("600000.00")
            and by_key["ERDF (EFRO)"].status == "exact"
        )
        assert by_key["Flemish co-financing"].computed == Decimal("427500.00")
        assert (
            by_key["private"].computed == Decimal("472500.00")
            and by_key["private"].status == "exact"
        )
        assert by_key["project type 1 subsidy"].computed == Decimal("56250.00")
        type2 = by_key["project type 2 subsidy"]
        assert (
            type2.computed == Decimal("971250.00")
            and type2.declared == Decimal("970000")
            and type2.status == "rounded"
        )

    def test_2020_call_reconciles(self, network: Any) -> None:
        funding_demo.build()
        lines = {
            line.label: line for line in reconciliation(Programme.objects.get(code="del-2020"))
        }
        subsidy = next(
            v for k, v in lines.items() if k.startswith("per hub: project type 1 subsidy")
        )
        assert subsidy.computed == Decimal("999000.00") and subsidy.status == "exact"
        total = next(v for k, v in lines.items() if k.endswith("hubs: subsidy"))
        assert total.computed == Decimal("4995000.00") and total.status == "rounded"

    def test_reconcile_command_prints(self, funded: Programme, capsys: Any) -> None:
        from django.core.management import call_command

        call_command("funding_reconcile", "--programme", "voka-digihub-efro")
        out = capsys.readouterr().out
        assert "600.000,00" in out and "971.250,00" in out and "rounded" in out


@pytest.mark.django_db
class TestLedger:
    def test_commit_books_each_source_and_a_payment_request(
        self, funded: Programme, people: Any
    ) -> None:
        hub = people.company_x.hub
        commitment = services.commit_quote(
            actor=people.advisor_a,
            hub=hub,
            company=people.company_x,
            amount=Decimal("10000.01"),
            document=people.company_x,
        )
        amounts = {line.source_code: line.amount for line in commitment.split.lines}
        assert amounts == {
            "efro": Decimal("4000.00"),
            "flemish": Decimal("3000.00"),
            "private_sme": Decimal("3000.01"),
        } or sum(amounts.values()) == Decimal("10000.01")
        assert sum(amounts.values()) == Decimal("10000.01")
        assert LedgerEntry.objects.filter(kind=EntryKind.COMMIT).count() == 3
        request = commitment.payment_request
        assert request is not None and request.amount == amounts["private_sme"]
        assert ogm_vcs.is_valid(request.structured_communication)
        assert str(request).startswith("+++") and str(request).endswith("+++")
        assert services.committed_for(people.company_x) == Decimal("10000.01")

    def test_release_and_spend(self, funded: Programme, people: Any) -> None:
        doc = people.company_x
        services.commit_quote(
            actor=None, hub=doc.hub, company=doc, amount=Decimal("5000"), document=doc
        )
        services.declare_expenditure(
            actor=None, document=doc, amount=Decimal("3000"), reason="final costs"
        )
        with pytest.raises(services.FundingRefused):
            services.declare_expenditure(
                actor=None, document=doc, amount=Decimal("2500"), reason="too much"
            )
        assert services.release_commitment(actor=None, document=doc, reason="unused") == Decimal(
            "2000.00"
        )
        assert services.committed_for(doc) == Decimal("3000.00") and services.spent_for(
            doc
        ) == Decimal("3000.00")
        overview = budget_overview(programme=funded)
        assert overview.total("committed") == Decimal("3000.00")
        assert overview.total("spent") == Decimal("3000.00")

    def test_entries_are_immutable(self, funded: Programme, people: Any) -> None:
        services.commit_quote(
            actor=None,
            hub=people.company_x.hub,
            company=people.company_x,
            amount=Decimal("100"),
            document=people.company_x,
        )
        entry = LedgerEntry.objects.first()
        entry.amount = Decimal("1")
        with pytest.raises(ValueError):
            entry.save()
        with pytest.raises(ValueError):
            entry.delete()

    def test_overspending_refused_with_which_budget_and_how_much(
        self, funded: Programme, people: Any
    ) -> None:
        budget = _guidance(funded, people.company_x.hub)
        HubBudget.objects.filter(pk=budget.pk).update(amount=Decimal("1000"))
        with pytest.raises(services.FundingRefused) as info:
            services.commit_quote(
                actor=None,
                hub=budget.hub,
                company=people.company_x,
                amount=Decimal("1200"),
                document=people.company_x,
            )
        message = " ".join(info.value.messages)
        assert "EFRO" in message and "Digihub Vlaams-Brabant" in message
        assert "80,00" in message or "80.00" in message  # in the active language's format
        assert LedgerEntry.objects.count() == 0 and PaymentRequest.objects.count() == 0

    def test_caps_per_trajectory_and_company(self, funded: Programme, people: Any) -> None:
        with pytest.raises(services.FundingRefused, match="per trajectory"):
            services.commit_quote(
                actor=None,
                hub=people.company_x.hub,
                company=people.company_x,
                amount=Decimal("60000"),
                document=people.company_x,
            )
        services.commit_quote(
            actor=None,
            hub=people.company_x.hub,
            company=people.company_x,
            amount=Decimal("50000"),
            document=people.company_x,
        )
        services.commit_quote(
            actor=None,
            hub=people.company_x.hub,
            company=people.company_x,
            amount=Decimal("50000"),
            document=people.company_y,
        )
        with pytest.raises(services.FundingRefused, match="per company"):
            services.commit_quote(
                actor=None,
                hub=people.company_x.hub,
                company=people.company_x,
                amount=Decimal("1000"),
                document=people.advisor_a,
            )

    def test_de_minimis_ceiling_over_rolling_years(self, funded: Programme, people: Any) -> None:
        Programme.objects.filter(pk=funded.pk).update(
            de_minimis_ceiling=Decimal("20000"), max_subsidy_per_company=None
        )
        import datetime as dt

        old = dt.date(2021, 1, 4)
        services.commit_quote(
            actor=None,
            hub=people.company_x.hub,
            company=people.company_x,
            amount=Decimal("20000"),
            document=people.company_y,
            on=old,
        )
        # 14,000 subsidy in 2021 does not count three years later...
        services.commit_quote(
            actor=None,
            hub=people.company_x.hub,
            company=people.company_x,
            amount=Decimal("20000"),
            document=people.company_x,
        )
        # ...but a second one now does: 14,000 + 14,000 > 20,000.
        with pytest.raises(services.FundingRefused, match="de minimis"):
            services.commit_quote(
                actor=None,
                hub=people.company_x.hub,
                company=people.company_x,
                amount=Decimal("20000"),
                document=people.advisor_a,
            )

    def test_bad_input_refused(self, funded: Programme, people: Any) -> None:
        budget = _guidance(funded, people.company_x.hub)
        with pytest.raises(ValidationError):
            services.book_commitment(
                actor=None, budget=budget, company=None, amount=Decimal("-5"), document=None
            )
        with pytest.raises(ValidationError, match="100"):
            services.set_rates(
                actor=people.coordinator,
                project_type=budget.project_type,
                rates={
                    "efro": Decimal("0.5"),
                    "flemish": Decimal("0.3"),
                    "private_sme": Decimal("0.3"),
                },
            )
        services.commit_quote(
            actor=None,
            hub=budget.hub,
            company=people.company_x,
            amount=Decimal("10000"),
            document=people.company_x,
        )
        with pytest.raises(ValidationError, match="already committed"):
            services.set_budget(
                actor=people.coordinator, budget=budget, amount=Decimal("5000"), reason="cut"
            )
        assert ProjectType.objects.get(pk=budget.project_type_id).rates.get(
            source__code="efro"
        ).rate == Decimal("0.4")

    def test_operational_costs_on_type_1(self, funded: Programme, people: Any) -> None:
        budget = HubBudget.objects.get(
            programme=funded, hub=people.company_x.hub, project_type__number=1
        )
        split = services.declare_operational_cost(
            actor=people.coordinator, budget=budget, amount=Decimal("1000"), reason="newsletter"
        )
        assert {line.source_code: line.amount for line in split.lines} == {
            "efro": Decimal("400.00"),
            "flemish": Decimal("100.00"),
            "private_chamber": Decimal("500.00"),
        }
        assert LedgerEntry.objects.filter(kind=EntryKind.SPEND).count() == 3


@pytest.mark.django_db
class TestPages:
    def test_dashboard_amounts_equal_ledger_sums(
        self, funded: Programme, people: Any, client_for: Any
    ) -> None:
        services.commit_quote(
            actor=None,
            hub=people.company_x.hub,
            company=people.company_x,
            amount=Decimal("12345.67"),
            document=people.company_x,
        )
        body = (
            client_for(people.coordinator)
            .get(reverse("funding:dashboard"), {"programme": funded.pk})
            .content.decode()
        )
        assert "12.345,67" in body
        assert "7.500.000,00" in body  # five hubs × 1.5 M

    def test_roles(self, funded: Programme, people: Any, client_for: Any) -> None:
        for page in ("funding:dashboard", "funding:ledger", "funding:reconciliation"):
            assert client_for(people.coordinator).get(reverse(page)).status_code == 200
            assert client_for(people.officer).get(reverse(page)).status_code == 200
            assert client_for(people.advisor_a).get(reverse(page)).status_code == 200
            assert client_for(people.partner_p).get(reverse(page)).status_code == 403
            assert client_for(people.sme_x).get(reverse(page)).status_code == 403

    def test_advisor_cannot_change_budget(
        self, funded: Programme, people: Any, client_for: Any
    ) -> None:
        budget = _guidance(funded, people.company_x.hub)
        url = reverse("funding:budget_edit", args=[budget.pk])
        assert (
            client_for(people.advisor_a).post(url, {"amount": "1", "reason": "x"}).status_code
            == 403
        )
        response = client_for(people.coordinator).post(url, {"amount": "-1", "reason": "x"})
        assert response.status_code == 400
        assert HubBudget.objects.get(pk=budget.pk).amount == Decimal("1387500.00")

    def test_sme_sees_own_payment_and_de_minimis_pdf(
        self, funded: Programme, people: Any, client_for: Any
    ) -> None:
        services.commit_quote(
            actor=None,
            hub=people.company_x.hub,
            company=people.company_x,
            amount=Decimal("1000"),
            document=people.company_x,
        )
        body = client_for(people.sme_x).get(reverse("funding:payments")).content.decode()
        assert "300,00" in body
        assert "Bedrijf X" in body
        assert (
            "300,00"
            not in client_for(people.sme_y).get(reverse("funding:payments")).content.decode()
        )
        pdf = client_for(people.sme_x).get(
            reverse("funding:de_minimis", args=[people.company_x.pk])
        )
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        from pypdf import PdfReader

        root = PdfReader(io.BytesIO(pdf.content)).trailer["/Root"]
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]  # tagged
        assert root.get("/Lang") == "nl"
        assert (
            client_for(people.sme_y)
            .get(reverse("funding:de_minimis", args=[people.company_x.pk]))
            .status_code
            == 404
        )

    def test_api_budget_and_split(self, funded: Programme, people: Any, client_for: Any) -> None:
        client = client_for(people.coordinator)
        rows = client.get(f"/api/v1/funding/programmes/{funded.pk}/budget").json()
        assert sum(Decimal(r["budget"]) for r in rows) == Decimal("7500000.00")
        split = client.post(
            "/api/v1/funding/split",
            {"hub_id": people.company_x.hub_id, "amount": "1000"},
            content_type="application/json",
        ).json()
        assert Decimal(split["subsidy"]) == Decimal("700.00")
        assert (
            client_for(people.partner_p)
            .get(f"/api/v1/funding/programmes/{funded.pk}/budget")
            .status_code
            == 403
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_commitments_never_overspend(network: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are proven on PostgreSQL")
    funding_demo.build()
    programme = Programme.objects.get(code="voka-digihub-efro")
    Programme.objects.filter(pk=programme.pk).update(
        max_subsidy_per_trajectory=None, max_subsidy_per_company=None
    )
    company_a = make_company(name="Race A")
    company_b = make_company(name="Race B")
    budget = _guidance(programme, company_a.hub)
    HubBudget.objects.filter(pk=budget.pk).update(amount=Decimal("10000"))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def commit(company: Any) -> None:
        try:
            barrier.wait()
            services.commit_quote(
                actor=None,
                hub=company.hub,
                company=company,
                amount=Decimal("7000"),
                document=company,
            )
            outcomes.append("ok")
        except services.FundingRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=commit, args=(c,)) for c in (company_a, company_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    committed = sum(
        services.committed_by_source(
            programme=programme, hub=company_a.hub, project_type=budget.project_type
        ).values()
    )
    assert committed == Decimal("7000.00") <= Decimal("10000")


@pytest.mark.django_db
def test_the_general_guidance_budget_is_chosen_by_the_rows_not_by_the_database(
    network: Any,
) -> None:
    """A programme with two guidance project types, one reserved for training through its own
    ServiceFunding: a trajectory of another service type is funded from the general one, even
    when the reserved one was made first."""
    import datetime as dt

    from django.utils import timezone

    from digihub.funding.models import HubBudget, Programme, ProjectType, ServiceFunding

    today = timezone.localdate()
    programme = Programme.objects.create(
        code="two-guidance",
        name="Two guidance types",
        start=today - dt.timedelta(days=1),
        end=today + dt.timedelta(days=300),
    )
    training = ProjectType.objects.create(programme=programme, number=3, kind="guidance")
    general = ProjectType.objects.create(programme=programme, number=2, kind="guidance")
    ServiceFunding.objects.create(programme=programme, service_type="skills", project_type=training)
    for project_type in (training, general):
        HubBudget.objects.create(
            programme=programme,
            hub=network.hub_a,
            project_type=project_type,
            amount=Decimal("1000.00"),
        )
    chosen = services.guidance_budget(hub=network.hub_a, service_type="test_before_invest")
    assert chosen.project_type == general
    assert services.guidance_budget(hub=network.hub_a, service_type="skills").project_type == (
        training
    )
