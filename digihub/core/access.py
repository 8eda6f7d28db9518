"""The one permission rule of Digihub.

Every page, API endpoint, admin screen and command asks this module two questions:

* ``visible(user, queryset)`` – which rows of this kind may this user see at all?
* ``can(user, action, obj)`` – may this user do ``action`` on this object, and if not, why?

Each bounded context registers its own scopes and rules (in its ``policies`` module, loaded by
its AppConfig); a model without a registered scope is invisible to everyone but superusers, so a
forgotten rule fails closed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)


def deny(reason: Any) -> Decision:
    return Decision(False, str(reason))


Scope = Callable[[Any, QuerySet[Any]], QuerySet[Any]]
Rule = Callable[[Any, Any], Decision]

_scopes: dict[type[Model], Scope] = {}
_rules: dict[tuple[type[Model], str], Rule] = {}
# Other contexts may add ways in which a company is linked to a user's organisation
# (a question referred to a partner, a trajectory with that partner ...).
_company_links: list[Callable[[Any], Q | None]] = []


def scope_for(model: type[Model]) -> Callable[[Scope], Scope]:
    def decorator(func: Scope) -> Scope:
        _scopes[model] = func
        return func

    return decorator


def rule_for(model: type[Model], *actions: str) -> Callable[[Rule], Rule]:
    def decorator(func: Rule) -> Rule:
        for action in actions:
            _rules[(model, action)] = func
        return func

    return decorator


def company_link(func: Callable[[Any], Q | None]) -> Callable[[Any], Q | None]:
    _company_links.append(func)
    return func


def company_links(user: Any) -> Q | None:
    combined: Q | None = None
    for link in _company_links:
        condition = link(user)
        if condition is not None:
            combined = condition if combined is None else combined | condition
    return combined


def _is_authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def visible(user: Any, queryset: QuerySet[M] | type[M]) -> QuerySet[M]:
    qs: QuerySet[M] = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    if not _is_authenticated(user):
        return qs.none()
    if user.is_superuser:
        return qs
    scope = _scopes.get(qs.model)
    if scope is None:
        return qs.none()
    return scope(user, qs)


def can(user: Any, action: str, obj: Model) -> Decision:
    if not _is_authenticated(user):
        return deny(_("Please log in first."))
    rule = _rules.get((type(obj), action))
    if rule is None:
        if user.is_superuser:
            return ALLOW
        return deny(_("This action is not available."))
    return rule(user, obj)


def require(user: Any, action: str, obj: Model) -> None:
    decision = can(user, action, obj)
    if not decision:
        raise PermissionDenied(decision.reason)


def get_visible_or_404(user: Any, queryset: QuerySet[M] | type[M], **lookup: Any) -> M:
    try:
        return visible(user, queryset).get(**lookup)
    except (ValueError, TypeError, OverflowError) as exc:  # a malformed or huge id in the URL
        raise Http404 from exc
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
