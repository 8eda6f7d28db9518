from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from digihub.funding import demo as funding_demo
from digihub.intake import services as intake
from digihub.intake.models import Route
from digihub.reporting import facts as report_facts
from digihub.reporting.figures import ReportFilters, compute_figures
from digihub.trajectories import services
from digihub.trajectories.models import PhaseSpan, Trajectory

LINES = [{"description": "Analyse", "days": "4", "day_rate": "1000"}]


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _question(p: Any, company: Any, advisor: Any) -> Any:
    q, _ = intake.register_question(
        actor=None,
        data=intake.Registration(
            enterprise_number=company.enterprise_number,
            company_name=company.name,
            postcode=company.postcode,
            city=company.city,
            first_name="A",
            last_name="B",
            email="a@b.example",
            text="vraag",
            consent=True,
        ),
    )
    intake.take_question(actor=advisor, question=q)
    intake.record_conversation(
        actor=advisor, question=q, held_on=timezone.localdate(), participants="A"
    )
    return q


def _history(t: Trajectory, *days: dt.date) -> None:
    """Put the phase periods of ``t`` on known days (one day per period, in order)."""
    spans = list(t.spans.order_by("entered_at"))
    assert len(spans) == len(days)
    for index, span in enumerate(spans):
        left = _at(days[index + 1]) if index + 1 < len(days) else None
        PhaseSpan.objects.filter(pk=span.pk).update(entered_at=_at(days[index]), left_at=left)
    moments = {span.phase: _at(day) for span, day in zip(spans, days, strict=True)}
    Trajectory.objects.filter(pk=t.pk).update(
        started_at=_at(days[0]),
        phase_changed_at=_at(days[-1]),
        quote_signed_at=moments.get("execution"),
        completed_at=moments.get("completed"),
        stopped_at=moments.get("stopped"),
    )


@pytest.fixture
def world(people: Any) -> Any:
    """Hand-counted: 5 questions (X: 4, Y: 1); 3 trajectories in chamber A; 1 referral and 1 info-only."""
    funding_demo.build()
    p = people
    D = dt.date
    t1 = intake.decide_trajectory(
        actor=p.advisor_a,
        question=_question(p, p.company_x, p.advisor_a),
        partner=p.partner_p.partner,
        reason="r",
    )
    t2 = intake.decide_trajectory(
        actor=p.advisor_a,
        question=_question(p, p.company_x, p.advisor_a),
        partner=p.partner_p.partner,
        reason="r",
    )
    t3 = intake.decide_trajectory(
        actor=p.advisor_a,
        question=_question(p, p.company_x, p.advisor_a),
        partner=p.partner_p.partner,
        reason="r",
    )
    q4 = _question(p, p.company_x, p.advisor_a)
    intake.decide_no_trajectory(
        actor=p.advisor_a, question=q4, route=Route.AGENCY_REFERRAL, reason="KMO-portefeuille"
    )
    q5 = _question(p, p.company_y, p.advisor_b)
    intake.close_info_only(actor=p.advisor_b, question=q5, reason="info")
    # t1: start-up 1 Jan, quote 1 Feb, signed 1 Mar, completed 1 May.
    quote = services.issue_quote(
        actor=p.partner_p,
        quote=services.save_quote(
            actor=p.partner_p,
            trajectory=t1,
            scope="s",
            methodology="",
            valid_until=timezone.localdate() + dt.timedelta(days=9),
            lines=LINES,
        ),
    )
    services.sign_quote_online(
        actor=p.sme_x, quote=quote, signer_name="B", pdf_sha256=quote.pdf_sha256
    )
    services.deliver_advice(
        actor=p.partner_p,
        trajectory=t1,
        kind="action_plan",
        delivered_on=timezone.localdate(),
        summary="plan",
    )
    services.complete(actor=p.partner_p, trajectory=t1, final_cost=Decimal("3000"))
    _history(t1, D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1), D(2026, 5, 1))
    # t2: start-up 15 Jan, quote 15 Feb, stopped 15 Mar.
    services.save_quote(
        actor=p.partner_p,
        trajectory=t2,
        scope="s",
        methodology="",
        valid_until=timezone.localdate() + dt.timedelta(days=9),
        lines=LINES,
    )
    services.stop(actor=p.advisor_a, trajectory=t2, reason="uitgesteld")
    _history(t2, D(2026, 1, 15), D(2026, 2, 15), D(2026, 3, 15))
    # t3: start-up since 1 Apr.
    _history(t3, D(2026, 4, 1))
    p.trajectories = (t1, t2, t3)
    report_facts.rebuild()  # the history above was rewritten in SQL, as an import does
    return p


