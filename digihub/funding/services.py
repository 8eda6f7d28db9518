"""The funding engine: splits, commitments, releases, expenditure, payment requests, de minimis.

Every booking locks the hub budget row it books against (an UPDATE of its version column first,
which takes the row lock on PostgreSQL and the write lock on SQLite), re-reads the balances and
only then writes, so two commitments at the same moment cannot both pass when only one fits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.be import ogm_vcs

from digihub.audit.services import record_event
from digihub.core.formatting import eur
from digihub.core.money import ZERO, cents

from .models import (
    EntryKind,
    HubBudget,
    LedgerEntry,
    PaymentRequest,
    PaymentStatus,
    Programme,
    ProjectKind,
    ProjectType,
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


@dataclass(frozen=True)
class Commitment:
    split: Split
    payment_request: PaymentRequest | None
    entries: tuple[LedgerEntry, ...]


def _rates(project_type: ProjectType) -> list[SourceRate]:
    return list(
        project_type.rates.select_related("source").order_by("source__order", "source__code")
    )


def validate_rates(rates: list[Decimal]) -> None:
    if any(rate < 0 or rate > 1 for rate in rates):
        raise ValidationError(_("Every rate lies between 0 % and 100 %."))
    if sum(rates, Decimal(0)) != Decimal(1):
        raise ValidationError(
            _("The rates of a project type must add up to 100 %%; these add up to %(sum)s %%.")
            % {"sum": (sum(rates, Decimal(0)) * 100).normalize()}
        )


def split_amount(project_type: ProjectType, amount: Decimal) -> Split:
    if amount is None or Decimal(amount) < 0:
        raise ValidationError(_("An amount cannot be negative."))
    rates = _rates(project_type)
    validate_rates([r.rate for r in rates])
    parts = split_cents(Decimal(amount), [r.rate for r in rates])
    lines = tuple(
        SplitLine(r.source.code, r.source.name, r.rate, part, r.source.is_subsidy)
        for r, part in zip(rates, parts, strict=True)
    )
    subsidy = sum((line.amount for line in lines if line.is_subsidy), ZERO)
    return Split(cents(amount), lines, subsidy, cents(amount) - subsidy)


def guidance_budget(*, hub: Any, on: dt.date | None = None) -> HubBudget:
    day = on or timezone.localdate()
    budget = (
        HubBudget.objects.select_related("programme", "project_type")
        .filter(
            hub=hub,
            project_type__kind=ProjectKind.GUIDANCE,
            programme__start__lte=day,
            programme__end__gte=day,
        )
        .order_by("-programme__start")
        .first()
    )
    if budget is None:
        raise FundingRefused(
            _("No funding programme with a guidance budget covers %(hub)s on %(day)s.")
            % {"hub": hub, "day": day}
        )
    return budget


def guidance_split(*, hub: Any, amount: Decimal, on: dt.date | None = None) -> Split:
    return split_amount(guidance_budget(hub=hub, on=on).project_type, amount)


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
    sources = {r.source.code: r.source for r in _rates(budget.project_type)}
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
    if Decimal(amount) <= 0:
        raise ValidationError({"amount": _("A commitment is a positive amount.")})
    day = on or timezone.localdate()
    locked = _lock(budget)
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
        request = PaymentRequest.objects.create(
            company=company,
            programme=locked.programme,
            hub=locked.hub,
            amount=sme_share,
            structured_communication=_next_communication(),
            **_document_ref(document),
        )
    record_event(
        actor=actor,
        action="funding.committed",
        target=locked,
        company=company,
        summary=_("%(amount)s committed on %(budget)s")
        % {"amount": eur(split.total), "budget": locked},
        reason=reason,
        data={"subsidy": str(split.subsidy), "document": str(document) if document else ""},
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
    budget = guidance_budget(hub=hub, on=on)
    return book_commitment(
        actor=actor,
        budget=budget,
        company=company,
        amount=amount,
        document=document,
        reason=reason or _("Quote signed"),
        on=on,
    )


def _budget_of(document: models.Model) -> tuple[HubBudget, Any]:
    entry = (
        LedgerEntry.objects.filter(kind=EntryKind.COMMIT, **_document_filter(document))
        .select_related("company")
        .first()
    )
    if entry is None:
        raise FundingRefused(_("Nothing is committed for %(document)s.") % {"document": document})
    budget = HubBudget.objects.get(
        programme=entry.programme_id, hub=entry.hub_id, project_type=entry.project_type_id
    )
    return budget, entry.company


@transaction.atomic
def release_commitment(
    *, actor: Any, document: models.Model, amount: Decimal | None = None, reason: str
) -> Decimal:
    budget, company = _budget_of(document)
    locked = _lock(budget)
    remaining = committed_for(document) - spent_for(document)
    to_release = remaining if amount is None else cents(amount)
    if to_release < 0 or to_release > remaining:
        raise FundingRefused(
            _("Only %(remaining)s can still be released for %(document)s.")
            % {"remaining": eur(remaining), "document": document}
        )
    if to_release == 0:
        return ZERO
    split = split_amount(locked.project_type, to_release)
    _book(
        locked,
        split,
        EntryKind.RELEASE,
        actor=actor,
        company=company,
        document=document,
        reason=reason,
        day=timezone.localdate(),
    )
    record_event(
        actor=actor,
        action="funding.released",
        target=locked,
        company=company,
        summary=_("%(amount)s released from %(budget)s")
        % {"amount": eur(to_release), "budget": locked},
        reason=reason,
    )
    return to_release


@transaction.atomic
def declare_expenditure(
    *, actor: Any, document: models.Model, amount: Decimal, reason: str
) -> None:
    budget, company = _budget_of(document)
    locked = _lock(budget)
    amount = cents(amount)
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
    split = split_amount(locked.project_type, amount)
    _book(
        locked,
        split,
        EntryKind.SPEND,
        actor=actor,
        company=company,
        document=document,
        reason=reason,
        day=timezone.localdate(),
    )
    record_event(
        actor=actor,
        action="funding.spent",
        target=locked,
        company=company,
        summary=_("%(amount)s declared on %(budget)s") % {"amount": eur(amount), "budget": locked},
        reason=reason,
    )


@transaction.atomic
def declare_operational_cost(
    *, actor: Any, budget: HubBudget, amount: Decimal, reason: str, on: dt.date | None = None
) -> Split:
    """Project type 1 (operation): costs are committed and spent in one booking."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the cost is for.")})
    commitment = book_commitment(
        actor=actor,
        budget=budget,
        company=None,
        amount=amount,
        document=budget,
        reason=reason,
        on=on,
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
        day=on or timezone.localdate(),
    )
    return commitment.split


