"""Lists: sorting by allow-listed keys, export of exactly the filtered rows with numbers as
numbers, totals over the whole selection, bulk actions through the single-row service."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from digihub.funding import demo as funding_demo
from digihub.funding.models import PaymentRequest, PaymentStatus
from digihub.intake import services as intake
from digihub.intake.models import Question, Status
from digihub.trajectories import services

pytestmark = pytest.mark.usefixtures("english")  # texts are read back in English


@pytest.fixture(autouse=True)
def english() -> Any:
    from django.utils import translation

    with translation.override("en"):
        yield


def _register(people: Any, name: str, text: str = "Sensors") -> Question:
    q, _ = intake.register_question(
        actor=None,
        data=intake.Registration(
            enterprise_number=people.company_x.enterprise_number,
            company_name="X",
            postcode="3000",
            city="Leuven",
            first_name=name,
            last_name="Smet",
            email=f"{name.lower()}@x.example",
            text=text,
            consent=True,
        ),
    )
    return q


@pytest.fixture
def client_for(client_for: Any) -> Any:
    """Pages in English (the source text)."""

    def login(user: Any) -> Any:
        client = client_for(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return login


def _csv(response: Any) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.mark.django_db
class TestQuestionQueue:
    def test_sort_export_and_preview(self, people: Any, client_for: Any) -> None:
        first = _register(people, "Ann", "=HYPERLINK(evil)")
        second = _register(people, "Bob", "Robots in the warehouse")
        Question.objects.filter(pk=first.pk).update(
            registered_at=timezone.now() - dt.timedelta(days=3)
        )
        client = client_for(people.advisor_a)
        url = reverse("intake:queue")
        page = client.get(url, {"tab": "new"}).content.decode()
        assert "Robots in the warehouse" in page and "Leuven" in page  # preview, municipality
        assert page.index(second.reference) < page.index(first.reference)  # newest first
        page = client.get(url, {"tab": "new", "sort": "registered"}).content.decode()
        assert page.index(first.reference) < page.index(second.reference)
        # A sort key outside the allow-list is ignored, not passed to the database.
        assert (
            client.get(url, {"tab": "new", "sort": "company__users__password"}).status_code == 200
        )
        rows = _csv(client.get(url, {"tab": "new", "q": "Robots", "export": "csv"}))
        assert rows[0][:3] == ["Reference", "Company", "Municipality"]
        assert [r[0] for r in rows[1:]] == [second.reference]  # exactly the filtered rows
        rows = _csv(client.get(url, {"tab": "new", "q": "HYPERLINK", "export": "csv"}))
        assert rows[1][3] == "'=HYPERLINK(evil)"  # made safe for spreadsheets
        assert (
            client_for(people.advisor_b)
            .get(url, {"tab": "all", "export": "csv"})
            .content.decode("utf-8-sig")
            .count("DH-")
            == 0
        )

    def test_bulk_take_reports_refusals_per_row(self, people: Any, client_for: Any) -> None:
        a = _register(people, "Ann")
        b = _register(people, "Bob")
        intake.take_question(actor=people.advisor_a, question=b)  # taken meanwhile
        client = client_for(people.advisor_a)
        response = client.post(reverse("intake:bulk_take"), {"pick": [a.pk, b.pk]}, follow=True)
        a.refresh_from_db()
        assert a.status == Status.IN_PROGRESS and a.advisor == people.advisor_a
        text = response.content.decode()
        assert f"{b.reference} not taken" in text and a.reference in text
        # Another chamber's advisor cannot take what it cannot see.
        c = _register(people, "Cas")
        client_for(people.advisor_b).post(reverse("intake:bulk_take"), {"pick": [c.pk]})
        c.refresh_from_db()
        assert c.status == Status.NEW

    def test_rows_and_export_read_only_the_columns_they_load(
        self, people: Any, client_for: Any
    ) -> None:
        """The queue reads a narrow row per question: a column it left out but a row or the
        export shows would cost a query per row."""
        from unittest import mock

        from django.db.models import Model

        from digihub.network.models import Theme

        new = _register(people, "Ann", "Robots in the warehouse")
        new.themes.set(Theme.objects.all()[:2])
        taken = _register(people, "Bob")
        intake.take_question(actor=people.advisor_a, question=taken)
        decided = _register(people, "Cas")
        intake.take_question(actor=people.advisor_a, question=decided)
        intake.decide_trajectory(
            actor=people.advisor_a, question=decided, partner=people.partner_p.partner, reason="x"
        )
        Question.objects.filter(pk=new.pk).update(outside_target_group=True)
        client = client_for(people.advisor_a)
        url = reverse("intake:queue")
        client.get(url)  # the session and the menu settle first
        with mock.patch.object(
            Model, "refresh_from_db", side_effect=AssertionError("a row read a column left out")
        ):
            page = client.get(url, {"tab": "all"}).content.decode()
            rows = _csv(client.get(url, {"tab": "all", "export": "csv"}))
        for q in (new, taken, decided):
            assert q.reference in page
        assert "not an SME" in page and people.advisor_a.get_full_name() in page
        assert {r[0] for r in rows[1:]} == {new.reference, taken.reference, decided.reference}
        assert any(people.advisor_a.get_full_name() in r for r in rows[1:])


def _signed(people: Any, n: int) -> list[Any]:
    signed = []
    for i in range(n):
        q = _register(people, f"Sme{i}")
        intake.take_question(actor=people.advisor_a, question=q)
        t = intake.decide_trajectory(
            actor=people.advisor_a, question=q, partner=people.partner_p.partner, reason="lab"
        )
        quote = services.save_quote(
            actor=people.partner_p,
            trajectory=t,
            scope="Analyse",
            methodology="Lab",
            valid_until=timezone.localdate() + dt.timedelta(days=20),
            lines=[{"description": "Analyse", "days": str(i + 1), "day_rate": "1000"}],
        )
        quote = services.issue_quote(actor=people.partner_p, quote=quote)
        services.sign_quote_online(
            actor=people.sme_x, quote=quote, signer_name="Sam", pdf_sha256=quote.pdf_sha256
        )
        signed.append(t)
    return signed


@pytest.mark.django_db
class TestMoneyLists:
    def test_payments_totals_export_and_bulk_mark_paid(self, people: Any, client_for: Any) -> None:
        from openpyxl import load_workbook

        funding_demo.build()
        _signed(people, 3)  # shares 300, 600, 900
        client = client_for(people.coordinator)
        url = reverse("funding:payments")
        page = client.get(url).content.decode()
        assert "€1,800.00" in page  # the total of the selection, in English format
        book = load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content))
        sheet = book.active
        amounts = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert sorted(amounts) == [300, 600, 900]  # numbers, not text
        ids = list(PaymentRequest.objects.values_list("pk", flat=True))
        # The SME may not mark its own payment: refused per row, nothing changes.
        client_for(people.sme_x).post(reverse("funding:payments_paid"), {"pick": ids[:1]})
        assert not PaymentRequest.objects.filter(status=PaymentStatus.PAID).exists()
        client = client_for(people.coordinator)
        response = client.post(reverse("funding:payments_paid"), {"pick": ids[:2]}, follow=True)
        assert "2 payments recorded." in response.content.decode()
        assert PaymentRequest.objects.filter(status=PaymentStatus.PAID).count() == 2
        open_rows = _csv(client.get(url, {"status": PaymentStatus.OPEN, "export": "csv"}))
        assert len(open_rows) == 2  # header and the one still open

    def test_ledger_total_follows_the_filter(self, people: Any, client_for: Any) -> None:
        from digihub.funding.models import FundingSource

        funding_demo.build()
        _signed(people, 2)  # 1,000 and 2,000 committed
        client = client_for(people.coordinator)
        efro = FundingSource.objects.get(code="efro")
        page = client.get(reverse("funding:ledger"), {"source": efro.pk, "kind": "commit"})
        assert "€1,200.00" in page.content.decode()  # 40 % of 3,000
        rows = _csv(client.get(reverse("funding:ledger"), {"source": efro.pk, "export": "csv"}))
        assert sorted(Decimal(r[5]) for r in rows[1:]) == [Decimal("400.00"), Decimal("800.00")]


def test_ties_are_settled_by_the_primary_key() -> None:
    """Rows equal on the sort column and on a tiebreak that is not unique come in one order
    every time: a page boundary never shows a row twice or skips one."""
    from django.test import RequestFactory

    from digihub.core.lists import Column, Table

    columns = [Column("status", "Status", "status")]
    request = RequestFactory().get("/", {"sort": "status"})
    table = Table(
        request, Question.objects.all(), columns, default="status", tiebreak="-registered_at"
    )
    assert table.rows.query.order_by == ("status", "-registered_at", "-pk")
    table = Table(request, Question.objects.all(), columns, default="status")
    assert table.rows.query.order_by == ("status", "-pk")
