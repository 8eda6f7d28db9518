"""Import of the KBO/BCE open data files as the Crossroads Bank publishes them.

A full extract is a ZIP (or a directory) with ``meta.csv``, ``code.csv``, ``enterprise.csv``,
``establishment.csv``, ``denomination.csv``, ``address.csv``, ``contact.csv``, ``activity.csv`` and
``branch.csv``; a monthly update extract holds ``<name>_delete.csv`` (the keys whose rows go) and
``<name>_insert.csv`` (the rows that come, complete) for each of them. Files are comma-separated,
every value quoted, enterprise numbers written ``0201.310.929``, dates ``dd-mm-yyyy``.

On PostgreSQL each file is streamed with ``COPY`` into a temporary staging table and moved into
the lookup table with one set-based statement (a full file replaces the table, its indexes rebuilt
afterwards); on other databases rows go in batches. Every file of every extract is one transaction
with its ``ImportRun`` row: an interrupted import resumes at the first unfinished file, and
importing an extract again changes nothing. The distinct words of the names (``NameWord``, for
correcting misspelt words in the look-up) follow the denominations in the same transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from digihub.core.notifications import message

from .models import (
    WORD_MIN_LENGTH,
    WORD_SEPARATORS,
    Activity,
    Address,
    Code,
    Denomination,
    Enterprise,
    Establishment,
    ImportRun,
    NameWord,
    name_words,
)

NACE_VERSIONS = ("2008", "2025")
BATCH = 5000


def number(value: str) -> str:
    return value.replace(".", "").strip()


def date(value: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    return dt.datetime.strptime(value, "%d-%m-%Y").date()


@dataclass(frozen=True)
class Column:
    source: str  # the published column name
    field: str  # the lookup table's field
    kind: str = "text"  # text, number, date, lower (a lower-case copy of ``source``)


@dataclass(frozen=True)
class Spec:
    name: str  # enterprise, establishment, …
    model: type[models.Model]
    key: Column  # what a *_delete.csv names
    columns: tuple[Column, ...]
    where: str = ""  # SQL condition on the staging table (PostgreSQL)
    keep: Callable[[dict[str, str]], bool] = field(default=lambda row: True)


def _nace_version(row: dict[str, str]) -> bool:
    return row.get("NaceVersion", "") in NACE_VERSIONS


ENTITY = Column("EntityNumber", "entity_number", "number")
SPECS = (
    Spec(
        "code",
        Code,
        Column("Category", "category"),
        (
            Column("Category", "category"),
            Column("Code", "code"),
            Column("Language", "language"),
            Column("Description", "description"),
        ),
    ),
    Spec(
        "enterprise",
        Enterprise,
        Column("EnterpriseNumber", "number", "number"),
        (
            Column("EnterpriseNumber", "number", "number"),
            Column("Status", "status"),
            Column("JuridicalSituation", "juridical_situation"),
            Column("TypeOfEnterprise", "type_of_enterprise"),
            Column("JuridicalForm", "juridical_form"),
            Column("JuridicalFormCAC", "juridical_form_cac"),
            Column("StartDate", "start_date", "date"),
        ),
    ),
    Spec(
        "establishment",
        Establishment,
        Column("EstablishmentNumber", "number", "number"),
        (
            Column("EstablishmentNumber", "number", "number"),
            Column("StartDate", "start_date", "date"),
            Column("EnterpriseNumber", "enterprise_number", "number"),
        ),
    ),
    Spec(
        "denomination",
        Denomination,
        ENTITY,
        (
            ENTITY,
            Column("Language", "language"),
            Column("TypeOfDenomination", "type"),
            Column("Denomination", "denomination"),
            Column("Denomination", "search", "lower"),
        ),
    ),
    Spec(
        "address",
        Address,
        ENTITY,
        (
            ENTITY,
            Column("TypeOfAddress", "type"),
            Column("CountryNL", "country_nl"),
            Column("CountryFR", "country_fr"),
            Column("Zipcode", "zipcode"),
            Column("MunicipalityNL", "municipality_nl"),
            Column("MunicipalityFR", "municipality_fr"),
            Column("StreetNL", "street_nl"),
            Column("StreetFR", "street_fr"),
            Column("HouseNumber", "house_number"),
            Column("Box", "box"),
            Column("ExtraAddressInfo", "extra"),
            Column("DateStrikingOff", "struck_off", "date"),
        ),
    ),
    Spec(
        "activity",
        Activity,
        ENTITY,
        (
            ENTITY,
            Column("ActivityGroup", "group"),
            Column("NaceVersion", "nace_version"),
            Column("NaceCode", "nace_code"),
            Column("Classification", "classification"),
        ),
        where="\"naceversion\" IN ('2008', '2025')",
        keep=_nace_version,
    ),
)
# Published but not needed by the platform: recorded as seen, not stored.
SKIPPED = ("contact", "branch")


class KboError(Exception):
    pass


class Source:
    """The files of one extract, from a ZIP or a directory."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            self._zip = None
            self.names = {p.name.lower(): p.name for p in self.path.iterdir() if p.is_file()}
        elif zipfile.is_zipfile(self.path):
            self._zip = zipfile.ZipFile(self.path)
            self.names = {
                Path(n).name.lower(): n for n in self._zip.namelist() if not n.endswith("/")
            }
        else:
            raise KboError(
                message(
                    gettext_lazy("%(path)s is neither a ZIP file nor a directory."),
                    path=self.path.name,
                )
            )

    def has(self, name: str) -> bool:
        return name in self.names

    def open(self, name: str) -> IO[bytes]:
        if self._zip is not None:
            return self._zip.open(self.names[name])
        return (self.path / self.names[name]).open("rb")

    def size(self, name: str) -> int:
        if self._zip is not None:
            return self._zip.getinfo(self.names[name]).file_size
        return (self.path / self.names[name]).stat().st_size

    def text(self, name: str) -> Iterator[dict[str, str]]:
        with self.open(name) as raw:
            yield from csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


