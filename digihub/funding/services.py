"""The funding engine: splits, commitments, releases, expenditure, payment requests, de minimis.

Every booking locks the hub budget row it books against (an UPDATE of its version column first,
which takes the row lock on PostgreSQL and the write lock on SQLite), re-reads the balances and
only then writes, so two commitments at the same moment cannot both pass when only one fits.

Public entry points (``set_budget``, ``set_rates``, ``declare_operational_cost``, ``mark_paid``;
the SME's share in ``payments``)
check the actor's permission themselves with ``digihub.core.access.require``, whichever page, API
call, admin action or command calls them. The bookings of a trajectory (``commit_quote``,
``release_commitment``, ``declare_expenditure``) are steps inside a trajectory transition, whose
service has already checked who acts; they are not offered to pages or the API directly.

Every amount lies between zero and ``MAX_AMOUNT`` (what a money column holds). A commitment is
split at the current version of its project type's rates and records that version; its releases
and expenditure are split at the same version and never take more from a source than the
document still holds there, so committed − released − spent is never negative per source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.be import ogm_vcs

from digihub.audit.services import record_event
from digihub.core.access import require
from digihub.core.formatting import date as format_date
from digihub.core.formatting import eur
from digihub.core.money import MAX_AMOUNT, ZERO, cents
from digihub.core.notifications import Message, message

from .models import (
    EntryKind,
    FundingSource,
    HubBudget,
    LedgerEntry,
    PaymentRequest,
    Programme,
    ProjectKind,
    ProjectType,
    ServiceFunding,
    SourceRate,
)
from .splitting import split_cents


class FundingRefused(ValidationError):
    """A booking that does not fit a budget, cap or ceiling; the message says which and by how much."""


@dataclass(frozen=True)
class SplitLine:
    source_code: str
    source_name: str
    rate: Decimal
    amount: Decimal
    is_subsidy: bool


@dataclass(frozen=True)
class Split:
    total: Decimal
    lines: tuple[SplitLine, ...]
    subsidy: Decimal
    private: Decimal
    rate_version: int = 1


@dataclass(frozen=True)
class Commitment:
    split: Split
    payment_request: PaymentRequest | None
    entries: tuple[LedgerEntry, ...]


RATE_PLACES = Decimal("0.000001")  # SourceRate.rate: 6 decimal places


def _rates(project_type: ProjectType, version: int | None = None) -> list[SourceRate]:
    """The rates of one version (default: the current one), in the order of the sources."""
    qs = (
        SourceRate.history.filter(project_type=project_type, version=version)
        if version is not None
        else project_type.rates.all()
    )
    return list(qs.select_related("source").order_by("source__order", "source__code"))


def money(value: Any, field: str = "amount") -> Decimal:
    """An amount as Decimal euro cents, refused when it is not a number or does not fit a column."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise ValidationError({field: _("Enter an amount in euro.")}, code="invalid")
    amount = cents(amount)
    if amount > MAX_AMOUNT:
        raise ValidationError(
            {field: _("An amount is at most %(max)s.") % {"max": eur(MAX_AMOUNT)}}, code="max"
        )
    return amount


def validate_rates(rates: list[Decimal]) -> None:
    if any(not Decimal(rate).is_finite() for rate in rates):
        raise ValidationError(_("Every rate lies between 0 % and 100 %."))
    if any(rate < 0 or rate > 1 for rate in rates):
        raise ValidationError(_("Every rate lies between 0 % and 100 %."))
    if any(Decimal(rate) != Decimal(rate).quantize(RATE_PLACES) for rate in rates):
        raise ValidationError(_("A rate has at most four decimals after the percent sign."))
    if sum(rates, Decimal(0)) != Decimal(1):
        raise ValidationError(
            _("The rates of a project type must add up to 100 %%; these add up to %(sum)s %%.")
            % {"sum": (sum(rates, Decimal(0)) * 100).normalize()}
        )


def split_amount(
    project_type: ProjectType, amount: Decimal, *, version: int | None = None
) -> Split:
    """Split an amount over the sources at one version of the rates (default: the current one)."""
    if amount is None or Decimal(amount) < 0:
        raise ValidationError(_("An amount cannot be negative."))
    rates = _rates(project_type, version)
    validate_rates([r.rate for r in rates])
    parts = split_cents(Decimal(amount), [r.rate for r in rates])
    return _split_of(
        cents(amount),
        [(r.source, r.rate, part) for r, part in zip(rates, parts, strict=True)],
        rates[0].version,
    )


