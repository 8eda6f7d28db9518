"""The benchmark generator at a tiny scale, on PostgreSQL: it fills every table consistently."""

from __future__ import annotations

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
    from django.utils import timezone

    from digihub.reporting.figures import compute_figures
    from digihub.trajectories.models import Trajectory

    trajectories = Trajectory.objects.count()
    assert trajectories == counts["trajectories"] > 0
    figures = compute_figures(on=timezone.localdate())
    assert (
        sum(figures.phases.values()) == trajectories
    )  # every trajectory in exactly one phase today
    from digihub.accounts.models import User

    client.force_login(User.objects.get(email="advisor1@bench.digihub.be"))
    assert client.get("/trajectories/?phase=execution").status_code == 200