@pytest.mark.django_db
class TestFigures:
    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (
                dt.date(2025, 12, 31),
                {"startup": 0, "quote": 0, "execution": 0, "completed": 0, "stopped": 0},
            ),
            (
                dt.date(2026, 1, 20),
                {"startup": 2, "quote": 0, "execution": 0, "completed": 0, "stopped": 0},
            ),
            (
                dt.date(2026, 2, 20),
                {"startup": 0, "quote": 2, "execution": 0, "completed": 0, "stopped": 0},
            ),
            (
                dt.date(2026, 3, 20),
                {"startup": 0, "quote": 0, "execution": 1, "completed": 0, "stopped": 1},
            ),
            (
                dt.date(2026, 4, 20),
                {"startup": 1, "quote": 0, "execution": 1, "completed": 0, "stopped": 1},
            ),
            (
                dt.date(2026, 6, 1),
                {"startup": 1, "quote": 0, "execution": 0, "completed": 1, "stopped": 1},
            ),
        ],
    )
    def test_phase_on_date(self, world: Any, day: dt.date, expected: dict[str, int]) -> None:
        assert compute_figures(on=day).phases == expected

    def test_hand_counts(self, world: Any) -> None:
        today = timezone.localdate()
        f = compute_figures(on=today)
        assert (
            f.reach["registered"] == 5
            and f.reach["companies"] == 2
            and f.reach["conversations"] == 5
        )
        assert (
            f.reach["decision_trajectory"] == 3
            and f.reach["route_agency_referral"] == 1
            and f.reach["decision_info_only"] == 1
        )
        assert f.started == 3
        committed = {row["source"]: row["committed"] for row in f.funding}
        assert committed == {
            "efro": Decimal("1200.00"),
            "flemish": Decimal("900.00"),
            "private_sme": Decimal("900.00"),
        }
        assert f.totals["spent"] == Decimal("3000.00") and f.sme_requested == Decimal("1200.00")
        assert f.advice_count == 1
        signed = next(lead for lead in f.lead_times if lead.label == "signed_to_completed")
        assert signed.count == 1 and round(signed.median) == 61  # 1 March → 1 May

    def test_period_and_filters(self, world: Any) -> None:
        f = compute_figures(
            on=dt.date(2026, 6, 1), start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)
        )
        assert f.started == 0 and f.stopped == 1 and f.completed == 0
        only_y = compute_figures(
            on=timezone.localdate(), filters=ReportFilters(chamber=world.advisor_b.chamber_id)
        )
        assert only_y.reach["registered"] == 1 and only_y.started == 0

    def test_query_count_does_not_grow(
        self, world: Any, django_assert_max_num_queries: Any
    ) -> None:
        with django_assert_max_num_queries(30):
            compute_figures(on=timezone.localdate())


