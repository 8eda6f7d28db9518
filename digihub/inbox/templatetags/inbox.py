from __future__ import annotations

from typing import Any

from django import template

from digihub.inbox.selectors import next_for_company as _next_for_company

register = template.Library()


@register.simple_tag
def next_for_company(company: Any) -> str:
    """``{% next_for_company company as path %}``: where an invited SME lands after signing in."""
    return _next_for_company(company)
