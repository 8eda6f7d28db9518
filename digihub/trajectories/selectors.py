"""Reads for workspaces and reports; counting is done by the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import Phase, PhaseSpan, Trajectory


def end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def phase_counts_on(
    day: dt.date, trajectories: QuerySet[Trajectory] | None = None, **filters: Any
) -> dict[str, int]:
    """How many trajectories were in each phase at the end of ``day``."""
    moment = end_of_day(day)
    spans = PhaseSpan.objects.filter(entered_at__lt=moment).filter(
        Q(left_at__isnull=True) | Q(left_at__gte=moment)
    )
    if trajectories is not None:
        spans = spans.filter(trajectory__in=trajectories)
    if filters:
        spans = spans.filter(**{f"trajectory__{k}": v for k, v in filters.items()})
    counts = dict.fromkeys(Phase.values, 0)
    for row in spans.values("phase").annotate(n=Count("pk")):
        counts[row["phase"]] = row["n"]
    return counts


def workspace(qs: QuerySet[Trajectory]) -> QuerySet[Trajectory]:
    return qs.select_related("company", "partner", "advisor", "hub").order_by(
        "phase_changed_at", "pk"
    )