def _split_of(
    total: Decimal, parts: list[tuple[FundingSource, Decimal, Decimal]], version: int
) -> Split:
    lines = tuple(
        SplitLine(source.code, source.name, rate, part, source.is_subsidy)
        for source, rate, part in parts
    )
    subsidy = sum((line.amount for line in lines if line.is_subsidy), ZERO)
    return Split(total, lines, subsidy, total - subsidy, version)


def guidance_budget(*, hub: Any, on: dt.date | None = None, service_type: str = "") -> HubBudget:
    """The budget a trajectory of the hub is funded from: the project type the programme funds
    the service type with (``ServiceFunding``), else the programme's guidance project type."""
    day = on or timezone.localdate()
    budgets = HubBudget.objects.select_related("programme", "project_type").filter(
        hub=hub, programme__start__lte=day, programme__end__gte=day
    )
    budget = None
    if service_type:
        budget = (
            budgets.filter(
                project_type__service_fundings__service_type=service_type,
                project_type__service_fundings__programme=F("programme"),
            )
            .order_by("-programme__start")
            .first()
        )
    # A programme may have several guidance project types (e.g. training funded apart through
    # its own ServiceFunding): the general one is the one no service type is reserved for, the
    # lowest number among equals — a choice made by the rows, never by the database's order.
    budget = budget or (
        budgets.filter(project_type__kind=ProjectKind.GUIDANCE)
        .annotate(
            reserved=Exists(
                ServiceFunding.objects.filter(
                    project_type=OuterRef("project_type"), programme=OuterRef("programme")
                )
            )
        )
        .order_by("-programme__start", "reserved", "project_type__number", "pk")
        .first()
    )
    if budget is None:
        raise FundingRefused(
            _("No funding programme with a guidance budget covers %(hub)s on %(day)s.")
            % {"hub": hub, "day": day}
        )
    return budget


def guidance_split(
    *, hub: Any, amount: Decimal, on: dt.date | None = None, service_type: str = ""
) -> Split:
    return split_amount(
        guidance_budget(hub=hub, on=on, service_type=service_type).project_type, amount
    )


def _document_ref(document: models.Model | None) -> dict[str, Any]:
    if document is None:
        return {"document_type": None, "document_id": "", "document_label": ""}
    return {
        "document_type": ContentType.objects.get_for_model(type(document)),
        "document_id": str(document.pk),
        "document_label": str(document)[:200],
    }


def _signed(kind: str) -> Any:
    return F("amount") if kind == EntryKind.COMMIT else -F("amount")


def committed_by_source(**filters: Any) -> dict[str, Decimal]:
    """Net commitment (commitments minus releases) per source code, summed in the database."""
    rows = (
        LedgerEntry.objects.filter(kind__in=[EntryKind.COMMIT, EntryKind.RELEASE], **filters)
        .values("source__code")
        .annotate(
            committed=Sum("amount", filter=models.Q(kind=EntryKind.COMMIT), default=ZERO)
            - Sum("amount", filter=models.Q(kind=EntryKind.RELEASE), default=ZERO)
        )
    )
    return {row["source__code"]: row["committed"] for row in rows}


def _net(filters: dict[str, Any], subsidy_only: bool = False) -> Decimal:
    qs = LedgerEntry.objects.filter(**filters)
    if subsidy_only:
        qs = qs.filter(source__is_subsidy=True)
    totals = qs.aggregate(
        commit=Sum("amount", filter=models.Q(kind=EntryKind.COMMIT), default=ZERO),
        release=Sum("amount", filter=models.Q(kind=EntryKind.RELEASE), default=ZERO),
    )
    return totals["commit"] - totals["release"]


def _document_filter(document: models.Model) -> dict[str, Any]:
    return {
        "document_type": ContentType.objects.get_for_model(type(document)),
        "document_id": str(document.pk),
    }


def committed_for(document: models.Model) -> Decimal:
    return _net(_document_filter(document))


