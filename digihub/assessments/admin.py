"""Questionnaires are data: a new version is made in the admin (copy, then change), never edited
in place once assessments use it. Assessments themselves change only through their services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from digihub.core.admin import ScopedAdmin

from .models import AnswerOption, Assessment, Dimension, Question, Questionnaire


def _in_use(obj: Any) -> bool:
    questionnaire = getattr(obj, "questionnaire", None) or obj
    return (
        bool(getattr(questionnaire, "pk", None))
        and Assessment.objects.filter(questionnaire=questionnaire).exists()
    )


class DimensionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Dimension
    extra = 0
    fields = ("order", "code", "name", "skipped")
    show_change_link = True


class QuestionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Question
    extra = 0
    fields = ("order", "code", "text", "kind", "optional", "max_points")
    show_change_link = True


class OptionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AnswerOption
    extra = 0
    fields = ("order", "code", "text", "points")


class FrozenWhenUsed:
    """A questionnaire that assessments use is read-only: scores must stay reproducible."""

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if obj is not None and _in_use(getattr(obj, "dimension", obj)):
            return False
        return super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if obj is not None and _in_use(getattr(obj, "dimension", obj)):
            return False
        return super().has_delete_permission(request, obj)  # type: ignore[misc]


@admin.register(Questionnaire)
class QuestionnaireAdmin(FrozenWhenUsed, ScopedAdmin):
    list_display = ("code", "variant", "version", "title", "active")
    list_filter = ("variant", "active")
    inlines = [DimensionInline]


@admin.register(Dimension)
class DimensionAdmin(FrozenWhenUsed, ScopedAdmin):
    list_display = ("questionnaire", "order", "code", "name", "skipped")
    list_filter = ("questionnaire",)
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(FrozenWhenUsed, ScopedAdmin):
    list_display = ("dimension", "order", "code", "text", "kind", "optional", "max_points")
    list_filter = ("dimension__questionnaire",)
    inlines = [OptionInline]


@admin.register(Assessment)
class AssessmentAdmin(ScopedAdmin):
    list_display = ("company", "moment", "status", "overall", "band", "due_on", "submitted_at")
    list_filter = ("moment", "status", "band", "hub")
    search_fields = ("company__name",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
