from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from digihub.core.money import ZERO

from .models import EntryKind, HubBudget, LedgerEntry, Programme, ProjectType, SourceRate
from .services import split_amount, validate_rates
from .splitting import split_cents


@dataclass
class BudgetRow:
    project_type: ProjectType
    source_code: str
    source_name: str
    is_subsidy: bool
    budget: Decimal
    committed: Decimal = ZERO
    spent: Decimal = ZERO

    @property
    def available(self) -> Decimal:
        return self.budget - self.committed

    @property
    def burn(self) -> Decimal:
        return (self.committed / self.budget) if self.budget else ZERO


@dataclass
class BudgetOverview:
    rows: list[BudgetRow] = field(default_factory=list)

    def total(self, attr: str) -> Decimal:
        return sum((getattr(row, attr) for row in self.rows), ZERO)


def ledger_sums(entries: QuerySet[LedgerEntry]) -> dict[tuple[int, int], dict[str, Decimal]]:
    """Committed (net of releases) and spent per (project type id, source id), in one query
    grouped on the entries' own columns."""
    rows = (
        entries.order_by()
        .values("project_type_id", "source_id")
        .annotate(
            commit=Sum("amount", filter=Q(kind=EntryKind.COMMIT), default=ZERO),
            release=Sum("amount", filter=Q(kind=EntryKind.RELEASE), default=ZERO),
            spend=Sum("amount", filter=Q(kind=EntryKind.SPEND), default=ZERO),
        )
    )
    return {
        (r["project_type_id"], r["source_id"]): {
            "committed": r["commit"] - r["release"],
            "spent": r["spend"],
        }
        for r in rows
    }


def ledger_sums_from_facts(hub_id: int | None = None) -> dict[tuple[int, int], dict[str, Decimal]]:
    """What ``ledger_sums`` adds up, read from the report facts: the whole network (``hub_id``
    None) or one hub, every programme.

    The facts keep the ledger's commitments, releases and spending per day, hub and (project
    type, source), in the transaction that books them (``digihub.reporting.facts``): the whole
    network's sums are a few thousand rows instead of 2.5 million ledger entries (2 s)."""
    from digihub.reporting.facts import LEDGER_MEASURES
    from digihub.reporting.models import ReportFact

    slots = Q(hub=0, chamber=0, province=0) if hub_id is None else Q(hub=hub_id)
    rows = (
        ReportFact.objects.filter(slots, partner=0, theme=0, reader=0, measure__in=LEDGER_MEASURES)
        .values("measure", "key")
        .annotate(cents=Sum("cents"))
        .order_by()
    )
    found: dict[tuple[int, int], dict[str, int]] = {}
    for row in rows:
        type_id, source_id = (int(part) for part in row["key"].split("|"))
        sums = found.setdefault((type_id, source_id), {})
        sums[row["measure"]] = sums.get(row["measure"], 0) + int(row["cents"] or 0)
    return {
        key: {
            "committed": Decimal(v.get("commit", 0) - v.get("release", 0)).scaleb(-2),
            "spent": Decimal(v.get("spend", 0)).scaleb(-2),
        }
        for key, v in found.items()
    }


def budget_overview(
    *, programme: Programme, hubs: QuerySet[Any] | None = None, from_facts: bool = False
) -> BudgetOverview:
    """Budget, committed and spent per project type and source of ``programme`` over ``hubs``
    (every hub when None). ``from_facts``: the ledger sums come from the report facts, for
    ``hubs`` None or a single hub."""
    budgets = HubBudget.objects.filter(programme=programme)
    entries = LedgerEntry.objects.filter(programme=programme)
    hub_id = None
    if hubs is not None:
        budgets = budgets.filter(hub__in=hubs)
        entries = entries.filter(hub__in=hubs)
        if from_facts:
            ids = list(hubs.values_list("pk", flat=True)[:2])
            if len(ids) > 1:
                raise ValueError("the report facts answer for every hub or for one hub")
            if ids:
                hub_id = ids[0]
            else:  # no hub at all: nothing to read, and the ledger's sum over none is cheap
                from_facts = False
    totals: dict[int, Decimal] = dict(
        budgets.order_by().values_list("project_type_id").annotate(total=Sum("amount"))
    )
    # The current rates of every budgeted type with their sources and types, in one query: the
    # order of ``split_amount``, which splits each total the same way (a test holds them equal).
    rates: dict[int, list[SourceRate]] = {type_id: [] for type_id in totals}
    for rate in (
        SourceRate.objects.filter(project_type_id__in=totals)
        .select_related("source", "project_type")
        .order_by("source__order", "source__code")
    ):
        rates[rate.project_type_id].append(rate)
    sums = ledger_sums_from_facts(hub_id) if from_facts else ledger_sums(entries)
    overview = BudgetOverview()
    for type_rates in rates.values():
        validate_rates([r.rate for r in type_rates])  # refused as split_amount refuses them
    for type_id in sorted(rates, key=lambda pk: rates[pk][0].project_type.number):
        type_rates = rates[type_id]
        parts = split_cents(totals[type_id], [r.rate for r in type_rates])
        for rate, part in zip(type_rates, parts, strict=True):
            used = sums.get((type_id, rate.source_id), {})
            overview.rows.append(
                BudgetRow(
                    rate.project_type,
                    rate.source.code,
                    rate.source.name,
                    rate.source.is_subsidy,
                    part,
                    used.get("committed", ZERO),
                    used.get("spent", ZERO),
                )
            )
    return overview