@dataclass
class Meta:
    extract_number: int
    extract_type: str  # full / update
    snapshot_date: dt.date | None
    version: str = ""


def read_meta(source: Source) -> Meta:
    if not source.has("meta.csv"):
        raise KboError(
            message(gettext_lazy("meta.csv is missing: this is not a KBO open data extract."))
        )
    values = {row["Variable"]: row["Value"] for row in source.text("meta.csv")}
    try:
        extract = int(values["ExtractNumber"])
    except (KeyError, ValueError) as exc:
        raise KboError(message(gettext_lazy("meta.csv has no ExtractNumber."))) from exc
    kind = values.get("ExtractType", "").strip().lower()
    if kind not in ("full", "update"):
        kind = "update" if source.has("enterprise_insert.csv") else "full"
    return Meta(extract, kind, date(values.get("SnapshotDate", "")), values.get("Version", ""))


@dataclass
class Report:
    meta: Meta
    files: list[tuple[str, int, float, str]] = field(default_factory=list)  # name, rows, s, note
    touched: set[str] = field(default_factory=set)  # enterprise numbers (update extracts)
    refreshed: int = 0
    seconds: float = 0.0


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _missing(name: str) -> KboError:
    return KboError(message(gettext_lazy("%(name)s is missing from the extract."), name=name))


def check_extract(path: str | Path) -> Meta:
    """What an extract is (number, full or update), without importing it: refuses a file that is
    not a KBO open data extract, or a full one that misses a file."""
    source = Source(path)
    try:
        meta = read_meta(source)
        if meta.extract_type == "full":
            for spec in SPECS:
                if spec.name != "code" and not source.has(f"{spec.name}.csv"):
                    raise _missing(f"{spec.name}.csv")
        return meta
    finally:
        source.close()