@pytest.mark.django_db
class TestPagesAndDocuments:
    def test_report_page_and_downloads(self, world: Any, client_for: Any) -> None:
        client = client_for(world.coordinator)
        page = client.get(reverse("reporting:report"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        assert "1.200,00" in page or "2.100,00" in page
        pdf = client.get(reverse("reporting:download", args=["pdf"]))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        docx = client.get(reverse("reporting:download", args=["docx"]))
        from docx import Document

        text = "\n".join(par.text for par in Document(io.BytesIO(docx.content)).paragraphs)
        assert "1." in text and len(text) > 500
        xlsx = client.get(reverse("reporting:download", args=["xlsx"]), {"dl": "k3y0ftheclick"})
        assert xlsx.cookies["dl_k3y0ftheclick"].value == "1"  # the page stops its progress
        odd = client.get(reverse("reporting:download", args=["xlsx"]), {"dl": "<script>"})
        assert not any(name.startswith("dl_") for name in odd.cookies)
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(xlsx.content))
        assert _registered(xlsx) == 5 and book.worksheets[0].freeze_panes == "A3"
        svg = client.get(reverse("reporting:chart", args=["funnel"]))
        assert (
            svg["Content-Type"] == "image/svg+xml"
            and b"<script" not in svg.content.split(b"</defs>")[-1][:0] + b""
        )
        assert zipfile.is_zipfile(io.BytesIO(docx.content))

    def test_roles(self, world: Any, client_for: Any) -> None:
        assert client_for(world.partner_p).get(reverse("reporting:report")).status_code == 403
        assert client_for(world.sme_x).get(reverse("reporting:report")).status_code == 403
        data = client_for(world.advisor_b).get("/api/v1/reporting/figures").json()
        assert data["reach"]["registered"] == 1  # an advisor sees its own chamber only
        assert (
            client_for(world.officer).get("/api/v1/reporting/figures").json()["reach"]["registered"]
            == 5
        )

    def test_english_version(self, world: Any, client_for: Any) -> None:
        body = (
            client_for(world.coordinator)
            .get(reverse("reporting:report"), HTTP_ACCEPT_LANGUAGE="en")
            .content.decode()
        )
        assert "state of play" in body.lower()


def _registered(response: Any) -> int:
    """The number of questions registered, read from the workbook by its Dutch description."""
    from django.utils import translation
    from openpyxl import load_workbook

    from digihub.reporting.labels import reach_figure

    book = load_workbook(io.BytesIO(response.content))
    with translation.override("nl"):
        label = reach_figure("registered")
    return {row[0].value: row[1].value for row in book.worksheets[0].iter_rows(min_row=3)}[label]


@pytest.mark.django_db
class TestSharedComputation:
    @pytest.fixture(autouse=True)
    def shared(self, settings: Any) -> Any:
        from django.core.cache import cache

        cache.clear()
        settings.DIGIHUB_REPORT_CACHE_SECONDS = 60
        yield
        cache.clear()

    def test_page_charts_and_downloads_share_one_computation(
        self, world: Any, client_for: Any, django_assert_max_num_queries: Any
    ) -> None:
        client = client_for(world.coordinator)
        page = client.get(reverse("reporting:report"), HTTP_ACCEPT_LANGUAGE="en")
        assert "Recompute now" in page.content.decode()
        with django_assert_max_num_queries(4):  # session and user; no figure is recomputed
            assert client.get(reverse("reporting:chart", args=["funnel"])).status_code == 200
        xlsx = reverse("reporting:download", args=["xlsx"])
        assert _registered(client.get(xlsx)) == 5
        _question(world, world.company_y, world.advisor_b)
        assert _registered(client.get(xlsx)) == 5  # the shared computation, as the page says
        assert _registered(client.get(xlsx, {"fresh": "1"})) == 6

    def test_readers_of_different_scopes_never_share(self, world: Any, client_for: Any) -> None:
        xlsx = reverse("reporting:download", args=["xlsx"])
        assert _registered(client_for(world.advisor_a).get(xlsx)) == 4
        assert _registered(client_for(world.advisor_b).get(xlsx)) == 1
        assert _registered(client_for(world.coordinator).get(xlsx)) == 5

    def test_the_page_body_is_drawn_once_per_computation_and_scope(
        self, world: Any, client_for: Any, monkeypatch: Any
    ) -> None:
        from digihub.reporting import views

        drawn: list[str] = []
        real = views.render_to_string

        def counting(name: str, *args: Any, **kwargs: Any) -> str:
            drawn.append(name)
            return real(name, *args, **kwargs)

        monkeypatch.setattr(views, "render_to_string", counting)

        def registered(user: Any) -> str:
            page = client_for(user).get(reverse("reporting:report"), HTTP_ACCEPT_LANGUAGE="en")
            html = page.content.decode()
            found = re.search(
                r'class="stat">([^<]*)</span> <span class="stat-label">questions reg', html
            )
            assert found, html[:500]
            return found.group(1)

        assert registered(world.advisor_a) == "4"
        assert registered(world.advisor_b) == "1"  # another scope: its own body
        assert registered(world.coordinator) == "5"
        assert registered(world.advisor_a) == "4"
        assert len(drawn) == 3  # the fourth page reused the first body

    def test_out_of_date_figures_recomputed_by_one_reader(
        self, world: Any, client_for: Any, monkeypatch: Any
    ) -> None:
        from django.core.cache import cache

        from digihub.reporting import views
        from digihub.reporting.forms import ReportForm

        client = client_for(world.coordinator)
        xlsx = reverse("reporting:download", args=["xlsx"])
        assert _registered(client.get(xlsx)) == 5
        _question(world, world.company_y, world.advisor_b)
        later = timezone.now() + dt.timedelta(seconds=61)
        monkeypatch.setattr(views.timezone, "now", lambda: later)
        busy = views._cache_key(world.coordinator, ReportForm(None)) + ":busy"
        cache.add(busy, 1)  # another reader is recomputing: this one keeps the dated figures
        assert _registered(client.get(xlsx)) == 5
        cache.delete(busy)
        assert _registered(client.get(xlsx)) == 6  # this reader recomputes
        assert cache.get(busy) is None


@pytest.mark.django_db(transaction=True)
def test_all_figures_come_from_one_snapshot(people: Any) -> None:
    """Outside any transaction the report opens a read-only REPEATABLE READ one on PostgreSQL;
    on SQLite it takes no write lock."""
    from django.db import connection

    seen: list[tuple[bool, str]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((connection.in_atomic_block, sql))
        return execute(sql, params, many, context)

    assert not connection.in_atomic_block
    with connection.execute_wrapper(record):
        compute_figures(on=timezone.localdate())
    assert len(seen) > 3  # the figures read from the report facts in a few queries
    if connection.vendor == "postgresql":
        assert seen[0][1].startswith("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        assert all(inside for inside, _sql in seen)
    else:
        assert not any("BEGIN" in sql for _inside, sql in seen)
