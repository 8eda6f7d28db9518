"""``{% load intake_tags %}{% company_timeline company %}``: the questions of a company and
every contact, decision and state change on them, as far as the viewer may see them."""

from __future__ import annotations

from typing import Any

from django import template

from digihub.intake.timeline import company_timeline as build

register = template.Library()


@register.inclusion_tag("intake/_company_timeline.html", takes_context=True)
def company_timeline(context: Any, company: Any, limit: int = 50) -> dict[str, Any]:
    user = context.get("user") or getattr(context.get("request"), "user", None)
    return build(user, company, limit=limit)