@dataclass(frozen=True)
class ReconciliationLine:
    label: str
    computed: Decimal
    declared: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        return None if self.declared is None else self.computed - self.declared

    @property
    def status(self) -> str:
        if self.declared is None:
            return "none"
        if self.computed == self.declared:
            return "exact"
        # A published figure is "rounded" when it lies within half a percent of the computed one.
        tolerance = max(abs(self.declared) * Decimal("0.005"), Decimal("1"))
        return "rounded" if abs(self.computed - self.declared) <= tolerance else "mismatch"


def reconciliation(programme: Programme) -> list[ReconciliationLine]:
    """Recompute per-source and per-type totals from rates and budgets, beside the declared figures."""
    declared: dict[str, Any] = programme.declared or {}
    budgets = list(
        HubBudget.objects.filter(programme=programme).select_related("project_type", "hub")
    )
    hubs = sorted({b.hub_id for b in budgets})
    per_hub: dict[str, Decimal] = {}
    per_type_subsidy: dict[int, Decimal] = {}
    per_type_total: dict[int, Decimal] = {}
    first_hub = hubs[0] if hubs else None
    by_source_all: dict[str, Decimal] = {}
    names: dict[str, str] = {}
    total_subsidy = ZERO
    for budget in budgets:
        split = split_amount(budget.project_type, budget.amount)
        total_subsidy += split.subsidy
        for line in split.lines:
            by_source_all[line.source_code] = (
                by_source_all.get(line.source_code, ZERO) + line.amount
            )
            names[line.source_code] = line.source_name
        if budget.hub_id == first_hub:
            per_type_total[budget.project_type.number] = budget.amount
            per_type_subsidy[budget.project_type.number] = split.subsidy
            for line in split.lines:
                key = "private" if not line.is_subsidy else line.source_code
                per_hub[key] = per_hub.get(key, ZERO) + line.amount
    lines = []

    def add(key: str, label: str, computed: Decimal) -> None:
        value = declared.get(key)
        lines.append(
            ReconciliationLine(label, computed, Decimal(str(value)) if value is not None else None)
        )

    add("per_hub_total", _("per hub: total budget"), sum(per_type_total.values(), ZERO))
    for number in sorted(per_type_total):
        add(
            f"per_hub_type{number}_total",
            _("per hub: project type %(n)s budget") % {"n": number},
            per_type_total[number],
        )
        add(
            f"per_hub_type{number}_subsidy",
            _("per hub: project type %(n)s subsidy") % {"n": number},
            per_type_subsidy[number],
        )
    for key in sorted(per_hub):
        add(
            f"per_hub_{key}",
            _("per hub: %(source)s")
            % {"source": names.get(key, key) if key != "private" else _("private")},
            per_hub[key],
        )
    add(
        "total",
        _("all %(n)s hubs: total budget") % {"n": len(hubs)},
        sum((b.amount for b in budgets), ZERO),
    )
    add("total_subsidy", _("all %(n)s hubs: subsidy") % {"n": len(hubs)}, total_subsidy)
    for code in sorted(by_source_all):
        add(
            f"total_{code}",
            _("all %(n)s hubs: %(source)s") % {"n": len(hubs), "source": names[code]},
            by_source_all[code],
        )
    return lines


def sme_contributions(payments: QuerySet[Any], moment: Any) -> dict[str, Decimal]:
    """The SMEs' own shares requested and received before ``moment``, for the report.

    Requested: the shares requested then (cancelled and refunded requests left out: they are
    not owed). Paid: the money received then (receipts, so a partly paid share counts for what
    came in), of requests that were not refunded."""
    from .models import PaymentStatus, Receipt

    live = payments.exclude(status__in=[PaymentStatus.CANCELLED, PaymentStatus.REFUNDED])
    requested = live.aggregate(total=Sum("amount", default=ZERO))["total"]
    received = Receipt.objects.filter(
        request__in=live.values("pk"), received_on__lt=_day_of(moment)
    ).aggregate(total=Sum("amount", default=ZERO))["total"]
    return {"requested": requested, "paid": received}


def _day_of(moment: Any) -> Any:
    from django.utils import timezone

    return timezone.localtime(moment).date() if hasattr(moment, "hour") else moment
