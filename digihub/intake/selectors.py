"""Counts for reporting, computed by the database for any date and period.

A reporting app calls :func:`reach_counts` for "the situation on day X" (cumulative up to and
including ``on``) or, with ``start``/``end``, for a reporting period (ended no later than ``on``).
Every figure is read from stored facts — registration time, conversation dates and the
status-change history — so the answer for a past date does not change when a question is later
reopened or decided again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from .models import (
    Channel,
    ContactKind,
    Conversation,
    Decision,
    Question,
    QuestionTransition,
    Route,
    Status,
)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _end_of(day: dt.date) -> dt.datetime:
    return _start_of(day + dt.timedelta(days=1))


def reach_counts(
    *,
    on: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
    hub: Any = None,
    chamber: Any = None,
    questions: QuerySet[Question] | None = None,
) -> dict[str, int]:
    """Reach on day ``on``: questions registered, exploratory conversations held and decisions
    standing on that day by decision and route; with ``start``/``end`` only those within the
    period ``start``–``min(end, on)`` (both days included).

    Keys: ``registered``, ``registered_<channel>``, ``outside_target_group``, ``companies``,
    ``conversations``, ``conversation_companies``, ``follow_ups``, ``decided``,
    ``decision_<decision>``, ``route_<route>``, ``open``.
    """
    qs = questions if questions is not None else Question.objects.all()
    if hub is not None:
        qs = qs.filter(hub=hub)
    if chamber is not None:
        qs = qs.filter(chamber=chamber)
    last_day = min(end, on) if end else on
    upto = _end_of(last_day)
    since = _start_of(start) if start else None

    registered = Q(registered_at__lt=upto)
    if since:
        registered &= Q(registered_at__gte=since)
    totals: dict[str, int] = qs.aggregate(
        registered=Count("pk", filter=registered),
        companies=Count("company", filter=registered, distinct=True),
        outside_target_group=Count("pk", filter=registered & Q(outside_target_group=True)),
        **{
            f"registered_{c}": Count("pk", filter=registered & Q(channel=c)) for c in Channel.values
        },
    )

    # Conversations by the day they were held.
    held = Q(held_on__lte=last_day) & (Q(held_on__gte=start) if start else Q())
    conversations = Conversation.objects.filter(held, question__in=qs)
    totals.update(
        conversations.aggregate(
            conversations=Count("pk", filter=Q(kind=ContactKind.EXPLORATORY)),
            conversation_companies=Count(
                "question__company", filter=Q(kind=ContactKind.EXPLORATORY), distinct=True
            ),
            follow_ups=Count("pk", filter=Q(kind=ContactKind.FOLLOW_UP)),
        )
    )

    # Decisions: a change to "decided" within the window that still stood at the end of it
    # (no later change of the same question before then, such as a reopening).
    undone = QuestionTransition.objects.filter(
        question=OuterRef("question"), at__gt=OuterRef("at"), at__lt=upto
    )
    decisions = QuestionTransition.objects.filter(
        question__in=qs, to_status=Status.DECIDED, at__lt=upto
    ).filter(~Exists(undone))
    in_window = Q(at__gte=since) if since else Q()
    totals.update(
        decisions.aggregate(
            decided=Count("pk", filter=in_window),
            **{
                f"decision_{d}": Count("pk", filter=in_window & Q(decision=d))
                for d in Decision.values
            },
            **{
                f"route_{r}": Count(
                    "pk", filter=in_window & Q(decision=Decision.NO_TRAJECTORY, route=r)
                )
                for r in Route.values
            },
            standing=Count("pk"),
        )
    )

    # Questions still open at the end of the window: registered by then and not standing as
    # decided then. A standing decision is the question's last change, so each counts once.
    registered_by_then = qs.filter(registered_at__lt=upto).count()
    totals["open"] = registered_by_then - totals.pop("standing")
    return {key: int(value or 0) for key, value in totals.items()}


def stale_condition(days: int) -> Q:
    return Q(
        status__in=[Status.NEW, Status.IN_PROGRESS, Status.WAITING_SME],
        last_activity_at__lt=timezone.now() - dt.timedelta(days=days),
    )
