"""Reads for workspaces and reports; counting is done by the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from digihub.core.access import visible
from digihub.core.money import ZERO
from digihub.funding.models import PaymentRequest

from .models import Phase, PhaseSpan, Quote, Trajectory


def end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def phase_counts_on(
    day: dt.date, trajectories: QuerySet[Trajectory] | None = None, **filters: Any
) -> dict[str, int]:
    """How many trajectories were in each phase at the end of ``day``."""
    moment = end_of_day(day)
    spans = PhaseSpan.objects.filter(entered_at__lt=moment).filter(
        Q(left_at__isnull=True) | Q(left_at__gte=moment)
    )
    if trajectories is not None:
        spans = spans.filter(trajectory__in=trajectories)
    if filters:
        spans = spans.filter(**{f"trajectory__{k}": v for k, v in filters.items()})
    counts = dict.fromkeys(Phase.values, 0)
    for row in spans.values("phase").annotate(n=Count("pk")):
        counts[row["phase"]] = row["n"]
    return counts


def partner_load(partner: Any) -> dict[str, int]:
    running = Trajectory.objects.filter(
        partner=partner, phase__in=[Phase.QUOTE, Phase.EXECUTION]
    ).count()
    return {"running": running, "capacity": partner.capacity}


def quote_payment(user: Any, quote: Quote) -> PaymentRequest | None:
    """The SME's share requested when ``quote`` was signed, if ``user`` may see it."""
    return (
        visible(user, PaymentRequest)
        .filter(document_type=ContentType.objects.get_for_model(Quote), document_id=str(quote.pk))
        .select_related("payee", "company")
        .order_by("-created_at", "-pk")
        .first()
    )


def sme_share(trajectory: Trajectory) -> Decimal:
    """What the SME was asked to pay for the quotes of ``trajectory``, in one query."""
    quote_ids = Quote.objects.filter(trajectory_id=trajectory.pk).values(
        key=Cast("pk", CharField())
    )
    return PaymentRequest.objects.filter(
        document_type=ContentType.objects.get_for_model(Quote), document_id__in=quote_ids
    ).aggregate(total=Sum("amount", default=ZERO))["total"]
