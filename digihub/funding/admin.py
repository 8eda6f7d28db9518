"""Admin screens of the funding engine.

Money is read-only here: budgets, rates, ledger entries and payment requests change only through
the services (``digihub.funding.services``), which check permission, lock, validate and audit.
Where an admin action is useful it calls the service.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from digihub.core.admin import ScopedAdmin

from . import services
from .models import (
    OUTSTANDING,
    BankStatement,
    FundingSource,
    HubBudget,
    LedgerEntry,
    Payee,
    PaymentRequest,
    Programme,
    ProjectType,
    Receipt,
    ReportingPeriod,
    ServiceFunding,
    SourceRate,
    StatementEntry,
)


class ReadOnlyAdminMixin:
    """No add, change or delete: the rows are shown, the services change them."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class SourceRateInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    """The current version of the rates; a change is a new version (services.set_rates)."""

    model = SourceRate
    extra = 0
    fields = ("source", "rate", "version", "valid_from")
    readonly_fields = fields


class ReportingPeriodInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ReportingPeriod
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(ScopedAdmin):
    list_display = ("code", "name", "start", "end")
    inlines = [ReportingPeriodInline]


class ProjectTypeForm(forms.ModelForm):  # type: ignore[type-arg]
    """A project type with, optionally, a new version of its rates (``services.set_rates``):
    "source code = rate" per source, e.g. ``efro=0.40; region=0.30; private_sme=0.30``."""

    new_rates = forms.CharField(
        label=_("New rates per source"),
        required=False,
        help_text=_("source code = rate, separated by semicolons; they add up to 1."),
    )
    rates_reason = forms.CharField(label=_("Why the rates change"), required=False)

    class Meta:
        model = ProjectType
        fields = ("programme", "number", "kind", "name_nl", "name_en", "name_fr")

    def clean_new_rates(self) -> dict[str, Decimal]:
        text = (self.cleaned_data.get("new_rates") or "").strip()
        rates: dict[str, Decimal] = {}
        for part in filter(None, (p.strip() for p in text.split(";"))):
            code, _sep, value = part.partition("=")
            try:
                rates[code.strip()] = Decimal(value.strip())
            except InvalidOperation as exc:
                raise ValidationError(_("Write each rate as code=0.40.")) from exc
        if rates:
            unknown = set(rates) - set(FundingSource.objects.values_list("code", flat=True))
            if unknown:
                raise ValidationError(
                    _("Unknown funding source: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
                )
            services.validate_rates(list(rates.values()))
        return rates


@admin.register(ProjectType)
class ProjectTypeAdmin(ScopedAdmin):
    list_display = ("programme", "number", "name_nl", "kind", "rate_version")
    inlines = [SourceRateInline]
    form = ProjectTypeForm

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if form.cleaned_data.get("new_rates"):
            services.set_rates(
                actor=request.user,
                project_type=form.instance,
                rates=form.cleaned_data["new_rates"],
                reason=str(form.cleaned_data.get("rates_reason") or _("set in the admin")),
            )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Budgets and bookings refer to the type by programme, number and kind.
        return ("programme", "number", "kind", "rate_version") if obj else ("rate_version",)


@admin.register(FundingSource)
class FundingSourceAdmin(ScopedAdmin):
    list_display = ("code", "name_nl", "payer_name", "is_subsidy")

    @admin.display(description=_("payer"), ordering="payer")
    def payer_name(self, obj: FundingSource) -> str:
        return obj.payer_name

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is not None and SourceRate.history.filter(source=obj).exists():
            return ("code", "payer", "is_subsidy")  # subsidy figures and de minimis depend on them
        return ()


@admin.register(HubBudget)
class HubBudgetAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Budgets change on the budget page (services.set_budget), never below what is committed."""

    list_display = ("programme", "hub", "project_type", "amount")
    list_filter = ("programme", "hub")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # A new budget commits nothing yet; its amount is set through the service all the same.
        return ScopedAdmin.has_add_permission(self, request)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        amount, obj.amount = obj.amount, Decimal("0.00")
        super().save_model(request, obj, form, change)
        services.set_budget(
            actor=request.user,
            budget=obj,
            amount=amount,
            reason=str(_("budget opened in the admin")),
        )


@admin.register(ServiceFunding)
class ServiceFundingAdmin(ScopedAdmin):
    """How each programme funds each EDIH service type (data, not code)."""

    list_display = ("programme", "service_type", "project_type")
    list_filter = ("programme",)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = (
        "booked_on",
        "kind",
        "hub",
        "project_type",
        "source",
        "amount",
        "rate_version",
        "document_label",
    )
    list_filter = ("kind", "programme", "hub", "source")


@admin.register(PaymentRequest)
class PaymentRequestAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = (
        "company",
        "amount",
        "paid_amount",
        "structured_communication",
        "status",
        "due_date",
        "paid_at",
    )
    list_filter = ("status", "programme")
    actions = ["mark_paid"]

    @admin.action(description=_("Mark the selected payments paid"))
    def mark_paid(self, request: HttpRequest, queryset: QuerySet[PaymentRequest]) -> None:
        done = 0
        for payment in queryset.filter(status__in=OUTSTANDING).select_related("company"):
            try:
                services.mark_paid(actor=request.user, request=payment)
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{payment}: {' '.join(_messages(exc))}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request, _("%(n)s payments marked paid.") % {"n": done}, messages.SUCCESS
            )


@admin.register(Payee)
class PayeeAdmin(ScopedAdmin):
    """Payees are reference data: the IBAN and BIC are checked (``Payee.clean``, schwifty)."""

    list_display = ("name", "iban", "bic", "programme", "chamber")
    list_filter = ("programme", "chamber")


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("received_on", "amount", "request", "payer_name")


@admin.register(BankStatement)
class BankStatementAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("statement_id", "payee", "uploaded_at", "credits", "matched", "to_resolve")


@admin.register(StatementEntry)
class StatementEntryAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("booked_on", "amount", "currency", "debtor_name", "state", "reason", "request")
    list_filter = ("state", "reason")


def _messages(exc: Exception) -> list[str]:
    return list(getattr(exc, "messages", None) or [str(exc)])