@transaction.atomic
def set_budget(*, actor: Any, budget: HubBudget, amount: Decimal, reason: str) -> HubBudget:
    locked = _lock(budget)
    amount = cents(amount)
    if amount < 0:
        raise ValidationError({"amount": _("A budget cannot be negative.")})
    committed = sum(
        committed_by_source(
            programme=locked.programme, hub=locked.hub, project_type=locked.project_type
        ).values(),
        ZERO,
    )
    if amount < committed:
        raise ValidationError(
            {
                "amount": _(
                    "%(committed)s is already committed on this budget; it cannot go below that."
                )
                % {"committed": eur(committed)}
            }
        )
    old = locked.amount
    locked.amount = amount
    locked.save(update_fields=["amount"])
    record_event(
        actor=actor,
        action="funding.budget_set",
        target=locked,
        summary=_("Budget %(budget)s: %(old)s → %(new)s")
        % {"budget": locked, "old": eur(old), "new": eur(amount)},
        reason=reason,
    )
    return locked


@transaction.atomic
def set_rates(
    *, actor: Any, project_type: ProjectType, rates: dict[str, Decimal], reason: str = ""
) -> None:
    validate_rates(list(rates.values()))
    for rate in project_type.rates.select_related("source"):
        if rate.source.code in rates:
            rate.rate = rates[rate.source.code]
            rate.save(update_fields=["rate"])
    record_event(
        actor=actor,
        action="funding.rates_set",
        target=project_type,
        summary=_("Rates changed"),
        reason=reason,
        data={k: str(v) for k, v in rates.items()},
    )


@transaction.atomic
def mark_paid(*, actor: Any, request: PaymentRequest) -> PaymentRequest:
    locked = PaymentRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != PaymentStatus.OPEN:
        raise ValidationError(_("Only an open payment request can be marked paid."))
    locked.status, locked.paid_at = PaymentStatus.PAID, timezone.now()
    locked.save(update_fields=["status", "paid_at"])
    record_event(
        actor=actor,
        action="funding.paid",
        target=locked,
        company=locked.company,
        summary=_("Payment %(ref)s received") % {"ref": locked},
    )
    return locked
