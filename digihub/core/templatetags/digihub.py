from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Model

from digihub.core import access, formatting

register = template.Library()


@register.filter
def eur(value: Any) -> str:
    return formatting.eur(value)


@register.filter
def num(value: Any) -> str:
    return formatting.number(value)


@register.filter
def pct(value: Any) -> str:
    return formatting.percent(value)


@register.filter
def bedate(value: Any, fmt: str = "medium") -> str:
    return formatting.date(value, fmt)


@register.filter
def bedatetime(value: Any, fmt: str = "medium") -> str:
    return formatting.datetime(value, fmt)


@register.simple_tag(takes_context=True)
def can(context: dict[str, Any], action: str, obj: Model) -> access.Decision:
    """``{% can "change" company as decision %}`` – the decision carries the reason."""
    return access.can(context["request"].user, action, obj)
