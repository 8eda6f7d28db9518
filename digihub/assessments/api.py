"""Maturity assessments and the hub's EDIH indicators in the API (the same services and rules
as the pages)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema

from digihub.api.types import DbId, InputSchema
from digihub.companies.models import Company
from digihub.core.access import get_visible_or_404, visible
from digihub.core.dates import PlausibleDate
from digihub.network.models import Hub
from digihub.trajectories.models import Session, Trajectory

from . import kpi, services
from .exports import micro_headers, micro_rows
from .models import Assessment
from .policies import can_read_kpis

router = Router(tags=["maturity"])


class ScoreOut(Schema):
    code: str
    score: Decimal


class AssessmentOut(Schema):
    id: int
    company_id: int
    trajectory_id: int | None
    moment: str
    status: str
    questionnaire: str
    due_on: dt.date | None
    submitted_at: dt.datetime | None
    overall: Decimal | None
    band: str
    baseline_id: int | None
    scores: list[ScoreOut]

    @staticmethod
    def resolve_questionnaire(obj: Assessment) -> str:
        return str(obj.questionnaire)

    @staticmethod
    def resolve_scores(obj: Assessment) -> list[dict[str, Any]]:
        return [{"code": s.code, "score": s.score} for s in obj.scores.all()]  # type: ignore[attr-defined]


class KpiOut(Schema):
    period_start: dt.date
    period_end: dt.date
    hub_id: int | None
    trajectories: int
    customers: int
    customers_by_kind: dict[str, int]
    customers_by_size: dict[str, int]
    customers_by_sector: dict[str, int]
    customers_by_region: dict[str, int]
    customers_by_province: dict[str, int]
    services: dict[str, dict[str, int]]
    training_sessions: int
    training_attendees: int
    t0_customers: int
    t0_completion_rate: Decimal | None
    completed: int
    t1_completed: int
    t1_coverage: Decimal | None
    change_per_dimension: list[dict[str, Any]]
    overall_change: dict[str, Any]
    bands: dict[str, dict[str, int]]
    investment_facilitated: Decimal
    investment_count: int
    satisfaction_mean: Decimal | None
    satisfaction_count: int


def _scope(
    request: HttpRequest, hub_id: int | None, start: dt.date | None, end: dt.date | None
) -> tuple[Any, kpi.Period, Any]:
    decision = can_read_kpis(request.user)
    if not decision:
        raise PermissionDenied(decision.reason)
    hub = get_visible_or_404(request.user, Hub, pk=hub_id) if hub_id else None
    default = kpi.Period.default()
    period = kpi.Period(start or default.start, end or default.end)
    if period.start > period.end:
        from django.core.exceptions import ValidationError

        raise ValidationError({"end": "The period ends after it starts."})
    return visible(request.user, Trajectory), period, hub


@router.get("/kpi", response=KpiOut)
def hub_kpis(
    request: HttpRequest,
    hub_id: DbId | None = None,
    start: PlausibleDate | None = None,
    end: PlausibleDate | None = None,
) -> dict[str, Any]:
    """The EDIH indicators of one hub (or every hub the reader sees) over a period."""
    trajectories, period, hub = _scope(request, hub_id, start, end)
    k = kpi.compute(trajectories, period, hub=hub)
    return {
        "period_start": period.start,
        "period_end": period.end,
        "hub_id": hub.pk if hub else None,
        "trajectories": k.trajectories,
        "customers": k.customers,
        "customers_by_kind": k.by_kind,
        "customers_by_size": k.by_size,
        "customers_by_sector": k.by_sector,
        "customers_by_region": k.by_region,
        "customers_by_province": k.by_province,
        "services": k.services,
        "training_sessions": k.training_sessions,
        "training_attendees": k.training_attendees,
        "t0_customers": k.t0_customers,
        "t0_completion_rate": k.t0_rate,
        "completed": k.completed,
        "t1_completed": k.t1_completed,
        "t1_coverage": k.t1_coverage,
        "change_per_dimension": k.change,
        "overall_change": k.overall_change,
        "bands": k.bands,
        "investment_facilitated": k.investment,
        "investment_count": k.investment_count,
        "satisfaction_mean": k.satisfaction,
        "satisfaction_count": k.surveys,
    }


@router.get("/kpi/micro-data", response=list[dict[str, Any]])
def hub_micro_data(
    request: HttpRequest,
    hub_id: DbId | None = None,
    start: PlausibleDate | None = None,
    end: PlausibleDate | None = None,
) -> list[dict[str, Any]]:
    """One row per service to a customer, with the DMA scores at T0 and T1."""
    trajectories, period, hub = _scope(request, hub_id, start, end)
    heads = micro_headers()
    return [
        dict(zip(heads, row, strict=True))
        for row in micro_rows(kpi.micro_data(trajectories, period, hub=hub))
    ]


@router.get("/companies/{company_id}", response=list[AssessmentOut])
def company_assessments(request: HttpRequest, company_id: DbId) -> Any:
    company = get_visible_or_404(request.user, Company, pk=company_id)
    return (
        visible(request.user, Assessment)
        .filter(company=company)
        .select_related("questionnaire")
        .prefetch_related("scores")
        .order_by("-created_at")
    )


class AttendanceIn(InputSchema):
    attendees: int = Field(..., ge=0, le=100000)


@router.post("/sessions/{session_id}/attendance", response={200: dict[str, int]})
def session_attendance(request: HttpRequest, session_id: DbId, payload: AttendanceIn) -> Any:
    session = get_visible_or_404(
        request.user, Session.objects.select_related("trajectory"), pk=session_id
    )
    saved = services.record_attendance(
        actor=request.user, session=session, attendees=payload.attendees
    )
    return {"session_id": saved.pk, "attendees": saved.attendees or 0}


class InvestmentIn(InputSchema):
    amount: Decimal | None = Field(None, ge=0, le=10**12, max_digits=14, decimal_places=2)


@router.post("/trajectories/{trajectory_id}/investment", response={200: dict[str, Any]})
def trajectory_investment(request: HttpRequest, trajectory_id: DbId, payload: InvestmentIn) -> Any:
    t = get_visible_or_404(request.user, Trajectory, pk=trajectory_id)
    saved = services.record_investment(actor=request.user, trajectory=t, amount=payload.amount)
    return {"trajectory_id": saved.pk, "investment_facilitated": saved.investment_facilitated}
