from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEvent


def record_event(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    summary: Any,
    reason: str = "",
    company: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event; call it inside the transaction of the change it describes."""
    real_actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=real_actor,
        actor_label=str(actor) if real_actor else "system",
        action=action,
        target_type=ContentType.objects.get_for_model(type(target)),
        target_id=str(target.pk),
        company=company,
        summary=str(summary)[:300],
        reason=reason,
        data=summary_data(summary, data),
    )


def summary_data(summary: Any, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """An event's data with its text kept as message id and parameters, where known, so that
    each reader sees it in their own language (``digihub.core.notifications.shown_summary``);
    for events written without ``record_event`` (in bulk)."""
    from digihub.core.notifications import Message, msgid_of

    data = dict(data or {})
    msgid = msgid_of(summary)
    if msgid and "summary_msg" not in data:
        params = summary.params if isinstance(summary, Message) else {}
        data["summary_msg"] = {"id": msgid, "params": params}
    return data


def events_for(target: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(type(target)), target_id=str(target.pk)
    ).select_related("actor")


def history_rows(obj: models.Model, limit: int = 50) -> list[dict[str, Any]]:
    """Field-level changes of a simple-history tracked object, newest first."""
    history = getattr(obj, "history", None)
    if history is None:
        return []
    records = list(
        history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    rows = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = obj._meta.get_field(change.field)
                changes.append(
                    {
                        "field": getattr(field, "verbose_name", change.field),
                        "old": change.old,
                        "new": change.new,
                    }
                )
        rows.append(
            {
                "when": record.history_date,
                "who": record.history_user or "system",
                "type": record.get_history_type_display(),
                "reason": record.history_change_reason or "",
                "changes": changes,
            }
        )
    return rows
