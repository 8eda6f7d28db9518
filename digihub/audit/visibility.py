"""What of an object's history a person may read: one allow-list, applied in one place.

Every event kind has an audience (declared in the workflow tables, ``digihub.core.workflow``);
a kind nobody declared is internal. The network that runs an object (the advisors of its
chamber, the funding agency, coordinators) reads everything; a knowledge partner reads what is
meant for partners and the SME; the SME reads only what is meant for it. Reasons, comments and
notes are internal: they are shown to the network that runs the object and to nobody else.
Pages, API, downloads, e-mails and calendars all read events through ``shown_events``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext

from digihub.accounts.roles import Role
from digihub.core.notifications import shown_summary
from digihub.core.workflow import Audience, events_for_audience

from .services import events_for

_WIDER = {
    Audience.INTERNAL: (Audience.INTERNAL, Audience.PARTNER, Audience.SME),
    Audience.PARTNER: (Audience.PARTNER, Audience.SME),
    Audience.SME: (Audience.SME,),
}


def audience_of_viewer(user: Any) -> Audience:
    """The widest audience a person belongs to; call it for objects the person may see at all
    (``digihub.core.access.visible``), which keeps advisors to their own chamber."""
    if not getattr(user, "is_authenticated", False):
        return Audience.SME
    if user.is_superuser or user.is_network_wide or user.role == Role.ADVISOR:
        return Audience.INTERNAL
    if user.role == Role.PARTNER:
        return Audience.PARTNER
    return Audience.SME


def sees_internal(user: Any) -> bool:
    """Reasons, comments and notes: only for the network that runs the object."""
    return audience_of_viewer(user) == Audience.INTERNAL


def may_read(user: Any, audience: str) -> bool:
    return Audience(audience) in _WIDER[audience_of_viewer(user)]


def readable_audiences(user: Any) -> tuple[Audience, ...]:
    return _WIDER[audience_of_viewer(user)]


@dataclass(frozen=True)
class ShownEvent:
    occurred_at: dt.datetime
    actor_label: str
    action: str
    summary: str
    reason: str


def shown_events(user: Any, target: models.Model, limit: int = 100) -> list[ShownEvent]:
    """The events of ``target`` this person may read, newest first, reasons only for insiders."""
    events = events_for(target)
    internal = sees_internal(user)
    if not internal:
        events = events.filter(action__in=events_for_audience(*readable_audiences(user)))
    return [
        ShownEvent(
            occurred_at=event.occurred_at,
            actor_label=_actor_label(event),
            action=event.action,
            summary=shown_summary(event.summary, event.data),
            reason=event.reason if internal else "",
        )
        for event in events[:limit]
    ]


def _actor_label(event: Any) -> str:
    """Who acted; the platform itself (stored as "system") in the reader's language."""
    if event.actor_id is None and event.actor_label == "system":
        return gettext("system")
    return str(event.actor_label)


def filter_events(user: Any, events: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """The same allow-list on any query of events (a company's timeline, say)."""
    if sees_internal(user):
        return events
    return events.filter(action__in=events_for_audience(*readable_audiences(user)))
