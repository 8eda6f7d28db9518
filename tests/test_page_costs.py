"""What the busy pages cost: the same figures from fewer queries, and the query counts pinned so
a change that adds a query per row shows up here before it shows up at the network's scale."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from digihub.assessments import kpi
from digihub.core.access import visible
from digihub.trajectories.models import Trajectory

from .test_kpi_export import run, scene  # noqa: F401  (the fixture)
from .test_report_facts import world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("english")


def _periods() -> list[kpi.Period]:
    today = timezone.localdate()
    return [
        kpi.Period.default(),
        kpi.Period(today - dt.timedelta(days=400), today - dt.timedelta(days=1)),
        kpi.Period(today, today),
        kpi.Period(today + dt.timedelta(days=1), today + dt.timedelta(days=30)),
    ]


@pytest.mark.django_db
def test_the_reports_maturity_summary_equals_the_full_kpis(scene: Any) -> None:  # noqa: F811
    # One company with trajectories at two partners: distinct counts must not count it twice.
    run(scene.company_x, scene.advisor_a, scene.partner_q, "investment", False)
    for user in (scene.coordinator, scene.advisor_a, scene.advisor_b, scene.partner_p):
        for period in _periods():
            full = kpi.compute(visible(user, Trajectory), period)
            summary = kpi.maturity_summary(visible(user, Trajectory), period)
            assert (
                summary.customers,
                summary.t0_customers,
                summary.t0_rate,
                summary.completed,
                summary.t1_completed,
                summary.t1_coverage,
                list(summary.change),
            ) == (
                full.customers,
                full.t0_customers,
                full.t0_rate,
                full.completed,
                full.t1_completed,
                full.t1_coverage,
                full.change,
            ), (user.role, period)
    everything = kpi.maturity_summary(visible(scene.coordinator, Trajectory), _periods()[0])
    assert (everything.customers, everything.t0_customers, everything.completed) == (3, 3, 1)
    with CaptureQueriesContext(connection) as captured:
        kpi.maturity_summary(visible(scene.coordinator, Trajectory), _periods()[0])
    assert len(captured) == 2


@pytest.mark.django_db
def test_the_to_do_list_reads_one_page_most_pressing_first(
    people: Any, client_for: Any, monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    from django.urls import reverse

    from digihub.inbox import views as inbox_views
    from digihub.inbox.selectors import items_for
    from digihub.intake.models import Question

    from .test_inbox import _register

    monkeypatch.setattr(inbox_views, "PER_PAGE", 3)
    for i in range(5):
        q = _register(people, f"sam{i}@x.example")
        # Registered in one order, due in another: the page follows the due dates.
        Question.objects.filter(pk=q.pk).update(
            last_activity_at=timezone.now() - dt.timedelta(days=(i * 7) % 5)
        )
    everything = items_for(people.advisor_a)
    assert len(everything) == 5
    assert [i.due for i in everything] == sorted(i.due for i in everything)
    client = client_for(people.advisor_a)
    with django_assert_max_num_queries(16):
        first = client.get(reverse("inbox:index")).content.decode()
    second = client.get(reverse("inbox:index") + "?page=2").content.decode()
    assert "5 things await you" in first and "5 things await you" in second
    shown = [
        subject
        for html in (first, second)
        for subject in re.findall(r'class="todo-subject">([^<]+)<', html)
    ]
    assert shown == [i.subject for i in everything]
    assert first.count('data-kind="new_question"') == 3 and "page=2" in first
    assert second.count('data-kind="new_question"') == 2
    assert items_for(people.advisor_a, first=2) == everything[:2]


@pytest.mark.django_db
def test_report_facts_count_a_company_once_under_partial_filters(world: Any) -> None:  # noqa: F811
    """One company with two questions: trajectories at two partners with different themes, and
    the second question answered by another hub of another chamber (as when a company is
    passed on). Every filter counts the company once, as the direct computation does."""
    from digihub.intake.models import Question
    from digihub.network.models import Hub
    from digihub.reporting import facts
    from digihub.reporting.figures import ReportFilters, compute_figures

    from .test_report_facts import _apply, _same

    for op in [
        ("register", 0),
        ("register", 0),
        ("take", 0),
        ("take", 1),
        ("talk", 0),
        ("talk", 1),
        ("decide", 0, "trajectory"),
        ("decide", 1, "trajectory"),
        ("partner", 1),
        ("theme", 0, 0),
        ("theme", 1, 2),
    ]:
        _apply(world, op)
    company = world.companies[0]
    company.refresh_from_db()
    other = Hub.objects.exclude(chamber_id=company.chamber_id).order_by("pk").first()
    assert other is not None
    second = Question.objects.get(pk=world.questions[1])
    Question.objects.filter(pk=second.pk).update(hub=other, chamber_id=other.chamber_id)
    facts.rebuild()
    today = timezone.localdate()
    people = world.people
    for filters in (
        ReportFilters(partner=people.partner_p.partner_id),
        ReportFilters(partner=people.partner_q.partner_id),
        ReportFilters(theme=world.themes[0].pk),
        ReportFilters(theme=world.themes[2].pk),
        ReportFilters(province=company.province_id),
        ReportFilters(chamber=company.chamber_id),
        ReportFilters(chamber=other.chamber_id),
        ReportFilters(hub=other.pk),
    ):
        _same(today, filters=filters)
    by_province = compute_figures(on=today, filters=ReportFilters(province=company.province_id))
    assert by_province.reach["companies"] == 1


BUSY_PAGES = [
    ("advisor_a", "/questions/?tab=all"),
    ("advisor_a", "/trajectories/?phase=execution"),
    ("advisor_a", "detail"),
    ("partner_p", "/trajectories/partner/"),
    ("coordinator", "/funding/"),
    ("coordinator", "/reports/"),
    ("advisor_a", "/todo/"),
]
# Queries per page at most (and the same with more rows): a page that starts to run a query per
# row shows up here, long before it shows up at the network's scale.
MOST_QUERIES = {
    "/questions/?tab=all": 9,
    "/trajectories/?phase=execution": 11,
    "detail": 23,
    "/trajectories/partner/": 10,
    "/funding/": 16,
    "/reports/": 56,
    "/todo/": 14,
}


def _page_queries(people: Any, client_for: Any, detail: int) -> dict[str, int]:
    counts = {}
    for who, path in BUSY_PAGES:
        url = f"/trajectories/{detail}/" if path == "detail" else path
        client = client_for(getattr(people, who))
        client.get(url)  # sessions, caches and lazy settings settle on the first request
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts[path] = len(captured)
    return counts


@pytest.mark.django_db
def test_busy_pages_run_a_fixed_number_of_queries(scene: Any, client_for: Any) -> None:  # noqa: F811
    few = _page_queries(scene, client_for, scene.tx.pk)
    for company in (scene.town, scene.company_x):
        run(company, scene.advisor_a, scene.partner_p, "test_before_invest", False)
    many = _page_queries(scene, client_for, scene.tx.pk)
    assert many == few
    assert all(many[path] <= most for path, most in MOST_QUERIES.items()), sorted(many.items())


@pytest.mark.django_db
def test_budgets_near_their_limit_are_summed_once_per_cache_period(
    people: Any, settings: Any
) -> None:
    """The coordinator's menu counts budgets near their limit on every page: the ledger is summed
    once per report cache period and scope, not per page."""
    from django.core.cache import cache

    from digihub.funding import demo as funding_demo
    from digihub.inbox.selectors import budgets_near_limit, count_for

    funding_demo.build()
    settings.DIGIHUB_REPORT_CACHE_SECONDS = 60
    cache.clear()
    first = budgets_near_limit(people.coordinator)
    with CaptureQueriesContext(connection) as captured:
        again = budgets_near_limit(people.coordinator)
        count_for(people.coordinator)
    assert again == first
    assert not any("funding_ledgerentry" in q["sql"] for q in captured.captured_queries)
    cache.clear()


@pytest.mark.django_db
def test_the_budget_dashboard_reads_the_ledger_sums_from_the_facts(world: Any) -> None:  # noqa: F811
    """Commitments, releases (a completion below the quote) and spending booked by the services:
    the overview from the report facts equals the one summed from the ledger, for the network
    and for each hub, in a fixed number of queries."""
    from digihub.funding.models import Programme
    from digihub.funding.selectors import budget_overview
    from digihub.network.models import Hub

    from .test_report_facts import _apply

    for op in [
        ("register", 0),
        ("register", 2),
        ("take", 0),
        ("take", 1),
        ("decide", 0, "trajectory"),
        ("decide", 1, "trajectory"),
        ("sign", 0, "4321.07"),
        ("sign", 1, "1000"),
        ("complete", 0, "0.5"),
    ]:
        _apply(world, op)

    def rows(overview: Any) -> list[tuple[Any, ...]]:
        return [
            (r.project_type.pk, r.source_code, r.budget, r.committed, r.spent)
            for r in overview.rows
        ]

    for programme in Programme.objects.all():
        direct = budget_overview(programme=programme)
        assert rows(budget_overview(programme=programme, from_facts=True)) == rows(direct)
        assert any(r.committed for r in direct.rows) or programme.end < timezone.localdate()
        for hub in Hub.objects.all():
            one = Hub.objects.filter(pk=hub.pk)
            assert rows(budget_overview(programme=programme, hubs=one, from_facts=True)) == rows(
                budget_overview(programme=programme, hubs=one)
            )


@pytest.mark.django_db
def test_the_matching_replay_gives_the_same_figures_for_the_same_seed(network: Any) -> None:
    from digihub.matching.evaluation import evaluate_generated

    first = evaluate_generated(decisions=40, partners=6, seed=5)["knowledge"]
    again = evaluate_generated(decisions=40, partners=6, seed=5)["knowledge"]
    assert (first.decisions, first.clear, first.clear_top1, first.clear_top3) == (
        again.decisions,
        again.clear,
        again.clear_top1,
        again.clear_top3,
    )


@pytest.mark.django_db
def test_the_planner_knows_an_advisor_determines_the_chamber() -> None:
    """Without it the to-do list read and sorted all of an advisor's open trajectories."""
    if connection.vendor != "postgresql":
        pytest.skip("extended statistics are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT stxkind FROM pg_statistic_ext WHERE stxname = 'trajectory_chamber_advisor'"
        )
        row = cursor.fetchone()
    assert row is not None and "f" in row[0]  # f: functional dependencies
