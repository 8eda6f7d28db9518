from django.contrib import admin

from digihub.core.admin import ScopedAdmin

from .models import Conversation, Question, QuestionTransition


class ConversationInline(admin.StackedInline):
    model = Conversation
    extra = 0


class TransitionInline(admin.TabularInline):
    model = QuestionTransition
    extra = 0
    readonly_fields = ("from_status", "to_status", "actor", "at", "reason")
    can_delete = False


@admin.register(Question)
class QuestionAdmin(ScopedAdmin):
    list_display = ("reference", "company", "chamber", "status", "decision", "registered_at")
    list_filter = ("status", "decision", "route", "chamber", "channel")
    search_fields = ("reference", "company__name", "text")
    readonly_fields = ("status", "reference")
    inlines = [ConversationInline, TransitionInline]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # state changes go through the question page, which records who and why