def spent_for(document: models.Model) -> Decimal:
    return LedgerEntry.objects.filter(kind=EntryKind.SPEND, **_document_filter(document)).aggregate(
        total=Sum("amount", default=ZERO)
    )["total"]


def de_minimis_received(company: Any, *, on: dt.date, years: int) -> Decimal:
    start = (
        on.replace(year=on.year - years)
        if not (on.month == 2 and on.day == 29)
        else on.replace(year=on.year - years, day=28)
    )
    return _net(
        {"company": company, "booked_on__gt": start, "booked_on__lte": on}, subsidy_only=True
    )


def _lock(budget: HubBudget) -> HubBudget:
    HubBudget.objects.filter(pk=budget.pk).update(version=F("version") + 1)
    return (
        HubBudget.objects.select_for_update()
        .select_related("programme", "project_type", "hub")
        .get(pk=budget.pk)
    )


def _check_fits(budget: HubBudget, split: Split, company: Any, day: dt.date) -> None:
    programme: Programme = budget.programme
    per_source_budget = {
        line.source_code: line.amount
        for line in split_amount(budget.project_type, budget.amount).lines
    }
    used = committed_by_source(
        programme=programme, hub=budget.hub, project_type=budget.project_type
    )
    for line in split.lines:
        available = per_source_budget.get(line.source_code, ZERO) - used.get(line.source_code, ZERO)
        if line.amount > available:
            raise FundingRefused(
                _(
                    "The %(source)s budget of %(hub)s (%(type)s) would be exceeded by %(excess)s: %(available)s is still available, %(asked)s is asked."
                )
                % {
                    "source": line.source_name,
                    "hub": budget.hub,
                    "type": budget.project_type,
                    "excess": eur(line.amount - available),
                    "available": eur(available),
                    "asked": eur(line.amount),
                },
                code="budget",
            )
    checks = (
        (programme.max_subsidy_per_trajectory, ZERO, _("the maximum subsidy per trajectory")),
        (
            programme.max_subsidy_per_hub,
            _net({"programme": programme, "hub": budget.hub}, subsidy_only=True),
            _("the maximum subsidy per hub"),
        ),
        (
            programme.max_subsidy_per_company,
            _net({"programme": programme, "company": company}, subsidy_only=True)
            if company is not None
            else ZERO,
            _("the maximum subsidy per company"),
        ),
        (
            programme.total_subsidy_cap,
            _net({"programme": programme}, subsidy_only=True),
            _("the programme's total subsidy"),
        ),
    )
    for cap, already, label in checks:
        if cap is not None and already + split.subsidy > cap:
            raise FundingRefused(
                _("This would exceed %(cap_label)s (%(cap)s) by %(excess)s.")
                % {
                    "cap_label": label,
                    "cap": eur(cap),
                    "excess": eur(already + split.subsidy - cap),
                },
                code="cap",
            )
    if company is not None and split.subsidy > 0:
        received = de_minimis_received(company, on=day, years=programme.de_minimis_years)
        if received + split.subsidy > programme.de_minimis_ceiling:
            raise FundingRefused(
                _(
                    "%(company)s would go over the de minimis ceiling of %(ceiling)s over %(years)s years by %(excess)s (already received: %(received)s)."
                )
                % {
                    "company": company,
                    "ceiling": eur(programme.de_minimis_ceiling),
                    "years": programme.de_minimis_years,
                    "excess": eur(received + split.subsidy - programme.de_minimis_ceiling),
                    "received": eur(received),
                },
                code="de_minimis",
            )


def budget_label(budget: HubBudget) -> Message:
    """A budget named in an event: its project type's name in each reader's language."""
    return message(gettext_lazy("%(hub)s · %(type)s"), hub=budget.hub, type=budget.project_type)


def _book(
    budget: HubBudget,
    split: Split,
    kind: str,
    *,
    actor: Any,
    company: Any,
    document: Any,
    reason: str,
    day: dt.date,
) -> tuple[LedgerEntry, ...]:
    ref = _document_ref(document)
    entries = []
    sources = FundingSource.objects.in_bulk(
        [line.source_code for line in split.lines], field_name="code"
    )
    for line in split.lines:
        if line.amount <= 0:
            continue
        entry = LedgerEntry(
            programme=budget.programme,
            hub=budget.hub,
            project_type=budget.project_type,
            source=sources[line.source_code],
            kind=kind,
            amount=line.amount,
            company=company,
            booked_on=day,
            actor=actor if getattr(actor, "pk", None) else None,
            reason=reason[:300] or kind,
            rate_version=split.rate_version,
            **ref,
        )
        entry.save()
        entries.append(entry)
    return tuple(entries)


