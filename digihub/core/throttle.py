"""Rate limits that hold with many workers and concurrent requests.

``hit(key, limit, period)`` counts one use and says whether it is within the limit, in one atomic
statement (``INSERT … ON CONFLICT DO UPDATE SET count = count + 1 … RETURNING count``, which both
PostgreSQL and SQLite ≥ 3.35 run atomically). Checking first and counting afterwards lets a burst
of simultaneous requests all pass the check; a counter in the per-process cache is not shared
between workers. The count lives in ``core.ThrottleCounter``: one row per key, restarted when its
fixed window is over.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import ThrottleCounter


def _window_start(now: dt.datetime, period: int) -> dt.datetime:
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % period, tz=dt.UTC)


def hit(key: str, *, limit: int, period: int) -> bool:
    """Count one use of ``key``; True while at most ``limit`` uses fell in this ``period`` (s)."""
    start = _window_start(timezone.now(), period)
    q = connection.ops.quote_name
    table, k, w, c = q(ThrottleCounter._meta.db_table), q("key"), q("window_start"), q("count")
    sql = (
        f"INSERT INTO {table} ({k}, {w}, {c}) VALUES (%s, %s, 1) "  # noqa: S608 - quoted names
        f"ON CONFLICT ({k}) DO UPDATE SET "
        f"{c} = CASE WHEN {table}.{w} = excluded.{w} THEN {table}.{c} + 1 ELSE 1 END, "
        f"{w} = excluded.{w} RETURNING {c}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [key[:200], connection.ops.adapt_datetimefield_value(start)])
        count = int(cursor.fetchone()[0])
    if count == 1:
        # A new window for this key: forget the keys whose window ended a day ago or more (in its
        # own statement, after the count is committed, so no two requests wait on each other).
        ThrottleCounter.objects.filter(window_start__lt=start - dt.timedelta(days=1)).delete()
    return count <= limit


def give_back(key: str, *, period: int) -> None:
    """Undo one counted use (the request turned out not to be what the limit protects against)."""
    start = _window_start(timezone.now(), period)
    ThrottleCounter.objects.filter(key=key[:200], window_start=start, count__gt=0).update(
        count=F("count") - 1
    )


def reset(key: str) -> None:
    ThrottleCounter.objects.filter(key=key[:200]).delete()
