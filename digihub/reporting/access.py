"""Who reads the report, and on which rows: the same rule as every other page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from digihub.accounts.roles import Role
from digihub.core.access import visible
from digihub.funding.models import LedgerEntry
from digihub.intake.models import Question
from digihub.trajectories.models import Trajectory


def require_reader(user: Any) -> None:
    if not getattr(user, "is_authenticated", False) or not (
        user.is_network_wide or user.role == Role.ADVISOR
    ):
        raise PermissionDenied(
            _("Reports are for chambers, the funding agency and programme coordinators.")
        )


def readable(user: Any) -> tuple[QuerySet[Trajectory], QuerySet[Question], QuerySet[LedgerEntry]]:
    """The rows the report may count for this user (an advisor: its own chamber only)."""
    require_reader(user)
    trajectories, questions, entries = (
        visible(user, Trajectory),
        visible(user, Question),
        visible(user, LedgerEntry),
    )
    if user.role == Role.ADVISOR:
        entries = LedgerEntry.objects.filter(hub__chamber_id=user.chamber_id) | entries
    return trajectories, questions, entries
