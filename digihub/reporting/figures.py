"""The figures of the "stand van zaken": every number is an aggregate computed by the database.

``compute_figures`` runs a fixed number of queries whatever the number of rows; lead-time
percentiles use ``percentile_cont`` on PostgreSQL and an ordered offset on SQLite.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Aggregate, Count, F, FloatField, Func, Q, QuerySet, Sum
from django.utils import timezone

from digihub.companies.models import Company
from digihub.core.money import ZERO
from digihub.funding.models import EntryKind, LedgerEntry, PaymentRequest
from digihub.funding.selectors import sme_contributions
from digihub.intake.models import Question
from digihub.intake.selectors import reach_counts
from digihub.network.models import KnowledgePartner
from digihub.trajectories.models import Advice, Phase, Survey, Trajectory
from digihub.trajectories.selectors import end_of_day, phase_counts_on


@dataclass(frozen=True)
class ReportFilters:
    hub: int | None = None
    chamber: int | None = None
    province: int | None = None
    partner: int | None = None
    theme: int | None = None

    def trajectories(self, qs: QuerySet[Trajectory]) -> QuerySet[Trajectory]:
        conditions = {
            "hub_id": self.hub,
            "chamber_id": self.chamber,
            "company__province_id": self.province,
            "partner_id": self.partner,
            "themes": self.theme,
        }
        return qs.filter(**{k: v for k, v in conditions.items() if v is not None})

    def questions(self, qs: QuerySet[Question]) -> QuerySet[Question]:
        conditions = {
            "hub_id": self.hub,
            "chamber_id": self.chamber,
            "company__province_id": self.province,
            "themes": self.theme,
        }
        qs = qs.filter(**{k: v for k, v in conditions.items() if v is not None})
        if self.partner is not None:
            qs = qs.filter(Q(chosen_partner_id=self.partner) | Q(passed_on_by_id=self.partner))
        return qs

    def entries(self, qs: QuerySet[LedgerEntry]) -> QuerySet[LedgerEntry]:
        conditions = {
            "hub_id": self.hub,
            "hub__chamber_id": self.chamber,
            "company__province_id": self.province,
        }
        return qs.filter(**{k: v for k, v in conditions.items() if v is not None})

    @property
    def is_empty(self) -> bool:
        return all(
            v is None for v in (self.hub, self.chamber, self.province, self.partner, self.theme)
        )


@dataclass(frozen=True)
class LeadTime:
    label: str
    count: int
    median: float | None
    p90: float | None


@dataclass
class Figures:
    on: dt.date
    start: dt.date | None
    end: dt.date | None
    reach: dict[str, int]
    phases: dict[str, int]
    started: int
    completed: int
    stopped: int
    funding: list[dict[str, Any]]
    sme_requested: Decimal
    sme_paid: Decimal
    by_province: list[dict[str, Any]]
    by_section: list[dict[str, Any]]
    by_size: list[dict[str, Any]]
    advice_count: int
    advice_themes: list[dict[str, Any]]
    advice_list: list[dict[str, Any]]
    lead_times: list[LeadTime]
    partners: list[dict[str, Any]]
    satisfaction: dict[str, Any]
    totals: dict[str, Decimal] = field(default_factory=dict)

    @property
    def guided_by_partner(self) -> int:
        return self.reach.get("decision_trajectory", 0)

    @property
    def referred(self) -> int:
        return self.reach.get("decision_no_trajectory", 0)


class DaysBetween(Func):
    """``end - start`` in days, as a float, on PostgreSQL and SQLite."""

    output_field = FloatField()

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    def as_sql(self, compiler: Any, conn: Any, **extra: Any) -> Any:  # type: ignore[override]
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        if conn.vendor == "postgresql":
            return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 86400.0)", (
                *end_params,
                *start_params,
            )
        return f"(julianday({end}) - julianday({start}))", (*end_params, *start_params)


class Percentile(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float) -> None:
        super().__init__(expression, fraction=fraction)


def _percentiles(qs: QuerySet[Any], expression: Any) -> tuple[int, float | None, float | None]:
    rows = qs.annotate(days=expression).filter(days__isnull=False)
    if connection.vendor == "postgresql":
        result = rows.aggregate(
            n=Count("pk"), median=Percentile("days", 0.5), p90=Percentile("days", 0.9)
        )
        return result["n"], result["median"], result["p90"]
    n = rows.count()
    if n == 0:
        return 0, None, None
    values = rows.order_by("days").values_list("days", flat=True)

    def at(fraction: float) -> float:
        # Linear interpolation between the two neighbouring ranks, as percentile_cont does.
        position = fraction * (n - 1)
        low = int(position)
        pair = list(values[low : low + 2])
        if len(pair) == 1:
            return float(pair[0])
        return float(pair[0]) + (float(pair[1]) - float(pair[0])) * (position - low)

    return n, at(0.5), at(0.9)


def _rollup(groups: list[dict[str, Any]], key: str, label: str) -> list[dict[str, Any]]:
    totals: dict[Any, int] = {}
    for row in groups:
        totals[row[key]] = totals.get(row[key], 0) + row["n"]
    rows = [{label: value, "n": n} for value, n in totals.items()]
    rows.sort(key=lambda row: (-row["n"], row[label] or ""))
    return rows


@contextmanager
def one_snapshot() -> Iterator[None]:
    """Every figure read from the same state of the database, so that they add up while
    people keep working during the seconds a large report takes.

    On PostgreSQL a read-only REPEATABLE READ transaction. Not on SQLite: its transactions
    begin IMMEDIATE here (for safe concurrent writes), which would hold off every writer for
    the length of the report; the embedded default computes its report in milliseconds.
    Inside a transaction the caller opened, that transaction's snapshot rules."""
    if connection.in_atomic_block or connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def compute_figures(
    *,
    on: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
    filters: ReportFilters | None = None,
    trajectories: QuerySet[Trajectory] | None = None,
    questions: QuerySet[Question] | None = None,
    entries: QuerySet[LedgerEntry] | None = None,
) -> Figures:
    """The report for day ``on`` (cumulative) and, when given, the period ``start``–``end``.

    ``trajectories``/``questions``/``entries`` are the rows the reader may see (the permission
    rule applied by the caller); ``filters`` narrows them further."""
    with one_snapshot():
        return _figures(
            on=on,
            start=start,
            end=end,
            filters=filters or ReportFilters(),
            trajectories=trajectories,
            questions=questions,
            entries=entries,
        )


