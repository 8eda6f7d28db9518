from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from digihub.audit.services import history_rows
from digihub.core.access import can, get_visible_or_404, require, visible
from digihub.core.lists import Column, Table
from digihub.core.page_cache import cached_page
from digihub.core.pagination import paginate

from . import services
from .filters import PartnerFilter
from .forms import PartnerForm
from .models import Hub, KnowledgePartner


@login_required
@cached_page
def partner_list(request: HttpRequest) -> HttpResponse:
    qs = visible(request.user, KnowledgePartner)
    filterset = PartnerFilter(request.GET, queryset=qs)
    # The filters join themes and hubs: keep each partner once, then sort in the database.
    rows = KnowledgePartner.objects.filter(pk__in=filterset.qs.values("pk")).prefetch_related(
        "themes", "hubs"
    )
    table = Table(request, rows, PARTNER_COLUMNS, default="partner", tiebreak="pk")
    if table.export_format:
        return table.export(_("knowledge partners"))
    page = paginate(request, table.rows)
    context = {"filter": filterset, "page": page, "table": table}
    if getattr(request, "htmx", False):
        return render(request, "network/_partner_rows.html", context)
    return render(request, "network/partner_list.html", context)


PARTNER_COLUMNS = [
    Column("partner", _lazy("Partner"), "short_name", lambda p: p.short_name),
    Column("name", _lazy("Name"), "name", lambda p: p.name),
    Column("kind", _lazy("Kind"), "kind", lambda p: p.get_kind_display()),
    Column("themes", _lazy("Themes"), None, lambda p: ", ".join(str(t) for t in p.themes.all())),
    Column("hubs", _lazy("Hubs"), None, lambda p: ", ".join(str(h) for h in p.hubs.all())),
    Column("capacity", _lazy("Capacity"), "capacity", lambda p: p.capacity, numeric=True),
]


@login_required
@cached_page
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
@cached_page
def hub_list(request: HttpRequest) -> HttpResponse:
    hubs = (
        visible(request.user, Hub)
        .select_related("province", "chamber")
        .prefetch_related("partners")
    )
    return render(request, "network/hub_list.html", {"hubs": hubs})
