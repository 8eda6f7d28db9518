"""The budget dashboard's rows: the same figures as the funding services compute, from the
columns each row shows (a row that needs a column its query left out loads it with a query of
its own, once per row)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.db.models import Model, Sum
from django.urls import reverse

from digihub.funding import demo as funding_demo
from digihub.funding import services
from digihub.funding.models import HubBudget, PaymentRequest, Programme, ProjectType
from digihub.funding.selectors import budget_overview


@pytest.fixture
def funded(network: Any) -> Programme:
    funding_demo.build()
    return Programme.objects.get(code="voka-digihub-efro")


@contextmanager
def no_column_loaded_later() -> Iterator[None]:
    with mock.patch.object(
        Model, "refresh_from_db", side_effect=AssertionError("a row read a column left out")
    ):
        yield


def _split_as_the_services_do(programme: Programme) -> list[tuple[Any, ...]]:
    rows = []
    for project_type in ProjectType.objects.filter(budgets__programme=programme).distinct():
        total = HubBudget.objects.filter(programme=programme, project_type=project_type).aggregate(
            total=Sum("amount")
        )["total"]
        split = services.split_amount(project_type, total)
        rows += [
            (project_type.number, line.source_code, line.source_name, line.is_subsidy, line.amount)
            for line in split.lines
        ]
    return sorted(rows, key=lambda row: row[0])


def _rows(programme: Programme) -> list[tuple[Any, ...]]:
    return [
        (r.project_type.number, r.source_code, r.source_name, r.is_subsidy, r.budget)
        for r in budget_overview(programme=programme).rows
    ]


@pytest.mark.django_db
def test_the_overview_splits_each_type_as_the_services_split_it(
    funded: Programme, people: Any
) -> None:
    """Every type's budgets split over its current rates to the cent, in the sources' order,
    also after new rates whose parts leave cents to hand out."""
    for programme in Programme.objects.all():
        assert _rows(programme) == _split_as_the_services_do(programme)
    guidance = ProjectType.objects.get(programme=funded, number=2)
    codes = [r.source.code for r in guidance.rates.select_related("source")]
    thirds = [Decimal("0.333333"), Decimal("0.333333"), Decimal("0.333334")]
    HubBudget.objects.filter(project_type=guidance).update(amount=Decimal("1000000.01"))
    services.set_rates(
        actor=people.coordinator,
        project_type=guidance,
        rates=dict(zip(codes, thirds, strict=True)),
    )
    rows = _rows(funded)
    assert rows == _split_as_the_services_do(funded)
    five_hubs = Decimal("5000000.05")
    assert sum(row[4] for row in rows if row[0] == 2) == five_hubs
    assert [row[1] for row in rows if row[0] == 2] == codes


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["coordinator", "officer", "advisor_a"])
def test_the_dashboard_rows_read_only_the_columns_they_show(
    funded: Programme, people: Any, client_for: Any, who: str
) -> None:
    user = getattr(people, who)
    client = client_for(user)
    hub = people.company_x.hub
    budget = HubBudget.objects.get(programme=funded, hub=hub, project_type__number=1)
    # The programme named each time: without it the page opens the one running today.
    for query in ({"programme": funded.pk}, {"programme": funded.pk, "hub": hub.pk}):
        with no_column_loaded_later():
            response = client.get(reverse("funding:dashboard"), query, HTTP_ACCEPT_LANGUAGE="nl")
        assert response.status_code == 200
        body = response.content.decode()
        assert hub.name in body
        assert "112.500,00" in body  # the hub's budget for its operation
        edit = reverse("funding:budget_edit", args=[budget.pk])
        assert (f'href="{edit}"' in body) == (who == "coordinator")
        cost = reverse("funding:operational_cost", args=[budget.pk])
        assert (f'href="{cost}"' in body) == (who != "officer")


@pytest.fixture
def booked(funded: Programme, people: Any) -> Any:
    """Two signed quotes' commitments and payment requests (one paid, one signed for by a
    coordinator: entries with their actor), and a cost a coordinator declared."""
    for company, amount, actor in (
        (people.company_x, "1000", people.coordinator),
        (people.company_y, "2000", None),
    ):
        services.commit_quote(
            actor=actor,
            hub=company.hub,
            company=company,
            amount=Decimal(amount),
            document=company,
            reason="quote signed",
        )
    paid = PaymentRequest.objects.get(company=people.company_y)
    services.mark_paid(actor=people.coordinator, request=paid)
    operation = HubBudget.objects.get(
        programme=funded, hub=people.company_x.hub, project_type__number=1
    )
    services.declare_operational_cost(
        actor=people.coordinator, budget=operation, amount=Decimal("250"), reason="venue"
    )
    return people


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["coordinator", "officer", "advisor_a", "sme_x"])
def test_the_payment_rows_read_only_the_columns_they_show(
    booked: Any, client_for: Any, who: str
) -> None:
    client = client_for(getattr(booked, who))
    open_payment = PaymentRequest.objects.get(company=booked.company_x)
    for query in ({}, {"status": "requested"}, {"sort": "-amount"}, {"export": "csv"}):
        with no_column_loaded_later():
            response = client.get(reverse("funding:payments"), query)
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8-sig")
        assert booked.company_x.name in text and str(open_payment) in text
        if "export" not in query:
            box = f'name="pick" value="{open_payment.pk}"'
            assert (box in text) == (who != "sme_x")
            statement = reverse("funding:de_minimis", args=[booked.company_x.pk])
            assert f'href="{statement}"' in text


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["coordinator", "officer", "advisor_a"])
def test_the_ledger_rows_read_only_the_columns_they_show(
    booked: Any, client_for: Any, who: str
) -> None:
    client = client_for(getattr(booked, who))
    for query, headers in (
        ({}, {}),
        ({"sort": "hub"}, {"HTTP_HX_REQUEST": "true"}),
        ({"export": "csv"}, {}),
    ):
        with no_column_loaded_later():
            response = client.get(reverse("funding:ledger"), query, **headers)
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8-sig")
        assert booked.company_x.name in text
        assert booked.company_x.hub.name in text
        assert f"{booked.coordinator} · quote signed" in text
        assert (f"{booked.coordinator} · venue" in text) == (who != "advisor_a")  # no company
