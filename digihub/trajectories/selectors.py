"""Reads for workspaces and reports; counting is done by the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.timesince import TIME_STRINGS, timesince

from digihub.core.access import visible
from digihub.core.money import ZERO
from digihub.funding.models import PaymentRequest

from .models import Phase, PhaseSpan, Place, Quote, Session, Trajectory


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


def partner_load(partner: Any) -> dict[str, int]:
    running = Trajectory.objects.filter(
        partner=partner, phase__in=[Phase.QUOTE, Phase.EXECUTION]
    ).count()
    return {"running": running, "capacity": partner.capacity}


def quote_payment(user: Any, quote: Quote) -> PaymentRequest | None:
    """The SME's share requested when ``quote`` was signed, if ``user`` may see it."""
    return (
        visible(user, PaymentRequest)
        .filter(document_type=ContentType.objects.get_for_model(Quote), document_id=str(quote.pk))
        .select_related("payee", "company")
        .order_by("-created_at", "-pk")
        .first()
    )


def sme_share(trajectory: Trajectory) -> Decimal:
    """What the SME was asked to pay for the quotes of ``trajectory``, in one query."""
    quote_ids = Quote.objects.filter(trajectory_id=trajectory.pk).values(
        key=Cast("pk", CharField())
    )
    return PaymentRequest.objects.filter(
        document_type=ContentType.objects.get_for_model(Quote), document_id__in=quote_ids
    ).aggregate(total=Sum("amount", default=ZERO))["total"]


class _Unit:
    """One unit as ``timesince`` writes it ("3 weeks"), translated once per number instead of
    once per row."""

    def __init__(self, lazy: Any) -> None:
        self.lazy = lazy
        self.done: dict[int, str] = {}

    def __mod__(self, values: dict[str, int]) -> str:
        number = values["num"]
        text = self.done.get(number)
        if text is None:
            text = self.done[number] = self.lazy % values
        return text


class TableRows:
    """The rows of the trajectory tables as their templates read them, for one page.

    Each row is a dict of the columns asked for (name in the template: field), read as values
    instead of model instances (100 trajectories with their company and partner: 3 ms of CPU
    instead of 9), which the templates also look up faster. A trajectory's row also has
    ``phase_label`` and ``since``, the texts of ``get_phase_display`` and of the ``timesince``
    filter: both translate on every call (the phase label even every choice), here once per
    label and number of the page."""

    def __init__(self) -> None:
        self.phases = {code: str(label) for code, label in Phase.choices}
        self.places = {code: str(label) for code, label in Place.choices}
        self.units = {name: _Unit(lazy) for name, lazy in TIME_STRINGS.items()}
        self.now = timezone.now()

    def since(self, moment: dt.datetime | None) -> str:
        """``moment|timesince``: the time from ``moment`` until now ("2 weeks, 3 days")."""
        if not moment:
            return ""
        try:
            return timesince(moment, self.now, time_strings=self.units)  # type: ignore[arg-type]
        except (ValueError, TypeError):
            return ""

    def trajectories(
        self, rows: QuerySet[Trajectory] | Iterable[tuple[Any, ...]], columns: Mapping[str, str]
    ) -> list[dict[str, Any]]:
        """``columns`` of each trajectory of ``rows`` (a query, or its rows read as
        ``values_list(*columns.values())``), with ``phase`` and ``phase_changed_at`` among them;
        then its phase's label and the time since it entered that phase."""
        shown = _read(rows, columns)
        for row in shown:
            row["phase_label"] = self.phases.get(row["phase"], row["phase"])
            row["since"] = self.since(row["phase_changed_at"])
        return shown

    def sessions(self, rows: QuerySet[Session], columns: Mapping[str, str]) -> list[dict[str, Any]]:
        """``columns`` of each session of ``rows`` (with ``place`` among them), then its place's
        label."""
        shown = _read(rows, columns)
        for row in shown:
            row["place_label"] = self.places.get(row["place"], row["place"])
        return shown


def _read(
    rows: QuerySet[Any] | Iterable[tuple[Any, ...]], columns: Mapping[str, str]
) -> list[dict[str, Any]]:
    if isinstance(rows, QuerySet):
        rows = rows.values_list(*columns.values())
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in rows]
