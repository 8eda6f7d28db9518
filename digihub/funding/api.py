from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from digihub.api.types import DbId, InputSchema
from digihub.core.access import get_visible_or_404, visible
from digihub.core.money import MAX_AMOUNT
from digihub.network.models import Hub

from . import services
from .models import HubBudget, LedgerEntry, PaymentRequest, Programme
from .policies import require_budget_reader
from .selectors import budget_overview, reconciliation

router = Router(tags=["funding"])


class ProgrammeOut(Schema):
    id: int
    code: str
    name: str
    start: dt.date
    end: dt.date


class BudgetRowOut(Schema):
    project_type: int
    source: str
    is_subsidy: bool
    budget: Decimal
    committed: Decimal
    spent: Decimal
    available: Decimal


class ReconciliationOut(Schema):
    label: str
    computed: Decimal
    declared: Decimal | None
    status: str


class EntryOut(Schema):
    id: int
    booked_on: dt.date
    kind: str
    hub_id: int
    project_type_id: int
    source: str = Field(..., alias="source.code")
    amount: Decimal
    company_id: int | None
    document_label: str
    reason: str


class PaymentOut(Schema):
    id: int
    company_id: int
    amount: Decimal
    structured_communication: str
    status: str
    paid_at: dt.datetime | None


class SplitIn(InputSchema):
    hub_id: DbId
    amount: Decimal = Field(..., ge=0, le=10**9, max_digits=14, decimal_places=2)


class SplitLineOut(Schema):
    source_code: str
    source_name: str
    rate: Decimal
    amount: Decimal
    is_subsidy: bool


class SplitOut(Schema):
    total: Decimal
    subsidy: Decimal
    private: Decimal
    lines: list[SplitLineOut]


class BudgetIn(InputSchema):
    amount: Decimal = Field(..., ge=0, le=MAX_AMOUNT, max_digits=14, decimal_places=2)
    reason: str = Field(..., min_length=1, max_length=300)


class EntryFilters(InputSchema):
    programme: DbId | None = None
    hub: DbId | None = None
    kind: str | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**9)


def _reader(request: HttpRequest) -> None:
    require_budget_reader(request.user)


@router.get("/programmes", response=list[ProgrammeOut])
def list_programmes(request: HttpRequest) -> object:
    return visible(request.user, Programme)


@router.get("/programmes/{programme_id}/budget", response=list[BudgetRowOut])
def programme_budget(request: HttpRequest, programme_id: DbId, hub: DbId | None = None) -> object:
    _reader(request)
    programme = get_visible_or_404(request.user, Programme, pk=programme_id)
    hubs = Hub.objects.filter(pk__in=visible(request.user, HubBudget).values("hub_id"))
    if hub is not None:
        hubs = hubs.filter(pk=hub)
    overview = budget_overview(programme=programme, hubs=hubs)
    return [
        {
            "project_type": r.project_type.number,
            "source": r.source_code,
            "is_subsidy": r.is_subsidy,
            "budget": r.budget,
            "committed": r.committed,
            "spent": r.spent,
            "available": r.available,
        }
        for r in overview.rows
    ]


@router.get("/programmes/{programme_id}/reconciliation", response=list[ReconciliationOut])
def programme_reconciliation(request: HttpRequest, programme_id: DbId) -> object:
    _reader(request)
    programme = get_visible_or_404(request.user, Programme, pk=programme_id)
    return [
        {
            "label": line.label,
            "computed": line.computed,
            "declared": line.declared,
            "status": line.status,
        }
        for line in reconciliation(programme)
    ]


@router.get("/ledger", response=list[EntryOut])
def list_entries(request: HttpRequest, filters: Query[EntryFilters]) -> object:
    _reader(request)
    qs = visible(request.user, LedgerEntry).select_related("source").order_by("-booked_on", "-id")
    if filters.programme:
        qs = qs.filter(programme_id=filters.programme)
    if filters.hub:
        qs = qs.filter(hub_id=filters.hub)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs[filters.offset : filters.offset + filters.limit]


@router.post("/split", response=SplitOut)
def split(request: HttpRequest, payload: SplitIn) -> object:
    _reader(request)
    hub = get_visible_or_404(request.user, Hub, pk=payload.hub_id)
    return services.guidance_split(hub=hub, amount=payload.amount)


@router.put("/budgets/{budget_id}", response=dict)
def set_budget(request: HttpRequest, budget_id: DbId, payload: BudgetIn) -> object:
    budget = get_visible_or_404(request.user, HubBudget, pk=budget_id)
    # The service checks who may change it; refusals become 403 / 422 (digihub.api.api).
    saved = services.set_budget(
        actor=request.user, budget=budget, amount=payload.amount, reason=payload.reason
    )
    return {"id": saved.pk, "amount": str(saved.amount)}


@router.get("/payments", response=list[PaymentOut])
def list_payments(request: HttpRequest) -> object:
    return visible(request.user, PaymentRequest).order_by("-created_at")[:500]


@router.post("/payments/{payment_id}/paid", response=PaymentOut)
def payment_paid(request: HttpRequest, payment_id: DbId) -> object:
    payment = get_visible_or_404(
        request.user, PaymentRequest.objects.select_related("company"), pk=payment_id
    )
    return services.mark_paid(actor=request.user, request=payment)
