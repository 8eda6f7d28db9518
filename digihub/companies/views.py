from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digihub.accounts.roles import Role
from digihub.audit.services import history_rows
from digihub.core.access import can, get_visible_or_404, require, visible
from digihub.core.page_cache import cached_page
from digihub.core.pagination import paginate

from . import services
from .filters import CompanyFilter
from .forms import CompanyForm, ContactForm
from .models import Company, Contact
from .policies import can_create_company


@login_required
@cached_page
def company_list(request: HttpRequest) -> HttpResponse:
    qs = visible(request.user, Company).select_related("province", "hub").order_by("name", "pk")
    filterset = CompanyFilter(request.GET, queryset=qs)
    page = paginate(request, filterset.qs)
    template = (
        "companies/_company_rows.html"
        if getattr(request, "htmx", False)
        else "companies/company_list.html"
    )
    return render(
        request,
        template,
        {
            "filter": filterset,
            "page": page,
            "can_create": can_create_company(request.user),
        },
    )


LOOKUP_LIMIT = 8


@login_required
def company_lookup(request: HttpRequest) -> HttpResponse:
    """Suggestions for the search box of the question forms: visible companies only.

    Filled in by htmx as the user types; a choice copies the company's details into the form,
    so the service matches the existing company instead of creating a second one.
    """
    q = (request.GET.get("q") or "").strip()[:100]
    companies: list[Company] = []
    if len(q) >= 2:
        qs = visible(request.user, Company).select_related("province").order_by("name", "pk")
        companies = list(CompanyFilter({"q": q}, queryset=qs).qs[:LOOKUP_LIMIT])
    return render(
        request,
        "companies/_lookup_results.html",
        {"companies": companies, "q": q, "limit": LOOKUP_LIMIT},
    )


@login_required
@cached_page
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_visible_or_404(
        request.user, Company.objects.select_related("province", "chamber", "hub"), pk=pk
    )
    return render(
        request,
        "companies/company_detail.html",
        {
            "company": company,
            "contacts": company.contacts.filter(erased_at__isnull=True),
            "themes": company.themes.all(),
            "can_change": can(request.user, "change", company),
            "can_confirm": can(request.user, "confirm", Contact(company=company)),
            "history_rows": history_rows(company),
            "contact_form": ContactForm(),
        },
    )


@login_required
def company_create(request: HttpRequest) -> HttpResponse:
    decision = can_create_company(request.user)
    if not decision:
        raise PermissionDenied(decision.reason)
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("themes", "version")}
        company = services.company_create(
            actor=request.user, data=data, themes=form.cleaned_data["themes"]
        )
        messages.success(request, _("Company registered."))
        return redirect("companies:detail", pk=company.pk)
    return render(
        request, "companies/company_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def company_edit(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_visible_or_404(request.user, Company, pk=pk)
    require(request.user, "change", company)
    form = CompanyForm(request.POST or None, instance=company)
    if getattr(request.user, "role", "") == Role.SME:
        # What defines the company (number, size, region) is the chamber's to change.
        for name, field in form.fields.items():
            if name not in services.SME_EDITABLE and name not in ("version", "themes"):
                field.disabled = True
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("themes", "version")}
        try:
            services.company_update(
                actor=request.user,
                company=company,
                data=data,
                themes=form.cleaned_data["themes"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("companies:detail", pk=company.pk)
    return render(
        request,
        "companies/company_form.html",
        {"form": form, "company": company},
        status=400 if form.errors else 200,
    )


@login_required
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_visible_or_404(request.user, Company, pk=pk)
    require(request.user, "change", company)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.contact_create(actor=request.user, company=company, data=form.cleaned_data)
        messages.success(request, _("Contact added."))
        return redirect("companies:detail", pk=company.pk)
    return render(
        request,
        "companies/contact_form.html",
        {"form": form, "company": company},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def contact_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    from .models import Contact

    contact = get_visible_or_404(request.user, Contact.objects.select_related("company"), pk=pk)
    try:
        services.confirm_representative(actor=request.user, contact=contact)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s is confirmed as representative and was invited by e-mail.")
            % {"name": contact},
        )
    return redirect("companies:detail", pk=contact.company_id)


@login_required
def contact_export(request: HttpRequest, pk: int) -> HttpResponse:
    from django.http import JsonResponse

    from .models import Contact
    from .privacy import export_contact

    contact = get_visible_or_404(request.user, Contact.objects.select_related("company"), pk=pk)
    require(request.user, "change", contact)
    response = JsonResponse(
        export_contact(contact), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}.json"'
    return response


@login_required
def contact_erase(request: HttpRequest, pk: int) -> HttpResponse:
    from .models import Contact
    from .privacy import erase_contact

    contact = get_visible_or_404(request.user, Contact.objects.select_related("company"), pk=pk)
    require(request.user, "erase", contact)
    error = ""
    if request.method == "POST":
        try:
            erase_contact(
                actor=request.user, contact=contact, reason=request.POST.get("reason", "")
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The contact's personal data has been erased."))
            return redirect("companies:detail", pk=contact.company_id)
    return render(
        request,
        "companies/contact_erase.html",
        {"contact": contact, "error": error},
        status=400 if error else 200,
    )
