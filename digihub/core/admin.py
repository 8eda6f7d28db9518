from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from .access import can, visible


class ScopedAdmin(admin.ModelAdmin):
    """Admin screens obey the same rule as pages and API: rows outside the user's scope do not exist."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return visible(request.user, super().get_queryset(request))

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if obj is not None and not request.user.is_superuser:
            return bool(can(request.user, "change", obj))
        return super().has_change_permission(request, obj)
