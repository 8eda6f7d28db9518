from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from digihub.core.admin import ScopedAdmin

from .models import Company, Contact, CustomerRule


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ("first_name", "last_name", "email", "phone", "function", "language", "consent_at")


@admin.register(Company)
class CompanyAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = (
        "name",
        "enterprise_number",
        "postcode",
        "city",
        "province",
        "size_class",
        "customer_kind",
    )
    list_filter = ("province", "size_class", "customer_kind", "legal_form")
    search_fields = ("name", "enterprise_number", "city")
    readonly_fields = (
        "province",
        "chamber",
        "hub",
        "size_class",
        "customer_kind",
        "nace_section",
        "version",
    )
    inlines = [ContactInline]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        # Route through the service so the admin cannot bypass validation and routing.
        from . import services

        data = {f: getattr(obj, f) for f in services.COMPANY_FIELDS}
        if change:
            services.company_update(actor=request.user, company=obj, data=data)
            obj.refresh_from_db()
        else:
            created = services.company_create(actor=request.user, data=data)
            obj.pk = created.pk
            obj.refresh_from_db()


@admin.register(Contact)
class ContactAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ("__str__", "company", "email", "function", "erased_at")
    search_fields = ("first_name", "last_name", "email", "company__name")


@admin.register(CustomerRule)
class CustomerRuleAdmin(ScopedAdmin):
    """Which kind of customer a company is (SME, mid-cap, large, public sector): rules as data,
    applied in order when a company is registered or changed."""

    list_display = ("order", "kind", "legal_form", "size_classes", "max_employees")
    list_editable = ("kind", "legal_form", "size_classes", "max_employees")
    ordering = ("order", "pk")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        from . import services

        super().save_model(request, obj, form, change)
        services.reclassify_customers()

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        from . import services

        super().delete_model(request, obj)
        services.reclassify_customers()