def _next_communication() -> str:
    base = PaymentRequest.objects.count() + 1
    while True:
        number = f"{base:010d}"
        candidate = number + ogm_vcs.calc_check_digits(number)
        if not PaymentRequest.objects.filter(structured_communication=candidate).exists():
            return candidate
        base += 1


def _check_period(programme: Programme, day: dt.date) -> None:
    if not programme.start <= day <= programme.end:
        raise FundingRefused(
            _(
                "%(programme)s runs from %(start)s to %(end)s; nothing can be booked on it on %(day)s."
            )
            % {
                "programme": programme,
                "start": format_date(programme.start),
                "end": format_date(programme.end),
                "day": format_date(day),
            },
            code="period",
        )


@transaction.atomic
def book_commitment(
    *,
    actor: Any,
    budget: HubBudget,
    company: Any,
    amount: Decimal,
    document: models.Model | None,
    reason: str = "",
    on: dt.date | None = None,
    payment_request: bool = True,
) -> Commitment:
    """Internal: commit an amount on a budget (called by ``commit_quote`` and operational costs)."""
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("A commitment is a positive amount.")})
    day = on or timezone.localdate()
    locked = _lock(budget)
    _check_period(locked.programme, day)
    split = split_amount(locked.project_type, amount)
    _check_fits(locked, split, company, day)
    entries = _book(
        locked,
        split,
        EntryKind.COMMIT,
        actor=actor,
        company=company,
        document=document,
        reason=reason,
        day=day,
    )
    request = None
    sme_share = sum(
        (
            line.amount
            for line in split.lines
            if not line.is_subsidy and line.source_code == "private_sme"
        ),
        ZERO,
    )
    if payment_request and company is not None and sme_share > 0:
        from .payees import due_date_for, payee_for

        request = PaymentRequest.objects.create(
            company=company,
            programme=locked.programme,
            hub=locked.hub,
            payee=payee_for(locked.programme, locked.hub),
            amount=sme_share,
            structured_communication=_next_communication(),
            due_date=due_date_for(locked.programme, max(day, timezone.localdate())),
            **_document_ref(document),
        )
    record_event(
        actor=actor,
        action="funding.committed",
        target=locked,
        company=company,
        summary=message(
            gettext_lazy("%(amount)s committed on %(budget)s"),
            amount=split.total,
            budget=budget_label(locked),
        ),
        reason=reason,
        data={
            "subsidy": str(split.subsidy),
            "document": str(document) if document else "",
            "rate_version": split.rate_version,
        },
    )
    return Commitment(split, request, entries)


def commit_quote(
    *,
    actor: Any,
    hub: Any,
    company: Any,
    amount: Decimal,
    document: models.Model,
    reason: str = "",
    on: dt.date | None = None,
) -> Commitment:
    """Internal: a step of signing a quote; the trajectory service has checked who signs.
    The document's ``service_type`` (a quote: its trajectory's) chooses the project type."""
    budget = guidance_budget(
        hub=hub, on=on, service_type=str(getattr(document, "service_type", "") or "")
    )
    return book_commitment(
        actor=actor,
        budget=budget,
        company=company,
        amount=amount,
        document=document,
        reason=reason or _("Quote signed"),
        on=on,
    )


def _budget_of(document: models.Model) -> tuple[HubBudget, Any, int]:
    entry = (
        LedgerEntry.objects.filter(kind=EntryKind.COMMIT, **_document_filter(document))
        .select_related("company")
        .order_by("id")
        .first()
    )
    if entry is None:
        raise FundingRefused(_("Nothing is committed for %(document)s.") % {"document": document})
    budget = HubBudget.objects.get(
        programme=entry.programme_id, hub=entry.hub_id, project_type=entry.project_type_id
    )
    return budget, entry.company, entry.rate_version


