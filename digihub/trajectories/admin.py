from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from digihub.core.admin import ScopedAdmin

from .models import PhaseSpan, Quote, QuoteLine, Session, Trajectory


class SpanInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PhaseSpan
    extra = 0
    readonly_fields = ("phase", "entered_at", "left_at", "actor", "reason")
    can_delete = False


class QuoteLineInline(admin.TabularInline):  # type: ignore[type-arg]
    model = QuoteLine
    extra = 0
    fields = ("description", "days", "day_rate", "amount")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Trajectory)
class TrajectoryAdmin(ScopedAdmin):
    list_display = ("reference", "company", "partner", "phase", "phase_changed_at")
    list_filter = ("phase", "hub", "partner")
    search_fields = ("reference", "company__name")
    inlines = [SpanInline]

    # Phases change only through the trajectory services, which record who and why and book the
    # funding; deleting a trajectory would take its signed quote, and the money on it, along.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Quote)
class QuoteAdmin(ScopedAdmin):
    """Quotes and their lines are read-only: they are written, issued and signed by the services,
    and a signed quote carries committed funds."""

    list_display = ("__str__", "status", "total", "signed_at")
    inlines = [QuoteLineInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Session)
class SessionAdmin(ScopedAdmin):
    list_display = ("title", "trajectory", "starts_at", "place")
