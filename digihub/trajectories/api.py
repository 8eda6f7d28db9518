from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from digihub.api.types import DbId, InputSchema
from digihub.audit.visibility import sees_internal
from digihub.core.access import get_visible_or_404, visible
from digihub.core.dates import PlausibleDate, PlausibleDateTime
from digihub.core.money import MAX_AMOUNT, column_max
from digihub.network.models import KnowledgePartner

from . import services
from .calendar import to_ics
from .models import Quote, Session, Trajectory
from .selectors import phase_counts_on

router = Router(tags=["trajectories"])


class TrajectoryOut(Schema):
    id: int
    reference: str
    company_id: int
    hub_id: int
    chamber_id: int
    advisor_id: int
    partner_id: int
    question_id: int | None
    phase: str
    phase_changed_at: dt.datetime
    started_at: dt.datetime
    quote_signed_at: dt.datetime | None
    completed_at: dt.datetime | None
    stopped_at: dt.datetime | None
    stop_reason: str

    # The reason is the chamber's internal record (digihub.audit.visibility).
    @staticmethod
    def resolve_stop_reason(obj: Any, context: Any) -> str:
        return obj.stop_reason if sees_internal(context["request"].user) else ""


class LineIn(InputSchema):
    description: str = Field(..., min_length=1, max_length=300)
    days: Decimal = Field(..., gt=0, le=column_max(6, 2), max_digits=6, decimal_places=2)
    day_rate: Decimal = Field(..., gt=0, le=MAX_AMOUNT, max_digits=10, decimal_places=2)


class QuoteIn(InputSchema):
    scope: str = Field(..., min_length=1, max_length=5000)
    methodology: str = Field("", max_length=5000)
    valid_until: PlausibleDate
    lines: list[LineIn] = Field(..., max_length=50)
    expected_revision: int | None = Field(None, ge=1, le=10**6)


class LineOut(Schema):
    description: str
    days: Decimal
    day_rate: Decimal
    amount: Decimal


class QuoteOut(Schema):
    id: int
    number: int
    status: str
    scope: str
    valid_until: PlausibleDate
    total: Decimal
    revision: int
    pdf_sha256: str
    signed_at: dt.datetime | None
    signed_by_name: str
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj: Quote) -> list[dict[str, object]]:
        return [dict(row) for row in obj.lines.values("description", "days", "day_rate", "amount")]


class SignIn(InputSchema):
    signer_name: str = Field(..., min_length=1, max_length=200)
    pdf_sha256: str = Field(..., max_length=64)


class SessionIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    kind: str = Field("session", pattern="^(session|test_day)$")
    starts_at: PlausibleDateTime
    ends_at: PlausibleDateTime
    place: str = Field("lab", pattern="^(lab|company|online)$")
    location: str = Field("", max_length=300)
    participants: str = Field("", max_length=500)
    agenda: str = Field("", max_length=5000)


class SessionOut(Schema):
    id: int
    trajectory_id: int
    kind: str
    title: str
    starts_at: PlausibleDateTime
    ends_at: PlausibleDateTime
    place: str
    location: str


class AdviceIn(InputSchema):
    kind: str = Field("action_plan", pattern="^(action_plan|report)$")
    delivered_on: PlausibleDate
    summary: str = Field(..., min_length=1, max_length=20000)


class CompleteIn(InputSchema):
    final_cost: Decimal = Field(..., ge=0, le=10**9, max_digits=14, decimal_places=2)
    reason: str = Field("", max_length=300)


class ReasonIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=2000)


class PartnerIn(InputSchema):
    partner_id: DbId
    reason: str = Field(..., min_length=1, max_length=2000)


class SurveyIn(InputSchema):
    score: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=2000)


class Filters(InputSchema):
    phase: str | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**9)


def _get(request: HttpRequest, trajectory_id: int) -> Trajectory:
    return get_visible_or_404(request.user, Trajectory, pk=trajectory_id)


@router.get("/", response=list[TrajectoryOut])
def list_trajectories(request: HttpRequest, filters: Query[Filters]) -> object:
    qs = visible(request.user, Trajectory).order_by("-started_at", "-pk")
    if filters.phase:
        qs = qs.filter(phase=filters.phase)
    return qs[filters.offset : filters.offset + filters.limit]


@router.get("/phases", response=dict[str, int])
def phases_on(request: HttpRequest, on: dt.date) -> object:
    """How many visible trajectories were in each phase at the end of a given day."""
    return phase_counts_on(on, trajectories=visible(request.user, Trajectory))


@router.get("/{trajectory_id}", response=TrajectoryOut)
def get_trajectory(request: HttpRequest, trajectory_id: DbId) -> object:
    return _get(request, trajectory_id)


@router.get("/{trajectory_id}/quotes", response=list[QuoteOut])
def list_quotes(request: HttpRequest, trajectory_id: DbId) -> object:
    return visible(request.user, _get(request, trajectory_id).quotes.all())  # type: ignore[attr-defined]


