from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from digihub.core.notifications import shown_summary

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "actor_label", "action", "text")
    list_filter = ("action",)
    search_fields = ("summary", "reason", "actor_label")
    date_hierarchy = "occurred_at"

    @admin.display(description=_("what"))
    def text(self, event: AuditEvent) -> str:
        """The text in the reader's language, as on the timelines."""
        return shown_summary(event.summary, event.data)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