def document_balance(document: models.Model) -> dict[str, Decimal]:
    """What is committed for a document and neither released nor spent, per source code."""
    rows = (
        LedgerEntry.objects.filter(**_document_filter(document))
        .values("source__code")
        .annotate(
            commit=Sum("amount", filter=models.Q(kind=EntryKind.COMMIT), default=ZERO),
            release=Sum("amount", filter=models.Q(kind=EntryKind.RELEASE), default=ZERO),
            spend=Sum("amount", filter=models.Q(kind=EntryKind.SPEND), default=ZERO),
        )
    )
    return {row["source__code"]: row["commit"] - row["release"] - row["spend"] for row in rows}


def _document_split(
    project_type: ProjectType, version: int, document: models.Model, amount: Decimal
) -> Split:
    """Split a release or expenditure of a document at the rates its commitment used.

    All that is left is taken source by source exactly; a part of it is split at the rates
    (largest remainder), and a source never gives more than the document still holds there: the
    cents it cannot give go to the next source that still has room.
    """
    rates = _rates(project_type, version)
    balance = {code: max(left, ZERO) for code, left in document_balance(document).items()}
    codes = [r.source.code for r in rates]
    weights = [r.rate for r in rates]
    for code in sorted(balance):
        if code not in codes and balance[code] > 0:
            codes.append(code)
            weights.append(Decimal(0))
    if amount == sum(balance.values(), ZERO):
        parts = [balance.get(code, ZERO) for code in codes]
    else:
        parts = split_cents(amount, weights) if sum(weights) == 1 else [ZERO] * len(codes)
        excess = amount - sum(parts, ZERO)
        for index, code in enumerate(codes):
            if parts[index] > balance.get(code, ZERO):
                excess += parts[index] - balance.get(code, ZERO)
                parts[index] = balance.get(code, ZERO)
        for index, code in enumerate(codes):
            room = balance.get(code, ZERO) - parts[index]
            take = min(room, excess)
            if take > 0:
                parts[index] += take
                excess -= take
    sources = FundingSource.objects.in_bulk(codes, field_name="code")
    return _split_of(
        amount,
        [
            (sources[code], weight, part)
            for code, weight, part in zip(codes, weights, parts, strict=True)
        ],
        version,
    )


@transaction.atomic
def release_commitment(
    *,
    actor: Any,
    document: models.Model,
    amount: Decimal | None = None,
    reason: str,
    on: dt.date | None = None,
) -> Decimal:
    """Internal: a step of stopping or completing a trajectory (the caller checked who acts).
    ``on``: the day it happened when that was before today (an imported register)."""
    budget, company, version = _budget_of(document)
    locked = _lock(budget)
    remaining = committed_for(document) - spent_for(document)
    to_release = remaining if amount is None else money(amount)
    if to_release < 0 or to_release > remaining:
        raise FundingRefused(
            _("Only %(remaining)s can still be released for %(document)s.")
            % {"remaining": eur(remaining), "document": document}
        )
    if to_release == 0:
        return ZERO
    split = _document_split(locked.project_type, version, document, to_release)
    _book(
        locked,
        split,
        EntryKind.RELEASE,
        actor=actor,
        company=company,
        document=document,
        reason=reason,
        day=on or timezone.localdate(),
    )
    record_event(
        actor=actor,
        action="funding.released",
        target=locked,
        company=company,
        summary=message(
            gettext_lazy("%(amount)s released from %(budget)s"),
            amount=to_release,
            budget=budget_label(locked),
        ),
        reason=reason,
        data={"document": str(document), "rate_version": version},
    )
    return to_release


@transaction.atomic
def declare_expenditure(
    *, actor: Any, document: models.Model, amount: Decimal, reason: str, on: dt.date | None = None
) -> None:
    """Internal: the final costs of a completed trajectory (the caller checked who acts).
    ``on``: the day it happened when that was before today (an imported register)."""
    budget, company, version = _budget_of(document)
    locked = _lock(budget)
    amount = money(amount)
    available = committed_for(document) - spent_for(document)
    if amount <= 0:
        raise ValidationError({"amount": _("Declared costs are a positive amount.")})
    if amount > available:
        raise FundingRefused(
            _(
                "Declared costs of %(amount)s exceed what is committed and not yet spent (%(available)s)."
            )
            % {"amount": eur(amount), "available": eur(available)}
        )
    split = _document_split(locked.project_type, version, document, amount)
    _book(
        locked,
        split,
        EntryKind.SPEND,
        actor=actor,
        company=company,
        document=document,
        reason=reason,
        day=on or timezone.localdate(),
    )
    record_event(
        actor=actor,
        action="funding.spent",
        target=locked,
        company=company,
        summary=message(
            gettext_lazy("%(amount)s declared on %(budget)s"),
            amount=amount,
            budget=budget_label(locked),
        ),
        reason=reason,
        data={"document": str(document), "rate_version": version},
    )


