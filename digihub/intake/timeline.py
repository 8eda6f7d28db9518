"""Timelines of questions: per question and per company, from the audit events."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from digihub.audit.models import AuditEvent
from digihub.audit.visibility import filter_events, sees_internal
from digihub.core.access import visible

from .models import Question


def company_timeline(user: Any, company: Any, limit: int = 50) -> dict[str, Any]:
    """The company's questions the user may see, and their events, newest first."""
    questions = (
        visible(user, Question)
        .filter(company=company)
        .select_related("advisor", "chosen_partner")
        .order_by("-registered_at")
    )
    ids = [str(pk) for pk in questions.values_list("pk", flat=True)]
    events: QuerySet[AuditEvent] = AuditEvent.objects.none()
    if ids:
        events = AuditEvent.objects.filter(
            company=company,
            target_type=ContentType.objects.get_for_model(Question),
            target_id__in=ids,
        ).select_related("actor")
        events = filter_events(user, events)
    refs = {str(q.pk): q for q in questions}
    rows = [{"event": e, "question": refs.get(e.target_id)} for e in events[:limit]]
    return {
        "company": company,
        "questions": list(questions[:limit]),
        "rows": rows,
        "internal": sees_internal(user),
    }
