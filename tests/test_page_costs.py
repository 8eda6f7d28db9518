"""What the busy pages cost: the same figures from fewer queries, and the query counts pinned so
a change that adds a query per row shows up here before it shows up at the network's scale."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from digihub.assessments import kpi
from digihub.core.access import visible
from digihub.trajectories.models import Trajectory

from .test_kpi_export import run, scene  # noqa: F401  (the fixture)

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