def _figures(
    *,
    on: dt.date,
    start: dt.date | None,
    end: dt.date | None,
    filters: ReportFilters,
    trajectories: QuerySet[Trajectory] | None,
    questions: QuerySet[Question] | None,
    entries: QuerySet[LedgerEntry] | None,
) -> Figures:
    moment = end_of_day(on)
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min)) if start else None
    until = end_of_day(min(end, on)) if end else moment
    trajectories = filters.trajectories(
        trajectories if trajectories is not None else Trajectory.objects.all()
    )
    questions = filters.questions(questions if questions is not None else Question.objects.all())
    entries = filters.entries(entries if entries is not None else LedgerEntry.objects.all())

    reach = reach_counts(on=on, start=start, end=end, questions=questions)
    phases = phase_counts_on(on, trajectories=trajectories)
    window = Q(started_at__lt=until) & (Q(started_at__gte=since) if since else Q())
    moved = trajectories.aggregate(
        started=Count("pk", filter=window),
        completed=Count(
            "pk", filter=Q(completed_at__lt=until) & (Q(completed_at__gte=since) if since else Q())
        ),
        stopped=Count(
            "pk", filter=Q(stopped_at__lt=until) & (Q(stopped_at__gte=since) if since else Q())
        ),
    )

    booked = entries.filter(booked_on__lte=on)
    funding_rows = list(
        booked.values(
            "source__code", "source__name_nl", "source__is_subsidy", "project_type__number"
        )
        .annotate(
            commit=Sum("amount", filter=Q(kind=EntryKind.COMMIT), default=ZERO),
            release=Sum("amount", filter=Q(kind=EntryKind.RELEASE), default=ZERO),
            spent=Sum("amount", filter=Q(kind=EntryKind.SPEND), default=ZERO),
        )
        .order_by("project_type__number", "source__code")
    )
    funding = [
        {
            "type": r["project_type__number"],
            "source": r["source__code"],
            "source_name": r["source__name_nl"],
            "is_subsidy": r["source__is_subsidy"],
            "committed": r["commit"] - r["release"],
            "spent": r["spent"],
        }
        for r in funding_rows
    ]
    payments = PaymentRequest.objects.filter(
        created_at__lt=moment,
        company__in=Company.objects.filter(pk__in=trajectories.values("company_id")),
    )
    paid = sme_contributions(payments, moment)

    reached = questions.filter(
        registered_at__lt=until, **({"registered_at__gte": since} if since else {})
    )
    # One pass over the companies reached (a semi-join, so each company counts once), grouped
    # by all three traits; each company sits in exactly one group, so the per-trait totals
    # below are exact sums of those few hundred group counts.
    groups = list(
        Company.objects.filter(pk__in=reached.values("company_id"))
        .values("province__name_nl", "nace_section", "size_class")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_province = _rollup(groups, "province__name_nl", "name")
    by_section = _rollup(groups, "nace_section", "section")
    by_size = _rollup(groups, "size_class", "size")

    advice = Advice.objects.filter(trajectory__in=trajectories, delivered_on__lte=on)
    if start:
        advice = advice.filter(delivered_on__gte=start)
    advice_count = advice.count()
    advice_themes = list(
        advice.exclude(trajectory__themes__isnull=True)
        .values(theme=F("trajectory__themes__name_nl"))
        .annotate(n=Count("pk"))
        .order_by("-n", "theme")
    )
    advice_list = [
        dict(row)
        for row in (
            advice.order_by("-delivered_on", "-pk").values(
                "delivered_on",
                "kind",
                ref=F("trajectory__reference"),
                company=F("trajectory__company__name"),
                partner=F("trajectory__partner__short_name"),
            )[:20]
        )
    ]

    lead = []
    done_by = trajectories.filter(quote_signed_at__lt=moment)
    for label, qs, expression in (
        (
            "first_contact_to_signed",
            done_by.filter(question__isnull=False),
            DaysBetween(F("quote_signed_at"), F("question__registered_at")),
        ),
        (
            "signed_to_completed",
            trajectories.filter(completed_at__lt=moment),
            DaysBetween(F("completed_at"), F("quote_signed_at")),
        ),
        (
            "first_contact_to_completed",
            trajectories.filter(completed_at__lt=moment, question__isnull=False),
            DaysBetween(F("completed_at"), F("question__registered_at")),
        ),
    ):
        n, median, p90 = _percentiles(qs, expression)
        lead.append(LeadTime(label, n, median, p90))

    # Load per partner, grouped over the trajectories themselves (one pass), then named.
    load_rows = {
        row["partner_id"]: row
        for row in trajectories.order_by()
        .values("partner_id")
        .annotate(
            running=Count("pk", filter=Q(phase__in=[Phase.QUOTE, Phase.EXECUTION])),
            backlog=Count("pk", filter=Q(phase=Phase.STARTUP)),
            done=Count("pk", filter=Q(phase=Phase.COMPLETED)),
        )
    }
    partners = [
        {**partner, **{k: load_rows[partner["pk"]][k] for k in ("running", "backlog", "done")}}
        for partner in KnowledgePartner.objects.filter(pk__in=list(load_rows)).values(
            "pk", "short_name", "capacity"
        )
    ]
    partners.sort(key=lambda row: (-row["running"], row["short_name"]))
    for row in partners:
        row["load"] = (Decimal(row["running"]) / row["capacity"]) if row["capacity"] else ZERO
    scores = Survey.objects.filter(trajectory__in=trajectories, answered_at__lt=moment).aggregate(
        total=Sum("score"), n=Count("pk")
    )
    satisfaction = {
        "answers": scores["n"],
        "average": (scores["total"] / scores["n"]) if scores["n"] else None,
    }

    totals = {
        "committed": sum((row["committed"] for row in funding), ZERO),
        "spent": sum((row["spent"] for row in funding), ZERO),
        "subsidy_committed": sum((row["committed"] for row in funding if row["is_subsidy"]), ZERO),
    }
    return Figures(
        on=on,
        start=start,
        end=end,
        reach=reach,
        phases=phases,
        started=moved["started"],
        completed=moved["completed"],
        stopped=moved["stopped"],
        funding=funding,
        sme_requested=paid["requested"],
        sme_paid=paid["paid"],
        by_province=by_province,
        by_section=by_section,
        by_size=by_size,
        advice_count=advice_count,
        advice_themes=advice_themes,
        advice_list=advice_list,
        lead_times=lead,
        partners=partners,
        satisfaction=satisfaction,
        totals=totals,
    )
