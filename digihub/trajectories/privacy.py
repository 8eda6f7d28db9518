"""What trajectories keep of a person, for export on request and erasure (see companies.privacy)."""

from __future__ import annotations

from typing import Any

from digihub.companies.models import Contact
from digihub.companies.privacy import (
    mentions,
    personal_pattern,
    register_eraser,
    register_exporter,
    scrub_rows,
)

from .models import PhaseSpan, Quote, Session


@register_exporter
def export_signatures_and_sessions(contact: Contact) -> dict[str, Any]:
    pattern = personal_pattern(contact)
    quotes = Quote.objects.filter(trajectory__company=contact.company_id).exclude(signed_by_name="")
    sessions = Session.objects.filter(trajectory__company=contact.company_id)
    return {
        "signatures": [
            {
                "trajectory": q.trajectory.reference,
                "quote_version": q.number,
                "signed_at": q.signed_at.isoformat() if q.signed_at else None,
                "signed_by": q.signed_by_name,
                "pdf_sha256": q.pdf_sha256,
            }
            for q in quotes.select_related("trajectory")
            if mentions(q.signed_by_name, pattern)
        ],
        "sessions": [
            {
                "trajectory": s.trajectory.reference,
                "title": s.title,
                "starts_at": s.starts_at.isoformat(),
                "participants": s.participants,
            }
            for s in sessions.select_related("trajectory")
            if mentions(s.participants, pattern)
        ],
    }


@register_eraser
def erase_from_trajectories(contact: Contact) -> None:
    pattern = personal_pattern(contact)
    if pattern is None:
        return
    company_trajectories = {"trajectory__company": contact.company_id}
    scrub_rows(Quote.objects.filter(**company_trajectories), ("signed_by_name",), pattern)
    scrub_rows(Session.objects.filter(**company_trajectories), ("participants", "outcome"), pattern)
    scrub_rows(PhaseSpan.objects.filter(**company_trajectories), ("reason",), pattern)
