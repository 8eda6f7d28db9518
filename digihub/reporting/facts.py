"""Report facts kept by the transactions that change the data.

Every figure of the report is a sum over ``ReportFact`` rows, so the whole network's answer for
any day and period is a small aggregation instead of scans over millions of rows.

**Grain.** A fact is a count ``n`` (and an amount in ``cents``) per day × dimension slots ×
``measure`` × ``key``. The slots are what the report filters on: hub, chamber, province (the
company's), knowledge partner, theme, and for ledger facts the advisor chamber that may read
them. Every source row is counted in the *real* row (its own hub, chamber and province, ``-1``
when it has none) and in the *roll-up* row (hub = chamber = province = 0) that the network-wide
report reads; and once with partner 0 and theme 0 plus once per partner and per theme it has
(partner and theme filters pick that slot, so a question with two themes counts once in each).

**Measures** (``key`` in brackets):

- questions: ``reg`` [channel], ``outside``, ``reg_co`` [province|section|size: a company's
  registration day, with ``origin`` its previous registration day in the same slots, so "companies
  reached in a period" counts rows whose origin lies before the period], ``conv``, ``follow``,
  ``conv_co`` (likewise per company), ``dec_in``/``dec_out`` [decision] and ``rt_in``/``rt_out``
  [route]: a decision counted on its day and taken back on the day of the question's next change
  (``origin`` = the decision's day);
- trajectories: ``ph_in``/``ph_out`` [phase] per phase period (the count in a phase at the end
  of day D is ``Σ in − Σ out`` up to D, exactly as the periods say), ``started``, ``completed``,
  ``stopped``, ``lead`` [label:whole days], ``cur`` [current phase, for the partners' load, on
  ``NO_ORIGIN``], ``adv``, ``adv_th`` [theme], ``srv`` (n = answers, cents = sum of scores);
- money: ``pay_req``/``pay_paid`` (the SME's share requested while the request stands, and its
  receipts, in the slots of the company's trajectories),
  ``commit``/``release``/``spend`` [project type|source] from the ledger.

**Maintenance.** Facts are derived per company: ``contributions(companies)`` reads every source
row of those companies and returns their facts. ``tracking(company ids)`` wraps a change: it
takes the contributions before and after and adds the difference in the same transaction.
``digihub.core.workflow.fire`` runs every step inside ``tracking`` (an after-step hook), and so
do the history writers, the question registration and ledger bookings made outside a step;
nested tracking of the same company is free. ``rebuild()`` recomputes everything,
``check()`` compares the facts with a fresh computation.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import Q
from django.utils import timezone

from .models import NO_ORIGIN, ReportFact

Key = tuple[int, int, int, int, int, int, str, str, dt.date, dt.date]
Facts = dict[Key, list[int]]  # key -> [n, cents]

COLUMNS = (
    "hub",
    "chamber",
    "province",
    "partner",
    "theme",
    "reader",
    "measure",
    "key",
    "day",
    "origin",
)
LEDGER_MEASURES = ("commit", "release", "spend")
DAY = dt.timedelta(days=1)


def local_day(moment: dt.datetime, zone: Any = None) -> dt.date:
    """The calendar day of a moment, as ``end_of_day`` draws the line."""
    return moment.astimezone(zone or timezone.get_current_timezone()).date()


def whole_days(end: dt.datetime, start: dt.datetime) -> int:
    """Lead time in calendar days (between the local days), as the direct computation counts."""
    return (local_day(end) - local_day(start)).days


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


DISTINCT_MEASURES = ("reg_co", "conv_co")


def partial_slots(slots: Iterable[tuple[int, ...]]) -> set[tuple[int, ...]]:
    """The slots of a distinct-company measure: besides the real and roll-up rows, one row per
    chamber, per province and per chamber and province with hub 0.

    Summing the real rows of a chamber or a province counts a company once per hub it asked in;
    a company is counted once in each of these rows, so a filter on chamber or province alone
    reads its own row (``ReportFilters`` with a hub read the real rows: a hub has one chamber)."""
    out: set[tuple[int, ...]] = set()
    for hub, chamber, province, partner, theme in slots:
        out.add((hub, chamber, province, partner, theme))
        if hub == 0:
            continue
        known_chamber, known_province = max(chamber, 0), max(province, 0)
        for c, p in ((known_chamber, 0), (0, known_province), (known_chamber, known_province)):
            if c or p:
                out.add((0, c, p, partner, theme))
    return out


class _Collector:
    """Facts of a set of source rows, with the per-company "first in the window" chains."""

    def __init__(self) -> None:
        self.facts: Facts = defaultdict(lambda: [0, 0])
        self.presence: dict[tuple[Any, ...], set[dt.date]] = defaultdict(set)

    @staticmethod
    def slots(
        hub: int | None,
        chamber: int | None,
        province: int | None,
        partners: Iterable[int] = (),
        themes: Iterable[int] = (),
    ) -> list[tuple[int, int, int, int, int]]:
        real = (hub or -1, chamber or -1, province or -1)
        p_slots = [0, *sorted(set(partners))]
        t_slots = [0, *sorted(set(themes))]
        return [(*d, p, t) for d in (real, (0, 0, 0)) for p in p_slots for t in t_slots]

    def add(
        self,
        slots: Iterable[tuple[int, int, int, int, int]],
        measure: str,
        day: dt.date,
        *,
        key: str = "",
        n: int = 1,
        cents: int = 0,
        origin: dt.date = NO_ORIGIN,
        reader: int = 0,
    ) -> None:
        for h, c, p, pa, t in slots:
            row = self.facts[(h, c, p, pa, t, reader, measure, key, day, origin)]
            row[0] += n
            row[1] += cents

    def present(
        self, company: int, slots: Iterable[tuple[int, ...]], measure: str, day: dt.date, key: str
    ) -> None:
        for slot in partial_slots(slots):
            self.presence[(company, *slot, measure, key)].add(day)

    def result(self) -> Facts:
        for (_company, h, c, p, pa, t, measure, key), days in self.presence.items():
            previous = NO_ORIGIN
            for day in sorted(days):
                row = self.facts[(h, c, p, pa, t, 0, measure, key, day, previous)]
                row[0] += 1
                previous = day
        self.presence.clear()
        return {k: v for k, v in self.facts.items() if v[0] or v[1]}


def contributions(companies: Iterable[int] | tuple[int, int]) -> Facts:
    """The facts of every source row of these companies (ids, or an inclusive id range)."""
    from digihub.companies.models import Company
    from digihub.funding.models import LedgerEntry, PaymentRequest, PaymentStatus, Receipt
    from digihub.intake.models import (
        ContactKind,
        Conversation,
        Decision,
        Question,
        QuestionTransition,
        Status,
    )
    from digihub.trajectories.models import Advice, PhaseSpan, Survey, Trajectory

    if isinstance(companies, tuple):
        by = Q(company_id__gte=companies[0], company_id__lte=companies[1])
        company_rows = Company.objects.filter(pk__gte=companies[0], pk__lte=companies[1])
    else:
        ids = sorted(set(companies))
        by = Q(company_id__in=ids)
        company_rows = Company.objects.filter(pk__in=ids)

    def under(prefix: str) -> Q:
        return Q(**{f"{prefix}__{k}": v for k, v in by.children})  # type: ignore[misc]

    out = _Collector()
    zone = timezone.get_current_timezone()

    def local_day(moment: dt.datetime) -> dt.date:
        return moment.astimezone(zone).date()

    def whole_days(end: dt.datetime, start: dt.datetime) -> int:
        return (local_day(end) - local_day(start)).days

    row: Any  # rows of ``values()``, read by field name
    company: dict[int, Any] = {
        row["id"]: row
        for row in company_rows.values("id", "province_id", "nace_section", "size_class")
    }

    # Questions.
    questions: dict[int, Any] = {
        row["id"]: row
        for row in Question.objects.filter(by)
        .order_by()
        .values(
            "id",
            "company_id",
            "hub_id",
            "chamber_id",
            "registered_at",
            "channel",
            "outside_target_group",
            "chosen_partner_id",
            "passed_on_by_id",
        )
    }
    q_themes: dict[int, list[int]] = defaultdict(list)
    for qid, theme in Question.themes.through.objects.filter(under("question")).values_list(
        "question_id", "theme_id"
    ):
        q_themes[qid].append(theme)
    q_slots = {}
    for qid, q in questions.items():
        partners = [p for p in (q["chosen_partner_id"], q["passed_on_by_id"]) if p]
        province = company[q["company_id"]]["province_id"]
        slots = out.slots(q["hub_id"], q["chamber_id"], province, partners, q_themes[qid])
        q_slots[qid] = slots
        day = local_day(q["registered_at"])
        out.add(slots, "reg", day, key=q["channel"])
        if q["outside_target_group"]:
            out.add(slots, "outside", day)
        c = company[q["company_id"]]
        trait = "|".join(
            "" if v is None else f"={v}"
            for v in (c["province_id"], c["nace_section"], c["size_class"])
        )
        out.present(q["company_id"], slots, "reg_co", day, trait)

    for row in (
        Conversation.objects.filter(under("question"))
        .order_by()
        .values("question_id", "kind", "held_on")
    ):
        slots = q_slots[row["question_id"]]
        if row["kind"] == ContactKind.EXPLORATORY:
            out.add(slots, "conv", row["held_on"])
            out.present(
                questions[row["question_id"]]["company_id"], slots, "conv_co", row["held_on"], ""
            )
        elif row["kind"] == ContactKind.FOLLOW_UP:
            out.add(slots, "follow", row["held_on"])

    changes: dict[int, list[Any]] = defaultdict(list)
    for row in (
        QuestionTransition.objects.filter(under("question"))
        .order_by("at", "pk")
        .values("question_id", "at", "to_status", "decision", "route")
    ):
        changes[row["question_id"]].append(row)
    for qid, rows in changes.items():
        slots = q_slots[qid]
        for row in rows:
            if row["to_status"] != Status.DECIDED:
                continue
            later = [r["at"] for r in rows if r["at"] > row["at"]]
            entered = local_day(row["at"])
            measures = [("dec", row["decision"])]
            if row["decision"] == Decision.NO_TRAJECTORY:
                measures.append(("rt", row["route"]))
            for measure, key in measures:
                out.add(slots, f"{measure}_in", entered, key=key)
                if later:
                    out.add(slots, f"{measure}_out", local_day(min(later)), key=key, origin=entered)

    # Trajectories.
    trajectories: dict[int, Any] = {
        row["id"]: row
        for row in Trajectory.objects.filter(by)
        .order_by()
        .values(
            "id",
            "company_id",
            "hub_id",
            "chamber_id",
            "partner_id",
            "phase",
            "started_at",
            "completed_at",
            "stopped_at",
            "quote_signed_at",
            "question_id",
            "question__registered_at",
        )
    }
    t_themes: dict[int, list[int]] = defaultdict(list)
    for tid, theme in Trajectory.themes.through.objects.filter(under("trajectory")).values_list(
        "trajectory_id", "theme_id"
    ):
        t_themes[tid].append(theme)
    t_slots = {}
    company_slots: dict[int, set[tuple[int, int, int, int, int]]] = defaultdict(set)
    for tid, t in trajectories.items():
        province = company[t["company_id"]]["province_id"]
        partners = [t["partner_id"]] if t["partner_id"] else []
        slots = out.slots(t["hub_id"], t["chamber_id"], province, partners, t_themes[tid])
        t_slots[tid] = slots
        company_slots[t["company_id"]].update(slots)
        for measure in ("started", "completed", "stopped"):
            if t[f"{measure}_at"] is not None:
                out.add(slots, measure, local_day(t[f"{measure}_at"]))
        out.add(slots, "cur", NO_ORIGIN, key=t["phase"])
        registered, signed, completed = (
            t["question__registered_at"] if t["question_id"] else None,
            t["quote_signed_at"],
            t["completed_at"],
        )
        for label, end, begin in (
            ("first_contact_to_signed", signed, registered),
            ("signed_to_completed", completed, signed),
            ("first_contact_to_completed", completed, registered),
        ):
            if end is not None and begin is not None:
                out.add(slots, "lead", local_day(end), key=f"{label}:{whole_days(end, begin)}")
    for row in (
        PhaseSpan.objects.filter(under("trajectory"))
        .order_by()
        .values("trajectory_id", "phase", "entered_at", "left_at")
    ):
        slots = t_slots[row["trajectory_id"]]
        out.add(slots, "ph_in", local_day(row["entered_at"]), key=row["phase"])
        if row["left_at"] is not None:
            out.add(slots, "ph_out", local_day(row["left_at"]), key=row["phase"])
    for row in (
        Advice.objects.filter(under("trajectory"))
        .order_by()
        .values("trajectory_id", "delivered_on")
    ):
        slots = t_slots[row["trajectory_id"]]
        out.add(slots, "adv", row["delivered_on"])
        for theme in set(t_themes[row["trajectory_id"]]):
            out.add(slots, "adv_th", row["delivered_on"], key=str(theme))
    for row in (
        Survey.objects.filter(under("trajectory"))
        .order_by()
        .values("trajectory_id", "answered_at", "score")
    ):
        out.add(
            t_slots[row["trajectory_id"]],
            "srv",
            local_day(row["answered_at"]),
            cents=int(row["score"]),
        )

    # Money: the SME's share counts for the slots of its company's trajectories; requested
    # while the request stands (not cancelled or refunded), paid as its receipts came in.
    live = PaymentRequest.objects.filter(by).exclude(
        status__in=[PaymentStatus.CANCELLED, PaymentStatus.REFUNDED]
    )
    created: dict[int, dt.date] = {}
    for row in live.order_by().values("pk", "company_id", "amount", "created_at"):
        slots = sorted(company_slots.get(row["company_id"], ()))
        if not slots:
            continue
        created[row["pk"]] = local_day(row["created_at"])
        out.add(slots, "pay_req", created[row["pk"]], cents=cents(row["amount"]))
    for row in (
        Receipt.objects.filter(request__in=live.values("pk"))
        .order_by()
        .values("request_id", "request__company_id", "amount", "received_on")
    ):
        if row["request_id"] not in created:
            continue
        slots = sorted(company_slots[row["request__company_id"]])
        day = max(created[row["request_id"]], row["received_on"])
        out.add(slots, "pay_paid", day, cents=cents(row["amount"]))
    for row in LedgerEntry.objects.filter(by).order_by().values(*_LEDGER_FIELDS):
        _ledger(out, row, company.get(row["company_id"]))
    return out.result()


_LEDGER_FIELDS = (
    "company_id",
    "company__chamber_id",
    "hub_id",
    "hub__chamber_id",
    "kind",
    "amount",
    "booked_on",
    "project_type_id",
    "source_id",
)


def _ledger(out: _Collector, row: dict[str, Any], company: dict[str, Any] | None) -> None:
    province = company["province_id"] if company else None
    readers = {0, *(c for c in (row["company__chamber_id"], row["hub__chamber_id"]) if c)}
    slots = out.slots(row["hub_id"], row["hub__chamber_id"], province)
    for reader in sorted(readers):
        out.add(
            slots,
            row["kind"],
            row["booked_on"],
            key=f"{row['project_type_id']}|{row['source_id']}",
            cents=cents(row["amount"]),
            reader=reader,
        )


def entry_facts(entry_ids: Iterable[int]) -> Facts:
    """The facts of single ledger entries (entries never change once booked)."""
    from digihub.funding.models import LedgerEntry

    out = _Collector()
    for row in (
        LedgerEntry.objects.filter(pk__in=list(entry_ids))
        .order_by()
        .values(*_LEDGER_FIELDS, "company__province_id")
    ):
        company = {"province_id": row["company__province_id"]} if row["company_id"] else None
        _ledger(out, row, company)
    return out.result()


def company_less_entries() -> Facts:
    from digihub.funding.models import LedgerEntry

    out = _Collector()
    for row in LedgerEntry.objects.filter(company__isnull=True).order_by().values(*_LEDGER_FIELDS):
        _ledger(out, row, None)
    return out.result()


def difference(after: Facts, before: Facts) -> Facts:
    delta: Facts = {}
    for key in after.keys() | before.keys():
        a, b = after.get(key, (0, 0)), before.get(key, (0, 0))
        if a[0] != b[0] or a[1] != b[1]:
            delta[key] = [a[0] - b[0], a[1] - b[1]]
    return delta


def apply(delta: Facts, *, batch: int = 2000) -> None:
    """Add ``delta`` to the stored facts (insert or add), in key order so that concurrent
    writers lock the shared roll-up rows in the same order."""
    if not delta:
        return
    table = connection.ops.quote_name(ReportFact._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in (*COLUMNS, "n", "cents"))
    conflict = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    rows = sorted(delta.items())
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            values = ", ".join(["(" + ", ".join(["%s"] * (len(COLUMNS) + 2)) + ")"] * len(chunk))
            params: list[Any] = []
            for key, (n, amount) in chunk:
                params.extend(key)
                params.extend((n, amount))
            cursor.execute(
                # Table and column names are constants of the model; every value is a parameter.
                f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608
                f"ON CONFLICT ({conflict}) DO UPDATE SET n = {table}.n + excluded.n, "
                f"cents = {table}.cents + excluded.cents",
                params,
            )


_state = threading.local()


def _tracked() -> dict[int, int]:
    if not hasattr(_state, "companies"):
        _state.companies = {}
    return _state.companies  # type: ignore[no-any-return]


def is_tracked(company_id: int | None) -> bool:
    return company_id is not None and company_id in _tracked()


@contextmanager
def tracking(company_ids: Iterable[int | None]) -> Iterator[None]:
    """Keep the facts of these companies right across the change made inside the block.

    The contributions before and after are compared and the difference added, in the block's
    transaction; a company already tracked by an enclosing block is left to that block."""
    tracked = _tracked()
    new = sorted({c for c in company_ids if c is not None and c not in tracked})
    if not new:
        yield
        return
    with transaction.atomic():
        before = contributions(new)
        for c in new:
            tracked[c] = 1
        try:
            yield
        finally:
            for c in new:
                tracked.pop(c, None)
        apply(difference(contributions(new), before))


def rebuild(*, chunk: int = 20000, progress: Any = None) -> int:
    """Recompute every fact from the source tables. Returns the number of fact rows."""
    from digihub.companies.models import Company

    with transaction.atomic():
        ReportFact.objects.all().delete()
        bounds = Company.objects.order_by("pk").values_list("pk", flat=True)
        ids = list(bounds)
        rollup: Facts = defaultdict(lambda: [0, 0])
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            facts = contributions((part[0], part[-1]))
            real: Facts = {}
            for key, value in facts.items():
                if key[0] == 0:
                    row = rollup[key]
                    row[0] += value[0]
                    row[1] += value[1]
                else:
                    real[key] = value
            apply(real, batch=5000)
            if progress:
                progress(start + len(part), len(ids))
        for key, value in company_less_entries().items():
            row = rollup[key] if key[0] == 0 else [0, 0]
            if key[0] != 0:
                apply({key: value})
                continue
            row[0] += value[0]
            row[1] += value[1]
        apply(dict(rollup), batch=5000)
        return ReportFact.objects.count()


def build_if_missing(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """After ``migrate``: a database that has data but no facts yet (one upgraded from a release
    without them, or restored from such a backup) gets them built, so its report is right from
    the first request. Above ``DIGIHUB_REPORT_FACTS_AUTO_BUILD`` companies the build takes long
    enough (about half an hour for a million) that it is left to ``rebuild_report_facts``, run
    when the operator chooses, and ``migrate`` says so. Cheap checks otherwise."""
    from digihub.companies.models import Company

    if using != DEFAULT_DB_ALIAS or ReportFact.objects.exists():
        return
    companies = Company.objects.count()
    if not companies:
        return
    stdout = kwargs.get("stdout") or sys.stdout
    if companies > settings.DIGIHUB_REPORT_FACTS_AUTO_BUILD:
        stdout.write(
            f"The report facts are not built yet for {companies:,} companies: run "
            "`manage.py rebuild_report_facts` before the report is read.\n"
        )
        return
    rows = rebuild()
    stdout.write(f"Report facts built from the existing data ({rows:,} rows).\n")


def stored() -> Facts:
    return {
        tuple(row[:10]): [row[10], row[11]]  # type: ignore[misc]
        for row in ReportFact.objects.exclude(n=0, cents=0).values_list(*COLUMNS, "n", "cents")
    }


def fresh() -> Facts:
    from digihub.companies.models import Company

    total: Facts = defaultdict(lambda: [0, 0])
    ids = list(Company.objects.order_by("pk").values_list("pk", flat=True))
    parts = [
        contributions((ids[i], ids[min(i + 20000, len(ids)) - 1]))
        for i in range(0, len(ids), 20000)
    ]
    for facts in (*parts, company_less_entries()):
        for key, value in facts.items():
            row = total[key]
            row[0] += value[0]
            row[1] += value[1]
    return {k: v for k, v in total.items() if v[0] or v[1]}


def check() -> Facts:
    """The differences between the stored facts and a fresh computation (empty when right)."""
    return difference(stored(), fresh())


# Changes made outside a workflow step (a registration, a booking, an edited theme or partner, a
# company that moved province) keep the facts through the model signals: the contributions of
# the company before the write (``pre_*``) and after it (``post_*``), in the write's transaction.
# Inside a step (``tracking`` already open for the company) they cost nothing.


def _company_ids(sender: Any, instance: Any) -> list[int]:
    from digihub.companies.models import Company
    from digihub.intake.models import Question
    from digihub.trajectories.models import Trajectory

    if isinstance(instance, Company):
        return [instance.pk] if instance.pk else []
    if getattr(instance, "company_id", None):
        return [instance.company_id]
    if getattr(instance, "request_id", None):  # a receipt of a payment request
        from digihub.funding.models import PaymentRequest

        return list(
            PaymentRequest.objects.filter(pk=instance.request_id).values_list(
                "company_id", flat=True
            )
        )
    if getattr(instance, "question_id", None):
        return list(
            Question.objects.filter(pk=instance.question_id).values_list("company_id", flat=True)
        )
    if getattr(instance, "trajectory_id", None):
        return list(
            Trajectory.objects.filter(pk=instance.trajectory_id).values_list(
                "company_id", flat=True
            )
        )
    return []


_PENDING = "_report_facts_before"


def _before(companies: list[int], holder: Any) -> None:
    companies = [c for c in companies if not is_tracked(c)]
    if companies:
        setattr(holder, _PENDING, (companies, contributions(companies)))


def _after(holder: Any) -> None:
    pending = holder.__dict__.pop(_PENDING, None)
    if pending is not None:
        companies, before = pending
        apply(difference(contributions(companies), before))


def _entry_less(instance: Any) -> bool:
    from digihub.funding.models import LedgerEntry

    return isinstance(instance, LedgerEntry) and not instance.company_id


def pre_write(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw") or _entry_less(instance) or _same_traits(instance):
        return
    _before(_company_ids(sender, instance), instance)


def _same_traits(instance: Any) -> bool:
    """A company saved without a change to what the figures group it by."""
    from digihub.companies.models import Company

    if not isinstance(instance, Company) or not instance.pk:
        return False
    traits = ("province_id", "nace_section", "size_class")
    stored = Company.objects.filter(pk=instance.pk).values_list(*traits).first()
    return stored is None or stored == tuple(getattr(instance, t) for t in traits)


def post_write(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    if _entry_less(instance):
        if kwargs.get("created"):
            apply(entry_facts([instance.pk]))
        return
    _after(instance)


def pre_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    pre_write(sender, instance)


def post_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    _after(instance)


def themes_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if action.startswith("pre_"):
        if reverse:  # theme.questions.add(...): the companies of those rows
            model = kwargs["model"]
            ids = list(pk_set or ()) if action != "pre_clear" else None
            rows = model.objects.all() if ids is None else model.objects.filter(pk__in=ids)
            companies = list(
                rows.filter(themes=instance).values_list("company_id", flat=True)
                if ids is None
                else rows.values_list("company_id", flat=True)
            )
            _before(sorted(set(companies)), instance)
        else:
            _before(_company_ids(sender, instance), instance)
    elif action.startswith("post_"):
        _after(instance)


def connect() -> None:
    """Wire the facts to every model a figure reads (called from the app's ``ready``)."""
    from django.db.models import signals

    from digihub.companies.models import Company
    from digihub.core.workflow import observe_steps
    from digihub.funding.models import LedgerEntry, PaymentRequest, Receipt
    from digihub.intake.models import Conversation, Question, QuestionTransition
    from digihub.trajectories.models import Advice, PhaseSpan, Survey, Trajectory

    for model in (
        Company,
        Question,
        QuestionTransition,
        Conversation,
        Trajectory,
        PhaseSpan,
        Advice,
        Survey,
        PaymentRequest,
        Receipt,
        LedgerEntry,
    ):
        uid = f"report-facts-{model._meta.label_lower}"
        signals.pre_save.connect(pre_write, sender=model, dispatch_uid=uid + "-pre")
        signals.post_save.connect(post_write, sender=model, dispatch_uid=uid + "-post")
        signals.pre_delete.connect(pre_delete, sender=model, dispatch_uid=uid + "-pre-del")
        signals.post_delete.connect(post_delete, sender=model, dispatch_uid=uid + "-post-del")
    for through in (Question.themes.through, Trajectory.themes.through):
        signals.m2m_changed.connect(
            themes_changed, sender=through, dispatch_uid=f"report-facts-{through._meta.label_lower}"
        )
    observe_steps(None)(lambda locked: tracking(_company_ids(type(locked), locked)))
