"""Admin screens of the funding engine.

Money is read-only here: budgets, rates, ledger entries and payment requests change only through
the services (``digihub.funding.services``), which check permission, lock, validate and audit.
Where an admin action is useful it calls the service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from digihub.core.admin import ScopedAdmin

from . import services
from .models import (
    FundingSource,
    HubBudget,
    LedgerEntry,
    PaymentRequest,
    PaymentStatus,
    Programme,
    ProjectType,
    ReportingPeriod,
    SourceRate,
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


@admin.register(ProjectType)
class ProjectTypeAdmin(ScopedAdmin):
    list_display = ("programme", "number", "name_nl", "kind", "rate_version")
    inlines = [SourceRateInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Budgets and bookings refer to the type by programme, number and kind.
        return ("programme", "number", "kind", "rate_version") if obj else ("rate_version",)


@admin.register(FundingSource)
class FundingSourceAdmin(ScopedAdmin):
    list_display = ("code", "name_nl", "payer", "is_subsidy")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is not None and SourceRate.history.filter(source=obj).exists():
            return ("code", "payer", "is_subsidy")  # subsidy figures and de minimis depend on them
        return ()


@admin.register(HubBudget)
class HubBudgetAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Budgets change on the budget page (services.set_budget), never below what is committed."""

    list_display = ("programme", "hub", "project_type", "amount")
    list_filter = ("programme", "hub")


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
    list_display = ("company", "amount", "structured_communication", "status", "paid_at")
    list_filter = ("status",)
    actions = ["mark_paid"]

    @admin.action(description=_("Mark the selected payments paid"))
    def mark_paid(self, request: HttpRequest, queryset: QuerySet[PaymentRequest]) -> None:
        done = 0
        for payment in queryset.filter(status=PaymentStatus.OPEN).select_related("company"):
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


def _messages(exc: Exception) -> list[str]:
    return list(getattr(exc, "messages", None) or [str(exc)])
