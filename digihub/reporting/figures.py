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
from django.db.models.functions import TruncDate
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
    """Calendar days from ``start`` to ``end`` (their days in the platform's time zone), on
    PostgreSQL and SQLite — what the report facts count (``facts.whole_days``)."""

    output_field = FloatField()

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(TruncDate(end), TruncDate(start))

    def as_sql(self, compiler: Any, conn: Any, **extra: Any) -> Any:  # type: ignore[override]
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        params = (*end_params, *start_params)
        if conn.vendor == "postgresql":
            return f"(({end}) - ({start}))", params
        return f"(julianday({end}) - julianday({start}))", params


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
    reader: Any = None,
) -> Figures:
    """The report for day ``on`` (cumulative) and, when given, the period ``start``–``end``.

    With ``reader`` (the report's rule: the network, or an advisor's own chamber) or without
    any rows given, the figures are read from the report facts (``digihub.reporting.facts``).
    ``trajectories``/``questions``/``entries`` without ``reader`` are arbitrary rows the caller
    chose: those figures are computed from the source tables (``compute_figures_direct``).
    ``filters`` narrows either further."""
    if reader is not None or (trajectories is None and questions is None and entries is None):
        with one_snapshot():
            return figures_from_facts(
                on=on,
                start=start,
                end=end,
                filters=filters or ReportFilters(),
                chamber=reader_chamber(reader),
            )
    return compute_figures_direct(
        on=on,
        start=start,
        end=end,
        filters=filters,
        trajectories=trajectories,
        questions=questions,
        entries=entries,
    )


def compute_figures_direct(
    *,
    on: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
    filters: ReportFilters | None = None,
    trajectories: QuerySet[Trajectory] | None = None,
    questions: QuerySet[Question] | None = None,
    entries: QuerySet[LedgerEntry] | None = None,
) -> Figures:
    """The same figures computed from the source tables (scans; the reference the facts are
    checked against)."""
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


# --- The same figures read from the report facts -------------------------------------------


def reader_chamber(reader: Any) -> int | None:
    """The chamber an advisor's report is limited to; None for the network-wide readers."""
    from digihub.accounts.roles import Role

    if reader is None or getattr(reader, "is_network_wide", False):
        return None
    if getattr(reader, "role", None) == Role.ADVISOR:
        return int(reader.chamber_id or -1)
    return -1  # no rows (the views refuse such readers before)


def _slots(filters: ReportFilters, chamber: int | None, *, ledger: bool = False) -> Q | None:
    """The fact rows answering these filters for this reader; None when nothing can match."""
    wanted_chamber, reader = filters.chamber, 0
    if chamber is not None:
        if ledger:
            reader = chamber
        elif wanted_chamber is not None and wanted_chamber != chamber:
            return None
        else:
            wanted_chamber = chamber
    real = {
        k: v
        for k, v in (
            ("hub", filters.hub),
            ("chamber", wanted_chamber),
            ("province", filters.province),
        )
        if v is not None
    }
    q = (~Q(hub=0) & Q(**real)) if real else Q(hub=0, chamber=0, province=0)
    if ledger:
        return q & Q(partner=0, theme=0, reader=reader)
    if real and filters.hub is None:
        from .facts import DISTINCT_MEASURES

        # Distinct companies: the chamber or province row counts a company once, the real rows
        # once per hub it asked in (``facts.partial_slots``).
        partial = Q(hub=0, chamber=real.get("chamber", 0), province=real.get("province", 0)) & Q(
            measure__in=DISTINCT_MEASURES
        )
        q = (q & ~Q(measure__in=DISTINCT_MEASURES)) | partial
    return q & Q(theme=filters.theme or 0, reader=0)


def _decode(value: str) -> str | None:
    return value[1:] if value else None


def _percentile(histogram: list[tuple[int, int]], n: int, fraction: float) -> float:
    """``percentile_cont`` over a sorted histogram of (value, count)."""
    position = fraction * (n - 1)
    low = int(position)

    def at(rank: int) -> int:
        seen = 0
        for value, count in histogram:
            seen += count
            if rank < seen:
                return value
        return histogram[-1][0]

    first = float(at(low))
    if low + 1 >= n:
        return first
    return first + (float(at(low + 1)) - first) * (position - low)


