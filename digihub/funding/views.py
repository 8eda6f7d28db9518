from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from digihub.companies.models import Company
from digihub.core import formatting
from digihub.core.access import can, get_visible_or_404, require, visible
from digihub.core.forms import add_errors
from digihub.core.lists import Column, Table, bulk
from digihub.core.money import ZERO
from digihub.core.page_cache import cached_page
from digihub.core.pagination import paginate
from digihub.core.pdf import render_pdf
from digihub.network.models import Hub

from . import services
from .forms import AmountForm, LedgerFilter
from .models import (
    FundingSource,
    HubBudget,
    LedgerEntry,
    PaymentRequest,
    PaymentStatus,
    Programme,
    ProjectType,
)
from .policies import require_budget_reader
from .selectors import budget_overview, reconciliation


def _require_budget_reader(request: HttpRequest) -> None:
    require_budget_reader(request.user)


# What a row of the budgets per hub shows, and what deciding its links reads ("declare": the
# hub's lead chamber).
HUB_BUDGET_COLUMNS = (
    "amount",
    "hub__name",
    "hub__chamber_id",
    "project_type__number",
    "project_type__kind",
    *ProjectType.name_columns("project_type"),
)


@login_required
@cached_page
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_budget_reader(request)
    # Each query reads the columns the page shows (the programmes' figures and texts are not).
    programmes = list(visible(request.user, Programme).only("name", "start", "end"))
    # Without a choice the page opens on the programme running today, not the newest one.
    today = timezone.localdate()
    current = next((p for p in programmes if p.start <= today <= p.end), None)
    programme = next(
        (p for p in programmes if str(p.pk) == request.GET.get("programme")),
        current or (programmes[0] if programmes else None),
    )
    budgets = visible(request.user, HubBudget)
    hub_ids = budgets.values("hub_id")
    hubs = Hub.objects.filter(pk__in=hub_ids).only("name").order_by("name")
    hub = next((h for h in hubs if str(h.pk) == request.GET.get("hub")), None)
    overview = None
    if programme is not None:
        # One hub, or every hub for a network-wide reader: the ledger's sums are read from the
        # report facts instead of summing its entries (2 s for the network at scale).
        user: Any = request.user
        if hub is not None:
            overview = budget_overview(
                programme=programme, hubs=Hub.objects.filter(pk=hub.pk), from_facts=True
            )
        elif user.is_network_wide:
            overview = budget_overview(programme=programme, from_facts=True)
        else:
            overview = budget_overview(programme=programme, hubs=hubs)
    # One page of the per-hub budgets: the European network has hundreds of hubs.
    hub_budgets = (
        paginate(
            request,
            budgets.filter(programme=programme, **({"hub": hub} if hub else {}))
            .select_related("hub", "project_type")
            .only(*HUB_BUDGET_COLUMNS)
            .order_by("hub__name", "project_type__number", "pk"),
        )
        if programme
        else None
    )
    # The amounts as shown, each distinct one formatted once: the hubs' budgets repeat a few
    # sizes, the sources of a type not yet used show zero, the totals stand above and below.
    eur, share = _Formatted(formatting.eur), _Formatted(formatting.share)
    figures = ("budget", "committed", "spent", "available")
    rows = [
        (row, {**{f: eur(getattr(row, f)) for f in figures}, "burn": share(row.burn)})
        for row in (overview.rows if overview else [])
    ]
    totals = {f: eur(overview.total(f)) for f in figures} if overview else {}
    return render(
        request,
        "funding/dashboard.html",
        {
            "programmes": programmes,
            "programme": programme,
            "hubs": hubs,
            "hub": hub,
            "rows": rows,
            "hub_budgets": hub_budgets,
            "hub_rows": [(b, eur(b.amount)) for b in hub_budgets or []],
            "totals": totals,
        },
    )


class _Formatted:
    """``format`` of each distinct value once, for one page: the text of a value is that of its
    string (0.00 and -0.00 are equal Decimals but need not read the same)."""

    def __init__(self, format: Callable[[Any], str]) -> None:
        self.format = format
        self.texts: dict[str, str] = {}

    def __call__(self, value: Any) -> str:
        key = f"{type(value).__name__}:{value}"
        text = self.texts.get(key)
        if text is None:
            text = self.texts[key] = self.format(value)
        return text


