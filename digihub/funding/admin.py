from django.contrib import admin

from digihub.core.admin import ScopedAdmin

from .models import (
    FundingSource,
    HubBudget,
    LedgerEntry,
    PaymentRequest,
    Programme,
    ProjectType,
    ReportingPeriod,
    SourceRate,
)


class SourceRateInline(admin.TabularInline):
    model = SourceRate
    extra = 0


class ReportingPeriodInline(admin.TabularInline):
    model = ReportingPeriod
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(ScopedAdmin):
    list_display = ("code", "name", "start", "end")
    inlines = [ReportingPeriodInline]


@admin.register(ProjectType)
class ProjectTypeAdmin(ScopedAdmin):
    list_display = ("programme", "number", "name_nl", "kind")
    inlines = [SourceRateInline]


@admin.register(FundingSource)
class FundingSourceAdmin(ScopedAdmin):
    list_display = ("code", "name_nl", "payer", "is_subsidy")


@admin.register(HubBudget)
class HubBudgetAdmin(ScopedAdmin):
    list_display = ("programme", "hub", "project_type", "amount")
    list_filter = ("programme", "hub")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # through the budget page, which refuses going below what is committed


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ScopedAdmin):
    list_display = (
        "booked_on",
        "kind",
        "hub",
        "project_type",
        "source",
        "amount",
        "document_label",
    )
    list_filter = ("kind", "programme", "hub", "source")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(PaymentRequest)
class PaymentRequestAdmin(ScopedAdmin):
    list_display = ("company", "amount", "structured_communication", "status")
    list_filter = ("status",)
