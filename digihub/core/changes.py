"""Which version of the platform's data a page shows: the generation of its data.

Every statement that writes a table of the platform (``INSERT``, ``UPDATE``, ``DELETE``, …) is
seen on its way to the database, whatever wrote it: a model's ``save``, a queryset's ``update``,
raw SQL in a service or a command. Signals on models would miss the bulk statements the
reconciliation and the imports use. A write

* moves a counter of this process on at once, so the writer's own next read — even inside its
  transaction — never meets a page kept from before;
* moves the shared counter (``core.DataChange``, one row) when its transaction commits, or at
  once outside a transaction, so every other worker process and machine sees it on its next
  request. Moving it after the commit, in a statement of its own, holds no lock inside the
  writer's transaction: writers never wait for each other on that row.

``generation()`` reads both: a page kept under one generation is never shown under another.
Tables written on nearly every request that no page shows (sessions, rate limits, failed
logins, the task queue) do not count. Writes that bypass Django's cursor (``COPY`` through the
driver's own cursor) are seen by the statements that follow them in the same transaction — the
imports move staged rows with ``INSERT … SELECT`` — and code that writes only that way calls
``written(connection)`` itself. Restoring a backup calls ``restart()``. A write whose process dies between its commit and the
move of the shared counter is seen by other processes when the next change commits, or when
the kept page expires.
"""

from __future__ import annotations

import itertools
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from .models import DataChange

logger = logging.getLogger(__name__)
_TABLE = DataChange._meta.db_table
IGNORED_TABLES = frozenset(
    {
        _TABLE,
        "django_session",
        "core_throttlecounter",
        "axes_accessattempt",
        "axes_accessfailurelog",
        "axes_accesslog",
        "django_tasks_database_dbtaskresult",
        # An API token's last use is written on every API call; no kept page shows tokens.
        "accounts_apitoken",
    }
)
_WRITE = re.compile(
    r"""^(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|COPY
        |REPLACE\s+INTO|MERGE\s+INTO)\s+(?:ONLY\s+)?["`]?([\w.]+)""",
    re.IGNORECASE | re.VERBOSE,
)
# What may come before a statement's first word: blanks, comments, opening parentheses.
_LEAD = re.compile(r"^(?:\s+|/\*.*?\*/|--[^\n]*(?:\n|$)|\()*", re.DOTALL)
# A statement that writes through a common table expression names its table later on.
_CTE_WRITE = re.compile(r"^\s*WITH\b.*\b(?:INSERT|UPDATE|DELETE)\b", re.IGNORECASE | re.DOTALL)

_local = itertools.count(1)
_local_value = 0


def _writes(sql: Any) -> bool:
    if not isinstance(sql, str):
        return True  # composed by the driver (e.g. psycopg.sql): cannot tell, so count it
    sql = sql[_LEAD.match(sql).end() :]  # type: ignore[union-attr]  # the pattern matches ""
    match = _WRITE.match(sql)
    if match is not None:
        return match.group(1).strip('"').split(".")[-1] not in IGNORED_TABLES
    return bool(_CTE_WRITE.match(sql))


def _move_local() -> None:
    global _local_value
    _local_value = next(_local)


def _move_shared() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {_TABLE} SET counter = counter + 1 WHERE id = 1")  # noqa: S608 - the model's table
    except DatabaseError as error:
        # Outside any transaction (after a commit, or in autocommit), so nothing else is undone:
        # while migrations run the table may not exist yet; kept pages expire on their own.
        # Other workers show this change only when the next one moves the counter or their kept
        # pages expire: worth a line in the log when it happens outside a migration.
        try:
            exists = _TABLE in connection.introspection.table_names()
        except DatabaseError:
            exists = True
        if exists:
            logger.warning("data change counter not moved: %s", error)


def _watch(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    result = execute(sql, params, many, context)
    if _writes(sql):
        written(context["connection"])
    return result


def written(db: BaseDatabaseWrapper) -> None:
    """Something was written through ``db``: a new generation now here, and everywhere at commit."""
    _move_local()
    if db.alias != "default":
        return
    if not db.in_atomic_block:
        _move_shared()
        return
    if any(entry[1] is _move_shared for entry in db.run_on_commit):
        return  # one move at commit is enough for a transaction that writes many rows
    transaction.on_commit(_move_shared, using=db.alias)


def watch(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Receiver of ``connection_created``: see this connection's writes."""
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def restart() -> None:
    """The database was replaced (a backup restored): a counter beyond every earlier one, so
    that no page kept before comes back when the restored counter catches up."""
    _move_local()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_TABLE} SET counter = %s WHERE id = 1",  # noqa: S608 - the model's table
            [time.time_ns()],
        )


def generation() -> str | None:
    """The current generation of the data, or None when it cannot be told (no counter row, or
    no table yet: code deployed before ``migrate`` serves every page rendered)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT counter FROM {_TABLE} WHERE id = 1")  # noqa: S608 - the model's table
            row = cursor.fetchone()
    except DatabaseError:
        if connection.in_atomic_block:
            raise  # the transaction is broken either way: let its owner see why
        return None
    if row is None:
        if connection.in_atomic_block:
            return None  # a row created now could vanish with the transaction
        # A fresh start, not 0: pages kept under an earlier row's counters must not come back.
        kept, _ = DataChange.objects.get_or_create(pk=1, defaults={"counter": time.time_ns()})
        row = (kept.counter,)
    return f"{row[0]}.{_local_value}"