@router.post("/{trajectory_id}/quotes", response={201: QuoteOut})
def create_quote(request: HttpRequest, trajectory_id: DbId, payload: QuoteIn) -> object:
    quote = services.save_quote(
        actor=request.user,
        trajectory=_get(request, trajectory_id),
        scope=payload.scope,
        methodology=payload.methodology,
        valid_until=payload.valid_until,
        lines=[line.dict() for line in payload.lines],
    )
    return Status(201, quote)


@router.put("/{trajectory_id}/quotes/{quote_id}", response=QuoteOut)
def update_quote(
    request: HttpRequest, trajectory_id: DbId, quote_id: DbId, payload: QuoteIn
) -> object:
    t = _get(request, trajectory_id)
    quote = get_visible_or_404(request.user, t.quotes.all(), pk=quote_id)  # type: ignore[attr-defined]
    return services.save_quote(
        actor=request.user,
        trajectory=t,
        scope=payload.scope,
        methodology=payload.methodology,
        valid_until=payload.valid_until,
        lines=[line.dict() for line in payload.lines],
        quote=quote,
        expected_revision=payload.expected_revision,
    )


@router.post("/{trajectory_id}/quotes/{quote_id}/issue", response=QuoteOut)
def issue_quote(request: HttpRequest, trajectory_id: DbId, quote_id: DbId) -> object:
    quote = get_visible_or_404(request.user, _get(request, trajectory_id).quotes.all(), pk=quote_id)  # type: ignore[attr-defined]
    return services.issue_quote(actor=request.user, quote=quote)


@router.post("/{trajectory_id}/quotes/{quote_id}/sign", response=QuoteOut)
def sign_quote(
    request: HttpRequest, trajectory_id: DbId, quote_id: DbId, payload: SignIn
) -> object:
    quote = get_visible_or_404(request.user, _get(request, trajectory_id).quotes.all(), pk=quote_id)  # type: ignore[attr-defined]
    return services.sign_quote_online(
        actor=request.user,
        quote=quote,
        signer_name=payload.signer_name,
        pdf_sha256=payload.pdf_sha256,
    )


@router.get("/{trajectory_id}/sessions", response=list[SessionOut])
def list_sessions(request: HttpRequest, trajectory_id: DbId) -> object:
    return _get(request, trajectory_id).sessions.all()  # type: ignore[attr-defined]


@router.post("/{trajectory_id}/sessions", response={201: SessionOut})
def plan_session(request: HttpRequest, trajectory_id: DbId, payload: SessionIn) -> object:
    return Status(
        201,
        services.plan_session(
            actor=request.user, trajectory=_get(request, trajectory_id), **payload.dict()
        ),
    )


@router.get("/{trajectory_id}/sessions.ics")
def sessions_ics(request: HttpRequest, trajectory_id: DbId) -> HttpResponse:
    sessions = Session.objects.filter(trajectory=_get(request, trajectory_id)).select_related(
        "trajectory"
    )
    return HttpResponse(to_ics(sessions), content_type="text/calendar; charset=utf-8")


@router.post("/{trajectory_id}/advice", response=dict)
def deliver_advice(request: HttpRequest, trajectory_id: DbId, payload: AdviceIn) -> object:
    advice = services.deliver_advice(
        actor=request.user, trajectory=_get(request, trajectory_id), **payload.dict()
    )
    return {"id": advice.pk, "delivered_on": advice.delivered_on.isoformat()}


@router.post("/{trajectory_id}/complete", response=TrajectoryOut)
def complete(request: HttpRequest, trajectory_id: DbId, payload: CompleteIn) -> object:
    return services.complete(
        actor=request.user,
        trajectory=_get(request, trajectory_id),
        final_cost=payload.final_cost,
        reason=payload.reason,
    )


@router.post("/{trajectory_id}/stop", response=TrajectoryOut)
def stop(request: HttpRequest, trajectory_id: DbId, payload: ReasonIn) -> object:
    return services.stop(
        actor=request.user, trajectory=_get(request, trajectory_id), reason=payload.reason
    )


@router.post("/{trajectory_id}/partner", response=TrajectoryOut)
def change_partner(request: HttpRequest, trajectory_id: DbId, payload: PartnerIn) -> object:
    partner = get_visible_or_404(request.user, KnowledgePartner, pk=payload.partner_id)
    return services.change_partner(
        actor=request.user,
        trajectory=_get(request, trajectory_id),
        partner=partner,
        reason=payload.reason,
    )


@router.post("/{trajectory_id}/survey", response=dict)
def survey(request: HttpRequest, trajectory_id: DbId, payload: SurveyIn) -> object:
    answer = services.answer_survey(
        actor=request.user,
        trajectory=_get(request, trajectory_id),
        score=payload.score,
        comment=payload.comment,
    )
    return {"score": answer.score}
