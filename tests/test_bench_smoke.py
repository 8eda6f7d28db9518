"""The benchmark generator at a tiny scale, on PostgreSQL: it fills every table consistently."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection


@pytest.mark.postgres
@pytest.mark.django_db
def test_generator_fills_a_consistent_network(client: Any, monkeypatch: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the generator uses PostgreSQL's generate_series")
    from bench import generate

    monkeypatch.setattr(generate, "COMPANIES_PER_HUB", 40)
    generate.reference_data(2)
    counts = generate.big_tables(2)
    assert counts["companies"] == 80 and counts["questions"] == 104
    import dataclasses

    from django.core.management import call_command
    from django.utils import timezone

    from digihub.reporting.figures import ReportFilters, compute_figures, compute_figures_direct
    from digihub.trajectories.models import Trajectory

    trajectories = Trajectory.objects.count()
    assert trajectories == counts["trajectories"] > 0
    # The tables were written in SQL: the report facts follow in one rebuild, as generate.main does.
    call_command("rebuild_report_facts")
    call_command("rebuild_report_facts", "--check")
    today = timezone.localdate()
    figures = compute_figures(on=today)
    assert (
        sum(figures.phases.values()) == trajectories
    )  # every trajectory in exactly one phase today
    hub = Trajectory.objects.values_list("hub_id", flat=True).first()
    for filters in (ReportFilters(), ReportFilters(hub=hub)):
        for on in (today, today - dt.timedelta(days=200)):
            assert dataclasses.asdict(
                compute_figures(on=on, filters=filters, start=on - dt.timedelta(days=90))
            ) == dataclasses.asdict(
                compute_figures_direct(on=on, filters=filters, start=on - dt.timedelta(days=90))
            )
            assert dataclasses.asdict(
                compute_figures(on=on, filters=filters)
            ) == dataclasses.asdict(compute_figures_direct(on=on, filters=filters))
    from digihub.accounts.models import User

    client.force_login(User.objects.get(email="advisor1@bench.digihub.be"))
    assert client.get("/trajectories/?phase=execution").status_code == 200