@login_required
@cached_page
def ledger(request: HttpRequest) -> HttpResponse:
    _require_budget_reader(request)
    form = LedgerFilter(request.GET or None)
    qs = (
        visible(request.user, LedgerEntry)
        .select_related("hub", "source", "project_type", "company", "actor")
        .only(*LEDGER_LIST_COLUMNS)
    )
    if form.is_valid():
        data = form.cleaned_data
        for field in ("programme", "hub", "source"):
            if data.get(field):
                qs = qs.filter(**{field: data[field]})
        if data.get("kind"):
            qs = qs.filter(kind=data["kind"])
        if data.get("start"):
            qs = qs.filter(booked_on__gte=data["start"])
        if data.get("end"):
            qs = qs.filter(booked_on__lte=data["end"])
    table = Table(request, qs, LEDGER_COLUMNS, default="-booked", tiebreak="-id")
    if table.export_format:
        return table.export(_("ledger"))
    page = paginate(request, table.rows, per_page=50)
    template = (
        "funding/_ledger_rows.html" if getattr(request, "htmx", False) else "funding/ledger.html"
    )
    return render(request, template, {"form": form, "page": page, "table": table})


# What an entry's row and its export show.
LEDGER_LIST_COLUMNS = (
    "booked_on",
    "kind",
    "amount",
    "document_label",
    "reason",
    "hub__name",
    "project_type__number",
    *FundingSource.name_columns("source"),
    "company__name",
    "actor__first_name",
    "actor__last_name",
    "actor__email",
)

LEDGER_COLUMNS = [
    Column("booked", _lazy("Booked"), "booked_on", lambda e: e.booked_on),
    Column("kind", _lazy("Kind"), "kind", lambda e: e.get_kind_display()),
    Column("hub", _lazy("Hub"), "hub__name", lambda e: str(e.hub)),
    Column("type", _lazy("Type"), "project_type__number", lambda e: e.project_type.number),
    Column("source", _lazy("Source"), "source__order", lambda e: e.source.name),
    Column("amount", _lazy("Amount"), "amount", lambda e: e.amount, money=True, total=True),
    Column("document", _lazy("Document"), "document_label", lambda e: e.document_label),
    Column("company", _lazy("Company"), None, lambda e: str(e.company or "")),
    Column("why", _lazy("Who and why"), None, lambda e: f"{e.actor or ''} · {e.reason}"),
]


@login_required
def reconciliation_view(request: HttpRequest) -> HttpResponse:
    _require_budget_reader(request)
    programmes = [
        (p, reconciliation(p))
        for p in visible(request.user, Programme).prefetch_related("project_types__rates__source")
    ]
    return render(request, "funding/reconciliation.html", {"programmes": programmes})