def import_extract(
    path: str | Path,
    *,
    log: Callable[[str], None] = lambda line: None,
    refresh: bool = True,
    progress: Callable[[str], None] = lambda step: None,
) -> Report:
    """Import one extract (full or update). Files already imported for this extract number are
    skipped; afterwards the platform's companies are refreshed from the lookup table.
    ``progress`` hears the name of each file before it is imported, then "refresh"."""
    started = time.monotonic()
    source = Source(path)
    try:
        meta = read_meta(source)
        report = Report(meta)
        log(
            f"KBO extract {meta.extract_number} ({meta.extract_type}, snapshot "
            f"{meta.snapshot_date or '?'})"
        )
        for spec in SPECS:
            parts = (
                [(f"{spec.name}.csv", "full")]
                if meta.extract_type == "full" or spec.name == "code"
                else [(f"{spec.name}_delete.csv", "delete"), (f"{spec.name}_insert.csv", "insert")]
            )
            if spec.name == "code" and not source.has("code.csv"):
                continue
            for name, mode in parts:
                if not source.has(name):
                    if meta.extract_type == "full":
                        raise _missing(name)
                    continue
                progress(name)
                _run_file(source, spec, name, mode, meta, report, log)
        for name in SKIPPED:
            for candidate in (f"{name}.csv", f"{name}_delete.csv", f"{name}_insert.csv"):
                if source.has(candidate):
                    report.files.append((candidate, 0, 0.0, "not needed"))
        from .lookup import forget_codes

        forget_codes()
        if refresh:
            from .lookup import refresh_companies

            progress("refresh")
            numbers = None if meta.extract_type == "full" else report.touched
            report.refreshed = refresh_companies(numbers=numbers, extract=meta, log=log)
    finally:
        source.close()
    report.seconds = time.monotonic() - started
    log(f"done in {report.seconds:.1f} s; {report.refreshed} platform companies refreshed")
    return report


def _run_file(
    source: Source,
    spec: Spec,
    name: str,
    mode: str,
    meta: Meta,
    report: Report,
    log: Callable[[str], None],
) -> None:
    done = ImportRun.objects.filter(
        extract_number=meta.extract_number, file=name, finished_at__isnull=False
    ).first()
    if done is not None:
        log(f"  {name}: already imported ({done.rows} rows), skipped")
        report.files.append((name, done.rows, 0.0, "already imported"))
        return
    t0 = time.monotonic()
    log(f"  {name}: {source.size(name) / 1e6:.1f} MB …")
    with transaction.atomic():
        run, _created = ImportRun.objects.update_or_create(
            extract_number=meta.extract_number,
            file=name,
            defaults={
                "extract_type": meta.extract_type,
                "snapshot_date": meta.snapshot_date,
                "started_at": timezone.now(),
                "finished_at": None,
                "rows": 0,
            },
        )
        if _is_postgres():
            rows = _copy_postgres(source, spec, name, mode, report, log)
        else:
            rows = _batches(source, spec, name, mode, report)
        run.rows, run.finished_at = rows, timezone.now()
        run.save(update_fields=["rows", "finished_at"])
    seconds = time.monotonic() - t0
    log(f"  {name}: {rows} rows in {seconds:.1f} s")
    report.files.append((name, rows, seconds, mode))


# Other databases: batches ---------------------------------------------------------------------
def _value(column: Column, row: dict[str, str]) -> Any:
    raw = row.get(column.source, "") or ""
    if column.kind == "number":
        return number(raw)
    if column.kind == "date":
        return date(raw)
    if column.kind == "lower":
        return raw.lower()
    return raw


def _touch(spec: Spec, keys: list[str], rows: list[dict[str, str]], report: Report) -> None:
    """Remember the enterprises an update file concerns (directly or through an establishment)."""
    if spec.name == "code":
        return
    report.touched.update(keys)
    if spec.name == "establishment":
        report.touched.update(number(row.get("EnterpriseNumber", "")) for row in rows)
    parents = Establishment.objects.filter(number__in=keys).values_list(
        "enterprise_number", flat=True
    )
    report.touched.update(parents)


