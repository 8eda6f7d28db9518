from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = (
        "email",
        "first_name",
        "last_name",
        "role",
        "chamber",
        "partner",
        "company",
        "is_demo",
    )
    list_filter = ("role", "is_demo", "is_active")
    search_fields = ("email", "first_name", "last_name")
    autocomplete_fields = ("company",)
    # Demo accounts are made by the demo command only; ticking the flag here would exempt a real
    # account from the second factor in demo mode, so it is shown, never edited.
    readonly_fields = ("is_demo",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "phone")}),
        (_("Role"), {"fields": ("role", "chamber", "partner", "company", "is_demo")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    # The organisation is asked with the role: the user's clean() says which combinations hold
    # (an advisor needs a chamber, ...), so a wrong one is a form error instead of a 500.
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "role",
                    "chamber",
                    "partner",
                    "company",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "token_hash", "created_at", "last_used_at")
