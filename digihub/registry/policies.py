"""Who may see the registry: the KBO/BCE open data is public, but searching it by name is a tool of
the network's staff (the public form looks up one exact number, rate-limited)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from digihub.accounts.roles import Role
from digihub.core.access import ALLOW, Decision, deny, scope_for

from .models import Enterprise, ImportRun

STAFF = frozenset({Role.ADVISOR, Role.PARTNER, Role.OFFICER, Role.COORDINATOR, Role.ADMIN})
EXCHANGE = frozenset({Role.ADVISOR, Role.COORDINATOR, Role.ADMIN})


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or user.role in STAFF
    )


@scope_for(Enterprise)
def scope_enterprises(user: Any, qs: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    return qs if is_staff(user) else qs.none()


@scope_for(ImportRun)
def scope_runs(user: Any, qs: QuerySet[ImportRun]) -> QuerySet[ImportRun]:
    return qs if is_staff(user) else qs.none()


def can_search(user: Any) -> Decision:
    if is_staff(user):
        return ALLOW
    return deny(_("Searching the company register by name is for the network's staff."))


def hubs_for_exchange(user: Any) -> QuerySet[Any]:
    """The hubs whose data a user may import and export: a coordinator (or administrator) every
    hub; an advisor the hubs of the advisor's chamber."""
    from digihub.network.models import Hub

    if not getattr(user, "is_authenticated", False):
        return Hub.objects.none()
    if user.is_superuser or user.role in (Role.COORDINATOR, Role.ADMIN):
        return Hub.objects.all()
    if user.role == Role.ADVISOR and user.chamber_id:
        return Hub.objects.filter(chamber_id=user.chamber_id)
    return Hub.objects.none()


def can_exchange(user: Any, hub: Any) -> Decision:
    if hubs_for_exchange(user).filter(pk=hub.pk).exists():
        return ALLOW
    return deny(
        _("Only the hub's advisors and the programme coordinators import or export its data.")
    )


def can_import_kbo(user: Any) -> Decision:
    """The KBO/BCE open data serves every hub: the programme coordinators and administrators
    import it (the ``import_kbo`` command is theirs too)."""
    if getattr(user, "is_authenticated", False) and (
        user.is_superuser or user.role in (Role.COORDINATOR, Role.ADMIN)
    ):
        return ALLOW
    return deny(_("Only programme coordinators and administrators import the KBO open data."))
