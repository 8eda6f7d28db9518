"""Menu entries and home-page panels, contributed by each context in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse


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
# nav_for's entries per role, script prefix and URLconf, built on first use in each process.
_menus: dict[tuple[str, bool, str, str | None], list[tuple[NavItem, str]]] = {}


def add_nav(
    label: Any,
    url_name: str,
    roles: Iterable[str],
    order: int = 100,
    count: Callable[[Any], int] | None = None,
) -> None:
    _nav.append(NavItem(label, url_name, frozenset(roles), order, count))
    _menus.clear()


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


def _menu(
    role: str, superuser: bool, prefix: str, urlconf: str | None
) -> list[tuple[NavItem, str]]:
    """The entries of one role with their addresses (``prefix`` and ``urlconf`` only key it)."""
    found: list[tuple[NavItem, str]] = []
    for item in sorted(_nav, key=lambda i: i.order):
        if role not in item.roles and not superuser:
            continue
        try:
            found.append((item, reverse(item.url_name)))
        except NoReverseMatch:
            continue
    return found


def nav_for(user: Any) -> list[dict[str, Any]]:
    if not getattr(user, "is_authenticated", False):
        return []
    # The labels are lazy translations and the addresses do not depend on the language, so one
    # list per role serves every language; the script prefix and URLconf are part of the key
    # because reverse() depends on them.
    key = (user.role, bool(user.is_superuser), get_script_prefix(), get_urlconf())
    menu = _menus.get(key)
    if menu is None:
        menu = _menus[key] = _menu(*key)
    items = []
    for item, url in menu:
        entry: dict[str, Any] = {"label": item.label, "url": url, "url_name": item.url_name}
        if item.count is not None:
            entry["count"] = _lazy_count(item.count, user)
        items.append(entry)
    return items


def panels_for(user: Any) -> list[HomePanel]:
    return [p for p in sorted(_panels, key=lambda p: p.order) if user.role in p.roles]