def figures_from_facts(
    *,
    on: dt.date,
    start: dt.date | None,
    end: dt.date | None,
    filters: ReportFilters,
    chamber: int | None,
) -> Figures:
    from digihub.funding.models import FundingSource, ProjectType
    from digihub.intake.models import Channel, Decision, Route
    from digihub.network.models import Province, Theme

    from .facts import LEDGER_MEASURES
    from .models import NO_ORIGIN, ReportFact

    first = start or NO_ORIGIN + dt.timedelta(days=1)
    last = min(end, on) if end else on
    slots = _slots(filters, chamber)
    sums: dict[tuple[str, str], dict[str, int]] = {}
    load: dict[int, dict[str, int]] = {}
    if slots is not None:
        rows = (
            ReportFact.objects.filter(slots, partner=filters.partner or 0, day__lte=on)
            .exclude(measure__in=LEDGER_MEASURES)
            .values("measure", "key")
            .annotate(
                c_on=Sum("n"),
                c_on_cents=Sum("cents"),
                c_last=Sum("n", filter=Q(day__lte=last)),
                window=Sum("n", filter=Q(day__gte=first, day__lte=last)),
                after=Sum("n", filter=Q(day__gte=first)),
                first_in=Sum("n", filter=Q(day__gte=first, day__lte=last, origin__lt=first)),
                taken_back=Sum("n", filter=Q(day__lte=last, origin__gte=first)),
            )
            .order_by()
        )
        sums = {
            (r["measure"], r["key"]): {
                k: int(v or 0) for k, v in r.items() if k not in ("measure", "key")
            }
            for r in rows
        }
        partner_slot = Q(partner=filters.partner) if filters.partner else ~Q(partner=0)
        for r in (
            ReportFact.objects.filter(slots & partner_slot, measure="cur")
            .values("partner", "key")
            .annotate(n=Sum("n"))
            .order_by()
        ):
            load.setdefault(r["partner"], {})[r["key"]] = int(r["n"] or 0)

    def total(measure: str, column: str, key: str | None = None) -> int:
        return sum(
            v[column] for (m, k), v in sums.items() if m == measure and (key is None or k == key)
        )

    def decided(key: str | None, prefix: str = "dec") -> int:
        return total(f"{prefix}_in", "window", key) - total(f"{prefix}_out", "taken_back", key)

    reach: dict[str, int] = {
        "registered": total("reg", "window"),
        "companies": total("reg_co", "first_in"),
        "outside_target_group": total("outside", "window"),
        **{f"registered_{c}": total("reg", "window", c) for c in Channel.values},
        "conversations": total("conv", "window"),
        "conversation_companies": total("conv_co", "first_in"),
        "follow_ups": total("follow", "window"),
        "decided": decided(None),
        **{f"decision_{d}": decided(d) for d in Decision.values},
        **{f"route_{r}": decided(r, "rt") for r in Route.values},
    }
    standing = total("dec_in", "c_last") - total("dec_out", "c_last")
    reach["open"] = total("reg", "c_last") - standing

    phases = dict.fromkeys(Phase.values, 0)
    for (measure, key), v in sums.items():
        if measure == "ph_in":
            phases[key] = phases.get(key, 0) + v["c_on"]
        elif measure == "ph_out":
            phases[key] = phases.get(key, 0) - v["c_on"]

    # Funding: committed = commitments − releases, per project type number and source.
    ledger_slots = _slots(filters, chamber, ledger=True)
    booked: dict[str, dict[str, int]] = {}
    if ledger_slots is not None:
        for r in (
            ReportFact.objects.filter(ledger_slots, measure__in=LEDGER_MEASURES, day__lte=on)
            .values("measure", "key")
            .annotate(n=Sum("n"), cents=Sum("cents"))
            .order_by()
        ):
            row = booked.setdefault(r["key"], {"n": 0})
            row["n"] += int(r["n"] or 0)
            row[r["measure"]] = row.get(r["measure"], 0) + int(r["cents"] or 0)
    types = dict(ProjectType.objects.values_list("pk", "number"))
    sources = {
        row["pk"]: row
        for row in FundingSource.objects.values("pk", "code", "name_nl", "is_subsidy")
    }
    groups: dict[tuple[Any, ...], dict[str, int]] = {}
    for key, row in booked.items():
        if not row["n"]:
            continue
        type_id, source_id = (int(part) for part in key.split("|"))
        source = sources[source_id]
        group = groups.setdefault(
            (types[type_id], source["code"], source["name_nl"], source["is_subsidy"]),
            {"commit": 0, "release": 0, "spend": 0},
        )
        for kind in ("commit", "release", "spend"):
            group[kind] += row.get(kind, 0)

    def money(value: int) -> Decimal:
        return Decimal(value).scaleb(-2)

    funding = [
        {
            "type": number,
            "source": code,
            "source_name": name,
            "is_subsidy": is_subsidy,
            "committed": money(g["commit"] - g["release"]),
            "spent": money(g["spend"]),
        }
        for (number, code, name, is_subsidy), g in sorted(
            groups.items(), key=lambda item: (item[0][0], item[0][1])
        )
    ]

    # Companies reached, by the company's province, NACE section and size class.
    provinces = dict(Province.objects.values_list("pk", "name_nl"))
    reached: dict[tuple[Any, ...], int] = {}
    for (measure, key), v in sums.items():
        if measure == "reg_co" and v["first_in"]:
            province, section, size = (_decode(part) for part in key.split("|"))
            name = provinces.get(int(province)) if province else None
            group_key = (name, section, size)
            reached[group_key] = reached.get(group_key, 0) + v["first_in"]
    trait_rows = [
        {"province__name_nl": p, "nace_section": s_, "size_class": z, "n": n}
        for (p, s_, z), n in reached.items()
    ]

    theme_names = dict(Theme.objects.values_list("pk", "name_nl"))
    advice_by_theme: dict[str, int] = {}
    for (measure, key), v in sums.items():
        if measure == "adv_th" and v["after"]:
            name = theme_names.get(int(key), "")
            advice_by_theme[name] = advice_by_theme.get(name, 0) + v["after"]
    advice_themes = [
        {"theme": name, "n": n}
        for name, n in sorted(advice_by_theme.items(), key=lambda item: (-item[1], item[0]))
    ]

    lead = []
    for label in ("first_contact_to_signed", "signed_to_completed", "first_contact_to_completed"):
        histogram = sorted(
            (int(key.rsplit(":", 1)[1]), v["c_on"])
            for (measure, key), v in sums.items()
            if measure == "lead" and key.rsplit(":", 1)[0] == label and v["c_on"]
        )
        n = sum(count for _value, count in histogram)
        if n:
            lead.append(
                LeadTime(label, n, _percentile(histogram, n, 0.5), _percentile(histogram, n, 0.9))
            )
        else:
            lead.append(LeadTime(label, 0, None, None))

    partners: list[dict[str, Any]] = []
    names: dict[int, Any] = {
        row["pk"]: row
        for row in KnowledgePartner.objects.filter(
            pk__in=[p for p, counts in load.items() if any(counts.values())]
        ).values("pk", "short_name", "capacity")
    }
    for pk, partner in names.items():
        counts = load[pk]
        partners.append(
            {
                **partner,
                "running": counts.get(Phase.QUOTE, 0) + counts.get(Phase.EXECUTION, 0),
                "backlog": counts.get(Phase.STARTUP, 0),
                "done": counts.get(Phase.COMPLETED, 0),
            }
        )
    partners.sort(key=lambda row: (-row["running"], row["short_name"]))
    for line in partners:
        line["load"] = (Decimal(line["running"]) / line["capacity"]) if line["capacity"] else ZERO

    answers = total("srv", "c_on")
    score = sum(v["c_on_cents"] for (m, _k), v in sums.items() if m == "srv")
    satisfaction = {"answers": answers, "average": (score / answers) if answers else None}

    totals = {
        "committed": sum((row["committed"] for row in funding), ZERO),
        "spent": sum((row["spent"] for row in funding), ZERO),
        "subsidy_committed": sum((row["committed"] for row in funding if row["is_subsidy"]), ZERO),
    }
    pay = {
        m: sum(v["c_on_cents"] for (mm, _k), v in sums.items() if mm == m)
        for m in ("pay_req", "pay_paid")
    }
    return Figures(
        on=on,
        start=start,
        end=end,
        reach=reach,
        phases=phases,
        started=total("started", "window"),
        completed=total("completed", "window"),
        stopped=total("stopped", "window"),
        funding=funding,
        sme_requested=money(pay["pay_req"]),
        sme_paid=money(pay["pay_paid"]),
        by_province=_rollup(trait_rows, "province__name_nl", "name"),
        by_section=_rollup(trait_rows, "nace_section", "section"),
        by_size=_rollup(trait_rows, "size_class", "size"),
        advice_count=total("adv", "after"),
        advice_themes=advice_themes,
        advice_list=_advice_list(on, start, filters, chamber),
        lead_times=lead,
        partners=partners,
        satisfaction=satisfaction,
        totals=totals,
    )


def _advice_list(
    on: dt.date, start: dt.date | None, filters: ReportFilters, chamber: int | None
) -> list[dict[str, Any]]:
    """The latest advice delivered (a list, not a figure: read from its table, newest first)."""
    trajectories = filters.trajectories(Trajectory.objects.all())
    if chamber is not None:
        trajectories = trajectories.filter(chamber_id=chamber)
    advice = Advice.objects.filter(delivered_on__lte=on)
    if not filters.is_empty or chamber is not None:
        advice = advice.filter(trajectory__in=trajectories)
    if start:
        advice = advice.filter(delivered_on__gte=start)
    return [
        dict(row)
        for row in advice.order_by("-delivered_on", "-pk").values(
            "delivered_on",
            "kind",
            ref=F("trajectory__reference"),
            company=F("trajectory__company__name"),
            partner=F("trajectory__partner__short_name"),
        )[:20]
    ]
