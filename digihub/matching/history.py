"""What each knowledge partner did before: aggregated by the database, never in Python loops.

``aggregate(as_of)`` computes the track record of every partner from the trajectories that had
started before ``as_of`` (everything when None): finished and completed trajectories, the median
number of days from the start to a signed quote, the satisfaction surveys, the companies guided
per NACE division and the completed trajectories per theme. Each figure is one GROUP BY (the
median a window over the partner's lead times), the same SQL on SQLite and PostgreSQL but for
the day difference.

Rankings read the stored ``PartnerRecord`` rows (``records()``); ``refresh()`` rewrites them,
in the background when they are older than ``DIGIHUB_MATCHING_RECORD_SECONDS``. The current load
(``load()``) is always counted live.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django_tasks import task

from digihub.trajectories.models import Phase, Survey, Trajectory

from .models import PartnerRecord


@dataclass
class History:
    completed: int = 0
    stopped: int = 0
    signed: int = 0
    median_quote_days: float | None = None
    surveys: int = 0
    satisfaction: float | None = None
    sectors: dict[str, tuple[int, str]] = field(default_factory=dict)
    themes: dict[int, int] = field(default_factory=dict)
    # The points of lead time, completion and satisfaction, which no question changes: kept
    # with the record by the ranking (``ranking.quality_points``).
    quality: float | None = field(default=None, compare=False, repr=False)

    @property
    def finished(self) -> int:
        return self.completed + self.stopped


def _days_sql() -> str:
    if connection.vendor == "postgresql":
        return "EXTRACT(EPOCH FROM (quote_signed_at - started_at)) / 86400.0"
    return "julianday(quote_signed_at) - julianday(started_at)"


def _median_quote_days(as_of: dt.datetime | None) -> dict[int, tuple[float, int]]:
    """The median days from start to signed quote per partner, and how many it is taken over."""
    days = _days_sql()
    table = Trajectory._meta.db_table
    where = "quote_signed_at IS NOT NULL AND quote_signed_at >= started_at"
    params: list[Any] = []
    if as_of is not None:
        where += " AND quote_signed_at < %s"
        params.append(as_of)
    sql = (
        f"WITH lead AS (SELECT partner_id, {days} AS d, "  # noqa: S608 - constants only; values are parameters
        f"ROW_NUMBER() OVER (PARTITION BY partner_id ORDER BY {days}) AS rn, "
        f"COUNT(*) OVER (PARTITION BY partner_id) AS n FROM {table} WHERE {where}) "
        "SELECT partner_id, AVG(d), MAX(n) FROM lead "
        "WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY partner_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {int(pk): (float(med), int(n)) for pk, med, n in cursor.fetchall()}


def aggregate(
    as_of: dt.datetime | None = None, partner_ids: Iterable[int] | None = None
) -> dict[int, History]:
    started = Q() if as_of is None else Q(started_at__lt=as_of)
    trajectories = Trajectory.objects.filter(started)
    if partner_ids is not None:
        trajectories = trajectories.filter(partner_id__in=list(partner_ids))
    done = Q(completed_at__isnull=False) if as_of is None else Q(completed_at__lt=as_of)
    quit_ = Q(stopped_at__isnull=False) if as_of is None else Q(stopped_at__lt=as_of)
    signed = Q(quote_signed_at__isnull=False) if as_of is None else Q(quote_signed_at__lt=as_of)
    result: dict[int, History] = {}
    for row in trajectories.values("partner_id").annotate(
        completed=Count("pk", filter=done),
        stopped=Count("pk", filter=quit_ & ~done),
        signed=Count("pk", filter=signed),
    ):
        result[row["partner_id"]] = History(
            completed=row["completed"], stopped=row["stopped"], signed=row["signed"]
        )
    medians = _median_quote_days(as_of)
    for pk, (median, _n) in medians.items():
        if pk in result:
            result[pk].median_quote_days = median
    surveys = Survey.objects.filter(trajectory__in=trajectories)
    if as_of is not None:
        surveys = surveys.filter(answered_at__lt=as_of)
    from django.db.models import Avg

    for row in surveys.values("trajectory__partner_id").annotate(n=Count("pk"), avg=Avg("score")):
        history = result.setdefault(row["trajectory__partner_id"], History())
        history.surveys, history.satisfaction = row["n"], float(row["avg"])
    for row in (
        trajectories.exclude(company__nace_main="")
        .annotate(division=Substr("company__nace_main", 1, 2))
        .values("partner_id", "division", "company__nace_section")
        .annotate(n=Count("company_id", distinct=True))
    ):
        history = result.setdefault(row["partner_id"], History())
        known = history.sectors.get(row["division"], (0, row["company__nace_section"]))
        history.sectors[row["division"]] = (
            known[0] + row["n"],
            known[1] or row["company__nace_section"],
        )
    for row in (
        trajectories.filter(done)
        .values("partner_id", "themes")
        .exclude(themes=None)
        .annotate(n=Count("pk"))
    ):
        result.setdefault(row["partner_id"], History()).themes[row["themes"]] = row["n"]
    return result


def load(
    partner_ids: Iterable[int] | None = None, as_of: dt.datetime | None = None
) -> dict[int, int]:
    """Running trajectories per partner: in the quote phase or in execution (as the partner's
    workspace counts them); at a past date, those started and not yet finished then."""
    qs = Trajectory.objects.all()
    if partner_ids is not None:
        qs = qs.filter(partner_id__in=list(partner_ids))
    if as_of is None:
        qs = qs.filter(phase__in=[Phase.QUOTE, Phase.EXECUTION])
    else:
        qs = (
            qs.filter(started_at__lt=as_of)
            .exclude(completed_at__lt=as_of)
            .exclude(stopped_at__lt=as_of)
        )
    # COUNT(*) rather than COUNT(id): the (partner, phase, …) index answers it alone.
    return {
        row["partner_id"]: row["n"]
        for row in qs.order_by().values("partner_id").annotate(n=Count("*"))
    }


def _as_record(partner_id: int, history: History, now: dt.datetime) -> PartnerRecord:
    return PartnerRecord(
        partner_id=partner_id,
        completed=history.completed,
        stopped=history.stopped,
        signed=history.signed,
        median_quote_days=history.median_quote_days,
        surveys=history.surveys,
        satisfaction=history.satisfaction,
        sectors={k: list(v) for k, v in history.sectors.items()},
        themes={str(k): v for k, v in history.themes.items()},
        refreshed_at=now,
    )


def refresh() -> int:
    """Rewrite every partner's stored track record; returns how many partners have one."""
    from digihub.network.models import KnowledgePartner

    now = timezone.now()
    histories = aggregate()
    partner_ids = list(KnowledgePartner.objects.values_list("pk", flat=True))
    with transaction.atomic():
        PartnerRecord.objects.all().delete()
        PartnerRecord.objects.bulk_create(
            [_as_record(pk, histories.get(pk, History()), now) for pk in partner_ids],
            batch_size=1000,
        )
    return len(partner_ids)