def _chunks(source: Source, name: str) -> Iterator[list[dict[str, str]]]:
    batch: list[dict[str, str]] = []
    for row in source.text(name):
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _batches(source: Source, spec: Spec, name: str, mode: str, report: Report) -> int:
    model: Any = spec.model
    key_field = spec.key.field
    if mode == "full":
        model.objects.all().delete()
    elif mode in ("delete", "insert"):
        # An insert file holds the complete rows of the entities it names: what they had before
        # goes first, so that applying the same file twice leaves one copy.
        for batch in _chunks(source, name):
            keys = sorted({_value(spec.key, row) for row in batch})
            _touch(spec, keys, batch, report)
            model.objects.filter(**{f"{key_field}__in": keys}).delete()
    words = spec.name == "denomination" and mode in ("full", "insert")
    if words and mode == "full":
        NameWord.objects.all().delete()
    count = 0
    for batch in _chunks(source, name):
        count += len(batch)
        if mode == "delete":
            continue
        objects = [
            model(**{c.field: _value(c, row) for c in spec.columns})
            for row in batch
            if spec.keep(row)
        ]
        model.objects.bulk_create(objects, ignore_conflicts=spec.name == "code")
        if words:
            found = {w for o in objects for w in name_words(o.search)}
            NameWord.objects.bulk_create(
                [NameWord(word=w) for w in sorted(found)], ignore_conflicts=True
            )
    return count


# PostgreSQL: COPY into staging, then one statement -------------------------------------------
def _sql_value(column: Column) -> str:
    src = f'"{column.source.lower()}"'
    if column.kind == "number":
        return f"replace({src}, '.', '')"
    if column.kind == "date":
        return f"to_date(nullif({src}, ''), 'DD-MM-YYYY')"
    if column.kind == "lower":
        return f"lower({src})"
    return f"coalesce({src}, '')"


def _copy_postgres(
    source: Source, spec: Spec, name: str, mode: str, report: Report, log: Callable[[str], None]
) -> int:
    table = spec.model._meta.db_table
    staging = f"kbo_staging_{spec.name}"
    with source.open(name) as raw:
        header_line = raw.readline().decode("utf-8-sig").strip()
        header = next(csv.reader([header_line]))
        if not all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,62}", h) for h in header):
            raise KboError(
                message(
                    gettext_lazy("%(name)s: the first line does not name the columns."), name=name
                )
            )
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {staging}")
            columns = ", ".join(f'"{h.lower()}" text' for h in header)
            cursor.execute(f"CREATE TEMP TABLE {staging} ({columns}) ON COMMIT DROP")
            size, sent, next_log = source.size(name), 0, 256 * 1024 * 1024
            pg = cursor.cursor  # the psycopg cursor under Django's wrapper
            with pg.copy(f"COPY {staging} FROM STDIN WITH (FORMAT csv)") as copy:
                while chunk := raw.read(1 << 20):
                    copy.write(chunk)
                    sent += len(chunk)
                    if sent >= next_log:
                        log(f"    {sent / 1e6:.0f} of {size / 1e6:.0f} MB")
                        next_log += 256 * 1024 * 1024
            cursor.execute(f"SELECT count(*) FROM {staging}")  # noqa: S608 - model names, checked header
            rows = int(cursor.fetchone()[0])
            key_sql = _sql_value(spec.key)
            key_col = f'"{spec.key.field}"'
            if mode != "full" and spec.name != "code":
                _touch_postgres(cursor, staging, key_sql, "EnterpriseNumber" in header, report)
            targets = ", ".join(f'"{c.field}"' for c in spec.columns)
            values = ", ".join(_sql_value(c) for c in spec.columns)
            where = f"WHERE {spec.where}" if spec.where else ""
            if mode == "full":
                indexes = _drop_indexes(cursor, table)
                cursor.execute(f"TRUNCATE {table}")
                cursor.execute(
                    f"INSERT INTO {table} ({targets}) SELECT {values} FROM {staging} {where}"  # noqa: S608 - model names, checked header
                )
                for statement in indexes:
                    cursor.execute(statement)
                cursor.execute(f"ANALYZE {table}")
                if spec.name == "denomination":
                    _fill_name_words(cursor, None, log)
            elif mode == "delete":
                cursor.execute(
                    f"DELETE FROM {table} WHERE {key_col} IN (SELECT {key_sql} FROM {staging})"  # noqa: S608 - model names, checked header
                )
            else:
                # an insert file re-applied replaces what it inserted before (idempotent)
                cursor.execute(
                    f"DELETE FROM {table} WHERE {key_col} IN (SELECT {key_sql} FROM {staging})"  # noqa: S608 - model names, checked header
                )
                cursor.execute(
                    f"INSERT INTO {table} ({targets}) SELECT {values} FROM {staging} {where}"  # noqa: S608 - model names, checked header
                )
                if spec.name == "denomination":
                    _fill_name_words(cursor, staging, log, where)
            cursor.execute(f"DROP TABLE {staging}")
    return rows