@transaction.atomic
def declare_operational_cost(
    *, actor: Any, budget: HubBudget, amount: Decimal, reason: str, on: dt.date | None = None
) -> Split:
    """Project type 1 (operation): costs are committed and spent in one booking.

    Only on a budget of an operation project type, and only within the programme's period;
    guidance money is committed by signed quotes alone.
    """
    require(actor, "declare", budget)
    budget = HubBudget.objects.select_related("programme", "project_type", "hub").get(pk=budget.pk)
    if budget.project_type.kind != ProjectKind.OPERATION:
        raise FundingRefused(
            _(
                "Operational costs are declared on an operation budget only; %(budget)s is a guidance budget, whose money is committed by signed quotes."
            )
            % {"budget": budget},
            code="kind",
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the cost is for.")})
    day = on or timezone.localdate()
    _check_period(budget.programme, day)
    commitment = book_commitment(
        actor=actor,
        budget=budget,
        company=None,
        amount=amount,
        document=budget,
        reason=reason,
        on=day,
        payment_request=False,
    )
    locked = _lock(budget)
    _book(
        locked,
        commitment.split,
        EntryKind.SPEND,
        actor=actor,
        company=None,
        document=budget,
        reason=reason,
        day=day,
    )
    record_event(
        actor=actor,
        action="funding.spent",
        target=locked,
        summary=message(
            gettext_lazy("%(amount)s declared on %(budget)s"),
            amount=commitment.split.total,
            budget=budget_label(locked),
        ),
        reason=reason,
        data={"operational": True, "rate_version": commitment.split.rate_version},
    )
    return commitment.split


def _short_of(
    budget: HubBudget, parts: dict[str, Decimal], committed: dict[str, Decimal]
) -> str | None:
    """Why a budget split into ``parts`` per source would not cover what is committed, if so."""
    short = {code: used for code, used in committed.items() if used > parts.get(code, ZERO)}
    if not short:
        return None
    code = min(short)
    source = FundingSource.objects.filter(code=code).first()
    return _(
        "On %(budget)s, %(committed)s is already committed from %(source)s; its part would only be %(part)s."
    ) % {
        "budget": budget,
        "committed": eur(short[code]),
        "source": source.name if source else code,
        "part": eur(parts.get(code, ZERO)),
    }


@transaction.atomic
def set_budget(*, actor: Any, budget: HubBudget, amount: Decimal, reason: str) -> HubBudget:
    require(actor, "change", budget)
    amount = money(amount)
    if amount < 0:
        raise ValidationError({"amount": _("A budget cannot be negative.")})
    if not str(reason or "").strip():
        raise ValidationError({"reason": _("Say why the budget changes.")})
    locked = _lock(budget)
    by_source = committed_by_source(
        programme=locked.programme, hub=locked.hub, project_type=locked.project_type
    )
    committed = sum(by_source.values(), ZERO)
    if amount < committed:
        raise ValidationError(
            {
                "amount": _(
                    "%(committed)s is already committed on this budget; it cannot go below that."
                )
                % {"committed": eur(committed)}
            }
        )
    parts = {
        line.source_code: line.amount for line in split_amount(locked.project_type, amount).lines
    }
    short = _short_of(locked, parts, by_source)
    if short:
        raise ValidationError({"amount": short})
    old = locked.amount
    locked.amount = amount
    locked.save(update_fields=["amount"])
    record_event(
        actor=actor,
        action="funding.budget_set",
        target=locked,
        summary=message(
            gettext_lazy("Budget %(budget)s: %(old)s → %(new)s"),
            budget=budget_label(locked),
            old=old,
            new=amount,
        ),
        reason=reason,
        data={"old": str(old), "new": str(amount)},
    )
    return locked


@transaction.atomic
def set_rates(
    *,
    actor: Any,
    project_type: ProjectType,
    rates: dict[str, Decimal],
    reason: str = "",
) -> int:
    """Give a project type a new version of its rates per source; returns the version number.

    The rates must add up to exactly 100 % and still cover, per source, what every budget of the
    project type has committed. Rates in use never change: commitments keep the version they were
    split with, and their releases and expenditure use it too.
    """
    require(actor, "change", project_type)
    try:
        values = {str(code): Decimal(str(rate)) for code, rate in rates.items()}
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(_("Every rate lies between 0 % and 100 %.")) from exc
    validate_rates(list(values.values()))
    sources = FundingSource.objects.in_bulk(list(values), field_name="code")
    unknown = sorted(set(values) - set(sources))
    if unknown:
        raise ValidationError(
            _("Unknown funding source: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    locked = ProjectType.objects.select_for_update().get(pk=project_type.pk)
    # Lock every budget of the project type (as a commitment does), so none books meanwhile.
    HubBudget.objects.filter(project_type=locked).update(version=F("version") + 1)
    budgets = list(
        HubBudget.objects.select_for_update()
        .filter(project_type=locked)
        .select_related("programme", "hub", "project_type")
        .order_by("pk")
    )
    current = {r.source.code: r.rate for r in _rates(locked)}
    if current == values:
        return locked.rate_version
    codes = sorted(values, key=lambda code: (sources[code].order, code))
    used: dict[tuple[int, int], dict[str, Decimal]] = {}
    for row in (
        LedgerEntry.objects.filter(
            project_type=locked, kind__in=[EntryKind.COMMIT, EntryKind.RELEASE]
        )
        .values("programme_id", "hub_id", "source__code")
        .annotate(
            net=Sum("amount", filter=models.Q(kind=EntryKind.COMMIT), default=ZERO)
            - Sum("amount", filter=models.Q(kind=EntryKind.RELEASE), default=ZERO)
        )
    ):
        used.setdefault((row["programme_id"], row["hub_id"]), {})[row["source__code"]] = row["net"]
    for budget in budgets:
        parts = dict(
            zip(codes, split_cents(budget.amount, [values[c] for c in codes]), strict=True)
        )
        short = _short_of(budget, parts, used.get((budget.programme_id, budget.hub_id), {}))
        if short:
            raise ValidationError(short, code="committed")
    version = locked.rate_version + 1
    today = timezone.localdate()
    SourceRate.history.bulk_create(
        SourceRate(
            project_type=locked,
            source=sources[code],
            rate=values[code],
            version=version,
            valid_from=today,
        )
        for code in codes
    )
    locked.rate_version = version
    locked.save(update_fields=["rate_version"])
    project_type.rate_version = version
    record_event(
        actor=actor,
        action="funding.rates_set",
        target=locked,
        summary=message(
            gettext_lazy("Rates of %(type)s: version %(version)s"), type=locked, version=version
        ),
        reason=reason,
        data={
            "version": version,
            "previous": {k: str(v) for k, v in current.items()},
            "rates": {k: str(v) for k, v in values.items()},
        },
    )
    return version


def mark_paid(*, actor: Any, request: PaymentRequest) -> PaymentRequest:
    """What is still due was received (recorded by hand): the "pay" step of the payment's
    workflow (``digihub.funding.workflow``), through ``payments.record_receipt``."""
    from .payments import record_receipt

    remainder = PaymentRequest.objects.get(pk=request.pk).remainder
    return record_receipt(actor=actor, request=request, amount=remainder or request.amount)


def guard_deletion(instance: models.Model) -> None:
    """Refuse deleting a document money is booked on, or a budget with bookings (any path)."""
    if isinstance(instance, HubBudget):
        booked = LedgerEntry.objects.filter(
            programme=instance.programme_id,
            hub=instance.hub_id,
            project_type=instance.project_type_id,
        ).exists()
    else:
        booked = LedgerEntry.objects.filter(**_document_filter(instance)).exists()
    if booked:
        raise FundingRefused(
            _("Money is booked on %(object)s; it cannot be deleted.") % {"object": instance},
            code="booked",
        )
