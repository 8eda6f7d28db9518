from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digihub.accounts.roles import Role
from digihub.core.access import can, get_visible_or_404, visible
from digihub.core.forms import add_errors
from digihub.core.pagination import paginate

from . import services
from .forms import RelationForm, WithdrawForm
from .models import Relation

DECLARING = (Role.ADVISOR, Role.PARTNER, Role.SME, Role.COORDINATOR, Role.ADMIN)


def _page(request: HttpRequest, form: Any, status: int = 200) -> HttpResponse:
    relations = visible(request.user, Relation).select_related(
        "knowledge_partner", "commercial_partner", "declared_by"
    )
    return render(
        request,
        "matching/relations.html",
        {
            "form": form,
            "page": paginate(request, relations),
            "withdraw_form": WithdrawForm(),
        },
        status=status,
    )


@login_required
def relations(request: HttpRequest) -> HttpResponse:
    """Declared relations between partners and companies, and the form to declare one."""
    user: Any = request.user
    if user.role not in (*DECLARING, Role.OFFICER):
        raise PermissionDenied(_("This page is for the network, its partners and companies."))
    form = RelationForm(request.POST or None, user=user) if user.role in DECLARING else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Officers read the declarations; they do not make them."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.declare_relation(
                    actor=user,
                    enterprise_number=data["enterprise_number"],
                    kind=data["kind"],
                    knowledge_partner=user.partner
                    if user.role == Role.PARTNER
                    else data.get("knowledge_partner"),
                    commercial_partner=None
                    if user.role == Role.PARTNER
                    else data.get("commercial_partner"),
                    description=data.get("description", ""),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The relation is declared."))
                return redirect("matching:relations")
        return _page(request, form, status=400)
    return _page(request, form)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    relation = get_visible_or_404(request.user, Relation, pk=pk)
    decision = can(request.user, "withdraw", relation)
    if not decision:
        messages.error(request, decision.reason)
        return redirect("matching:relations")
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw_relation(
                actor=request.user, relation=relation, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The declaration is withdrawn."))
    else:
        messages.error(request, _("Say why the declaration is withdrawn."))
    return redirect("matching:relations")