@login_required
def budget_edit(request: HttpRequest, pk: int) -> HttpResponse:
    budget = get_visible_or_404(
        request.user, HubBudget.objects.select_related("hub", "project_type", "programme"), pk=pk
    )
    require(request.user, "change", budget)  # the form is offered only to who may use it
    form = AmountForm(request.POST or None, initial={"amount": budget.amount})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_budget(
                actor=request.user,
                budget=budget,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:  # FundingRefused too; PermissionDenied answers 403
            add_errors(form, exc)
        else:
            messages.success(request, _("Budget saved."))
            return redirect(f"{redirect('funding:dashboard').url}?programme={budget.programme_id}")
    return render(
        request,
        "funding/amount_form.html",
        {"form": form, "budget": budget, "title": _("Change budget")},
        status=400 if form.errors else 200,
    )


@login_required
def operational_cost(request: HttpRequest, pk: int) -> HttpResponse:
    budget = get_visible_or_404(
        request.user, HubBudget.objects.select_related("hub", "project_type", "programme"), pk=pk
    )
    require(request.user, "declare", budget)  # the form is offered only to who may use it
    form = AmountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_operational_cost(
                actor=request.user,
                budget=budget,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:  # FundingRefused too; PermissionDenied answers 403
            add_errors(form, exc)
        else:
            messages.success(request, _("Cost declared."))
            return redirect("funding:dashboard")
    return render(
        request,
        "funding/amount_form.html",
        {"form": form, "budget": budget, "title": _("Declare an operational cost")},
        status=400 if form.errors else 200,
    )


@login_required
@cached_page
def payments(request: HttpRequest) -> HttpResponse:
    qs = visible(request.user, PaymentRequest).select_related("company").only(*PAYMENT_LIST_COLUMNS)
    status = request.GET.get("status", "")
    if status in PaymentStatus.values:
        qs = qs.filter(status=status)
    table = Table(request, qs, PAYMENT_COLUMNS, default="status", tiebreak="-created_at")
    if table.export_format:
        return table.export(_("payments"))
    page = paginate(request, table.rows, per_page=50)
    # Asked once a row: the rows one may mark get a box, and the page its button when any does.
    markable = {p.pk for p in page.object_list if can(request.user, "mark_paid", p)}
    return render(
        request,
        "funding/payments.html",
        {
            "page": page,
            "table": table,
            "status": status,
            "statuses": PaymentStatus.choices,
            "may_mark": bool(markable),
            "markable": markable,
        },
    )


# What a payment's row and its export show, and what marking it paid asks (the status, the
# company's chamber).
PAYMENT_LIST_COLUMNS = (
    "company__name",
    "company__chamber_id",
    "document_label",
    "amount",
    "structured_communication",
    "status",
    "created_at",
    "paid_at",
)

PAYMENT_COLUMNS = [
    Column("company", _lazy("Company"), "company__name", lambda p: p.company.name),
    Column("for", _lazy("For"), "document_label", lambda p: p.document_label),
    Column("amount", _lazy("Amount"), "amount", lambda p: p.amount, money=True, total=True),
    Column("communication", _lazy("Structured communication"), None, lambda p: str(p)),
    Column("status", _lazy("Status"), "status", lambda p: p.get_status_display()),
    Column("requested", _lazy("Requested"), "created_at", lambda p: p.created_at),
    Column("paid", _lazy("Paid on"), "paid_at", lambda p: p.paid_at),
]


@login_required
@require_POST
def payments_paid(request: HttpRequest) -> HttpResponse:
    """Mark several payments received: the same service as one "Mark paid", per payment, in one
    transaction; a payment that may not (or no longer) be marked is reported with the reason."""
    ids = [int(pk) for pk in request.POST.getlist("pick") if pk.isdigit()][:500]
    rows = list(visible(request.user, PaymentRequest).filter(pk__in=ids).select_related("company"))
    result = bulk(rows, lambda p: services.mark_paid(actor=request.user, request=p))
    if result.done:
        messages.success(
            request,
            ngettext("%(n)s payment recorded.", "%(n)s payments recorded.", len(result.done))
            % {"n": len(result.done)},
        )
    for payment, why in result.refused:
        messages.error(request, _("%(what)s not recorded: %(why)s") % {"what": payment, "why": why})
    if not rows:
        messages.error(request, _("Select at least one payment."))
    return redirect("funding:payments")


@login_required
@require_POST
def payment_paid(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_visible_or_404(
        request.user, PaymentRequest.objects.select_related("company"), pk=pk
    )
    try:
        services.mark_paid(actor=request.user, request=payment)
        messages.success(request, _("Payment recorded."))
    except ValidationError as exc:  # PermissionDenied answers 403
        messages.error(request, " ".join(exc.messages))
    return redirect("funding:payments")


@login_required
def de_minimis_statement(request: HttpRequest, company_id: int) -> HttpResponse:
    company = get_visible_or_404(request.user, Company, pk=company_id)
    if not can(request.user, "de_minimis", company):
        raise Http404
    today = timezone.localdate()
    rows = (
        LedgerEntry.objects.filter(company=company, source__is_subsidy=True)
        .select_related("programme", "source")
        .order_by("booked_on", "id")
    )
    programme = Programme.objects.order_by("-start").first()
    years = programme.de_minimis_years if programme else 3
    ceiling = programme.de_minimis_ceiling if programme else ZERO
    received = services.de_minimis_received(company, on=today, years=years)
    pdf = render_pdf(
        "funding/de_minimis.html",
        {
            "company": company,
            "rows": rows,
            "today": today,
            "years": years,
            "ceiling": ceiling,
            "received": received,
            "remaining": ceiling - received,
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="de-minimis-{company.enterprise_number}.pdf"'
    )
    return response
