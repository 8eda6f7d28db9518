"""Menu entries and home-page panels, contributed by each context in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    roles: frozenset[str]
    order: int = 100
    # How many things wait behind this entry (a badge); called only when the menu is drawn.
    count: Callable[[Any], int] | None = None


@dataclass(frozen=True)
class HomePanel:
    template_name: str
    roles: frozenset[str]
    context: Callable[[Any], dict[str, Any]] = field(default=lambda user: {})
    order: int = 100


_nav: list[NavItem] = []
_panels: list[HomePanel] = []


def add_nav(
    label: Any,
    url_name: str,
    roles: Iterable[str],
    order: int = 100,
    count: Callable[[Any], int] | None = None,
) -> None:
    _nav.append(NavItem(label, url_name, frozenset(roles), order, count))


def _lazy_count(count: Callable[[Any], int], user: Any) -> Callable[[], int]:
    """A template calls this when (and each time) it reads the badge; the count runs once."""
    return cache(lambda: count(user))


def add_home_panel(
    template_name: str,
    roles: Iterable[str],
    context: Callable[[Any], dict[str, Any]] | None = None,
    order: int = 100,
) -> None:
    _panels.append(HomePanel(template_name, frozenset(roles), context or (lambda user: {}), order))


def nav_for(user: Any) -> list[dict[str, Any]]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    for item in sorted(_nav, key=lambda i: i.order):
        if user.role not in item.roles and not user.is_superuser:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entry: dict[str, Any] = {"label": item.label, "url": url, "url_name": item.url_name}
        if item.count is not None:
            entry["count"] = _lazy_count(item.count, user)
        items.append(entry)
    return items


def panels_for(user: Any) -> list[HomePanel]:
    return [p for p in sorted(_panels, key=lambda p: p.order) if user.role in p.roles]
