from django.contrib import admin

from digihub.core.admin import ScopedAdmin

from .models import PhaseSpan, Quote, Session, Trajectory


class SpanInline(admin.TabularInline):
    model = PhaseSpan
    extra = 0
    readonly_fields = ("phase", "entered_at", "left_at", "actor", "reason")
    can_delete = False


@admin.register(Trajectory)
class TrajectoryAdmin(ScopedAdmin):
    list_display = ("reference", "company", "partner", "phase", "phase_changed_at")
    list_filter = ("phase", "hub", "partner")
    search_fields = ("reference", "company__name")
    inlines = [SpanInline]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # phases change only through the trajectory page, which records who and why


@admin.register(Quote)
class QuoteAdmin(ScopedAdmin):
    list_display = ("__str__", "status", "total", "signed_at")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Session)
class SessionAdmin(ScopedAdmin):
    list_display = ("title", "trajectory", "starts_at", "place")
