from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digihub.companies.models import Company
from digihub.core.access import can, get_visible_or_404, require, visible
from digihub.core.money import ZERO
from digihub.core.pagination import paginate
from digihub.core.pdf import render_pdf
from digihub.network.models import Hub

from . import services
from .forms import AmountForm, LedgerFilter
from .models import HubBudget, LedgerEntry, PaymentRequest, Programme
from .policies import require_budget_reader
from .selectors import budget_overview, reconciliation


def _require_budget_reader(request: HttpRequest) -> None:
    require_budget_reader(request.user)


def _form_errors(form: AmountForm, exc: ValidationError) -> None:
    """A refusal of the service, shown at its field (amount, reason) or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_budget_reader(request)
    programmes = list(visible(request.user, Programme))
    programme = next(
        (p for p in programmes if str(p.pk) == request.GET.get("programme")),
        programmes[0] if programmes else None,
    )
    budgets = visible(request.user, HubBudget)
    hub_ids = budgets.values("hub_id")
    hubs = Hub.objects.filter(pk__in=hub_ids).order_by("name")
    hub = next((h for h in hubs if str(h.pk) == request.GET.get("hub")), None)
    overview = None
    if programme is not None:
        overview = budget_overview(
            programme=programme, hubs=Hub.objects.filter(pk=hub.pk) if hub else hubs
        )
    # One page of the per-hub budgets: the European network has hundreds of hubs.
    hub_budgets = (
        paginate(
            request,
            budgets.filter(programme=programme, **({"hub": hub} if hub else {}))
            .select_related("hub", "project_type")
            .order_by("hub__name", "project_type__number", "pk"),
        )
        if programme
        else None
    )
    totals = (
        {attr: overview.total(attr) for attr in ("budget", "committed", "spent", "available")}
        if overview
        else {}
    )
    return render(
        request,
        "funding/dashboard.html",
        {
            "programmes": programmes,
            "programme": programme,
            "hubs": hubs,
            "hub": hub,
            "overview": overview,
            "hub_budgets": hub_budgets,
            "totals": totals,
        },
    )


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    _require_budget_reader(request)
    form = LedgerFilter(request.GET or None)
    qs = visible(request.user, LedgerEntry).select_related(
        "hub", "source", "project_type", "company", "actor"
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
    page = paginate(request, qs.order_by("-booked_on", "-id"), per_page=50)
    return render(request, "funding/ledger.html", {"form": form, "page": page})


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
            _form_errors(form, exc)
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
            _form_errors(form, exc)
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
def payments(request: HttpRequest) -> HttpResponse:
    qs = (
        visible(request.user, PaymentRequest)
        .select_related("company", "hub")
        .order_by("status", "-created_at")
    )
    page = paginate(request, qs, per_page=50)
    return render(request, "funding/payments.html", {"page": page})


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
