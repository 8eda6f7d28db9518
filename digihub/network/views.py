from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from digihub.audit.services import history_rows
from digihub.core.access import can, get_visible_or_404, require, visible

from . import services
from .filters import PartnerFilter
from .forms import PartnerForm
from .models import Hub, KnowledgePartner


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    qs = visible(request.user, KnowledgePartner).prefetch_related("themes", "hubs").order_by("name")
    filterset = PartnerFilter(request.GET, queryset=qs)
    return render(
        request,
        "network/partner_list.html",
        {"filter": filterset, "partners": filterset.qs.distinct()},
    )


@login_required
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_visible_or_404(request.user, KnowledgePartner, pk=pk)
    return render(
        request,
        "network/partner_detail.html",
        {
            "partner": partner,
            "themes": partner.themes.all(),
            "hubs": partner.hubs.select_related("province"),
            "contacts": visible(request.user, partner.contacts.all()),
            "can_change": can(request.user, "change", partner),
            "history_rows": history_rows(partner),
        },
    )


@login_required
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_visible_or_404(request.user, KnowledgePartner, pk=pk)
    require(request.user, "change", partner)
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "themes"}
        services.partner_update(
            actor=request.user, partner=partner, data=data, themes=form.cleaned_data["themes"]
        )
        messages.success(request, _("Changes saved."))
        return redirect("network:partner_detail", pk=partner.pk)
    return render(
        request,
        "network/partner_form.html",
        {"form": form, "partner": partner},
        status=400 if form.errors else 200,
    )


@login_required
def hub_list(request: HttpRequest) -> HttpResponse:
    hubs = (
        visible(request.user, Hub)
        .select_related("province", "chamber")
        .prefetch_related("partners")
    )
    return render(request, "network/hub_list.html", {"hubs": hubs})