def _fill_name_words(
    cursor: Any, staging: str | None, log: Callable[[str], None], where: str = ""
) -> None:
    """The distinct words of the names, for correcting misspelt words in the look-up.

    After a full denomination file (``staging`` None) the table is rebuilt from all names, so
    words nobody uses any more go. After an update's insert file the words of its names are
    added; a word whose last name an update deleted stays until the next full extract (a spare
    word costs a correction candidate that leads nowhere, never a wrong hit), which keeps an
    update from scanning every name again. ``where`` is the file's condition on the staging
    rows (``Spec.where``): only the names that went in give words."""
    t0 = time.monotonic()
    source = (
        f"(SELECT lower(denomination) AS search FROM {staging} {where}) AS d"  # noqa: S608 - staging name, the spec's condition
        if staging
        else "registry_denomination AS d"
    )
    indexes: list[str] = []
    if staging is None:
        # Millions of names give hundreds of thousands of words: index them once, at the end.
        indexes = _drop_indexes(cursor, "registry_nameword")
        cursor.execute("TRUNCATE registry_nameword")
    cursor.execute(
        "INSERT INTO registry_nameword (word) SELECT DISTINCT w "  # noqa: S608 - fixed names
        f"FROM {source}, regexp_split_to_table(d.search, %s) AS w "
        "WHERE length(w) >= %s AND w !~ '^[0-9]+$' ON CONFLICT DO NOTHING",
        [WORD_SEPARATORS, WORD_MIN_LENGTH],
    )
    added = cursor.rowcount
    for statement in indexes:
        cursor.execute(statement)
    if staging is None:
        cursor.execute("ANALYZE registry_nameword")
    log(f"    name words: {added} added in {time.monotonic() - t0:.1f} s")


def _touch_postgres(
    cursor: Any, staging: str, key_sql: str, names_parent: bool, report: Report
) -> None:
    """The platform's companies an update file concerns (directly or through an establishment)."""
    parent = (
        f"""OR c.enterprise_number IN (SELECT replace("enterprisenumber", '.', '') FROM {staging})"""  # noqa: S608 - model names, checked header
        if names_parent
        else ""
    )
    sql = (
        "SELECT c.enterprise_number FROM companies_company c "  # noqa: S608 - model names, checked header
        f"WHERE c.enterprise_number IN (SELECT {key_sql} FROM {staging}) "
        "OR c.enterprise_number IN (SELECT e.enterprise_number FROM registry_establishment e "
        f"WHERE e.number IN (SELECT {key_sql} FROM {staging})) {parent}"
    )
    cursor.execute(sql)
    report.touched.update(row[0] for row in cursor.fetchall())


def _drop_indexes(cursor: Any, table: str) -> list[str]:
    """Drop the secondary indexes of ``table`` and return the statements that recreate them
    (loading millions of rows and indexing once is several times faster)."""
    cursor.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.tablename = %s AND i.schemaname = current_schema()
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
        [table],
    )
    found = cursor.fetchall()
    for index_name, _definition in found:
        cursor.execute(f'DROP INDEX "{index_name}"')
    return [definition for _name, definition in found]
