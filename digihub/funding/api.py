from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from digihub.api.types import DbId, InputSchema
from digihub.core.access import get_visible_or_404, visible
from digihub.core.money import MAX_AMOUNT
from digihub.network.models import Hub

from . import payments, services
from .models import (
    BankStatement,
    EntryState,
    HubBudget,
    LedgerEntry,
    PaymentRequest,
    Programme,
    StatementEntry,
)
from .policies import require_budget_reader, require_reconciler
from .selectors import budget_overview, reconciliation
from .statements import StatementRefused

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


# Bank statements: the reconciliation page's upload, lists and resolutions, for the same people.
class StatementOut(Schema):
    id: int
    account: str = Field(..., alias="payee.iban")
    payee: str = Field(..., alias="payee.name")
    statement_id: str
    file_name: str
    created_on: dt.date | None
    uploaded_at: dt.datetime
    state: str
    credits: int
    matched: int
    to_resolve: int
    already_known: int
    total: Decimal


class ImportOut(Schema):
    already_imported: bool
    statement: StatementOut


class StatementEntryOut(Schema):
    id: int
    statement: int = Field(..., alias="statement_id")
    reference: str
    booked_on: dt.date
    amount: Decimal
    currency: str
    debtor_name: str
    debtor_iban: str
    communication: str
    structured: str
    state: str
    reason: str
    payment: int | None = Field(..., alias="request_id")
    suggestion: int | None = Field(..., alias="suggestion_id")
    note: str


class Page(InputSchema):
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**9)


class EntryFiltersIn(Page):
    state: EntryState = EntryState.TO_RESOLVE


class ResolveIn(InputSchema):
    """Which request the credit pays: its id, or its structured communication (as on the page)."""

    payment_id: DbId | None = None
    communication: str | None = Field(None, max_length=40)
    note: str = Field("", max_length=300)


class DismissIn(InputSchema):
    note: str = Field(..., min_length=1, max_length=300)


def _statement(request: HttpRequest, statement_id: int) -> BankStatement:
    require_reconciler(request.user)
    return get_visible_or_404(
        request.user, BankStatement.objects.select_related("payee"), pk=statement_id
    )


def _entry(request: HttpRequest, entry_id: int) -> StatementEntry:
    require_reconciler(request.user)
    return get_visible_or_404(
        request.user, StatementEntry.objects.select_related("payee", "statement"), pk=entry_id
    )


@router.post("/statements", response={200: ImportOut, 201: ImportOut}, url_name="upload_statement")
def upload_statement(request: HttpRequest, file: File[UploadedFile]) -> object:
    """Import a camt.053 statement (multipart field ``file``): 201 when imported, 200 when the
    same file was imported before (nothing changes); a file that cannot be trusted is refused
    (422, saying why) and nothing is imported."""
    require_reconciler(request.user)
    try:
        result = payments.import_upload(actor=request.user, upload=file)
    except StatementRefused as exc:
        raise ValidationError({"file": exc.error_list}) from exc
    body = {"already_imported": result.already_imported, "statement": result.statement}
    return Status(200 if result.already_imported else 201, body)


@router.get("/statements", response=list[StatementOut], url_name="list_statements")
def list_statements(request: HttpRequest, page: Query[Page]) -> object:
    require_reconciler(request.user)
    statements = visible(request.user, BankStatement).select_related("payee")
    return statements.order_by("-uploaded_at", "-id")[page.offset : page.offset + page.limit]


@router.get("/statements/{statement_id}", response=StatementOut, url_name="get_statement")
def get_statement(request: HttpRequest, statement_id: DbId) -> object:
    return _statement(request, statement_id)


@router.get(
    "/statements/{statement_id}/entries",
    response=list[StatementEntryOut],
    url_name="statement_entries",
)
def statement_entries(request: HttpRequest, statement_id: DbId, page: Query[Page]) -> object:
    """Every credit of the statement: matched, to resolve, assigned by hand or set aside."""
    entries = _statement(request, statement_id).entries.order_by("booked_on", "pk")  # type: ignore[attr-defined]
    return entries[page.offset : page.offset + page.limit]


@router.get(
    "/statement-entries", response=list[StatementEntryOut], url_name="list_statement_entries"
)
def list_statement_entries(request: HttpRequest, filters: Query[EntryFiltersIn]) -> object:
    """Credits of every statement this user may see, in one state (by default: to resolve)."""
    require_reconciler(request.user)
    entries = visible(request.user, StatementEntry).filter(state=filters.state)
    return entries.order_by("booked_on", "pk")[filters.offset : filters.offset + filters.limit]


@router.post(
    "/statement-entries/{entry_id}/resolve",
    response=StatementEntryOut,
    url_name="resolve_entry",
)
def resolve_entry(request: HttpRequest, entry_id: DbId, payload: ResolveIn) -> object:
    """The credit pays this request after all: it is recorded as received for it."""
    entry = _entry(request, entry_id)
    if (payload.payment_id is None) == (payload.communication is None):
        raise ValidationError(
            {"payment_id": _("Name the payment request by its id or by its communication.")}
        )
    if payload.payment_id is not None:
        target = get_visible_or_404(request.user, PaymentRequest, pk=payload.payment_id)
    else:
        target = payments.request_named_by(request.user, payload.communication or "")
    payments.resolve_entry(actor=request.user, entry=entry, request=target, note=payload.note)
    return StatementEntry.objects.get(pk=entry.pk)


@router.post(
    "/statement-entries/{entry_id}/dismiss",
    response=StatementEntryOut,
    url_name="dismiss_entry",
)
def dismiss_entry(request: HttpRequest, entry_id: DbId, payload: DismissIn) -> object:
    """The credit pays no request (another income, to be paid back): off the list, with why."""
    return payments.dismiss_entry(
        actor=request.user, entry=_entry(request, entry_id), note=payload.note
    )