@task()
def refresh_in_background() -> int:
    return refresh()


def _from_record(record: PartnerRecord) -> History:
    return History(
        completed=record.completed,
        stopped=record.stopped,
        signed=record.signed,
        median_quote_days=record.median_quote_days,
        surveys=record.surveys,
        satisfaction=record.satisfaction,
        sectors={k: (int(v[0]), str(v[1])) for k, v in record.sectors.items()},
        themes={int(k): int(v) for k, v in record.themes.items()},
    )


# The parsed records of the last refresh, per process: a ranking then reads one row (the
# refresh's time and count) instead of a thousand JSON documents.
_parsed: tuple[tuple[Any, int], dict[int, History]] | None = None


def records() -> dict[int, History]:
    """The stored track records; made now when there are none, refreshed in the background
    (the current ones still served) when they are older than the configured age."""
    global _parsed
    from django.db.models import Max, Min

    stamp = PartnerRecord.objects.aggregate(
        newest=Max("refreshed_at"), oldest=Min("refreshed_at"), n=Count("*")
    )
    if not stamp["n"]:
        refresh()
        return records() if PartnerRecord.objects.exists() else {}
    max_age = dt.timedelta(seconds=getattr(settings, "DIGIHUB_MATCHING_RECORD_SECONDS", 3600))
    if timezone.now() - stamp["oldest"] > max_age:
        # Mark them as being refreshed so that one reader, not every reader, asks for it.
        PartnerRecord.objects.update(refreshed_at=timezone.now())
        transaction.on_commit(refresh_in_background.enqueue)
    key = (stamp["newest"], stamp["n"])
    if _parsed is None or _parsed[0] != key:
        _parsed = (key, {r.partner_id: _from_record(r) for r in PartnerRecord.objects.all()})
    return _parsed[1]


def for_ranking(as_of: dt.datetime | None) -> dict[int, History]:
    """Current rankings read the stored records; a replay of a past decision aggregates the
    history as it stood then."""
    return records() if as_of is None else aggregate(as_of)
