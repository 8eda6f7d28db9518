"""Invitations as iCalendar files (RFC 5545)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from icalendar import Calendar, Event, vText

from digihub.core.outbound import ics_text

from .models import Session


def to_ics(sessions: Iterable[Session]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Digihub//trajectories//NL")
    calendar.add("version", "2.0")
    for session in sessions:
        event = Event()
        event.add("uid", f"session-{session.pk}@digihub")
        event.add("summary", ics_text(f"{session.title} ({session.trajectory.reference})"))
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("location", vText(ics_text(session.location or session.get_place_display())))
        event.add("description", ics_text(session.agenda or "", multiline=True))
        event.add("url", f"{settings.SITE_URL}/trajectories/{session.trajectory_id}/")
        calendar.add_component(event)
    return calendar.to_ical()  # type: ignore[no-any-return]
