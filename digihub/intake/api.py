from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, StreamingHttpResponse
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from digihub.accounts.models import User
from digihub.api.types import DbId, InputSchema
from digihub.audit.visibility import sees_internal, shown_events
from digihub.core.access import get_visible_or_404, visible
from digihub.core.dates import PlausibleDate
from digihub.core.uploads import serve
from digihub.network.models import CommercialPartner, KnowledgePartner, ServiceType, Theme

from . import services
from .models import Attachment, Channel, ContactKind, Question

router = Router(tags=["intake"])


class QuestionOut(Schema):
    id: int
    reference: str
    company_id: int
    chamber_id: int | None
    hub_id: int | None
    channel: str
    text: str
    status: str
    advisor_id: int | None
    registered_at: dt.datetime
    outside_target_group: bool
    first_conversation_on: dt.date | None
    decision: str
    route: str
    chosen_partner_id: int | None
    decided_at: dt.datetime | None
    decision_reason: str
    commercial_partner_id: int | None
    passed_on_by_id: int | None
    validation: str
    validation_comment: str
    last_activity_at: dt.datetime

    # Reasons and the funding agency's comments are not shown to the SME.
    @staticmethod
    def resolve_decision_reason(obj: Question, context: Any) -> str:
        return obj.decision_reason if sees_internal(context["request"].user) else ""

    @staticmethod
    def resolve_validation_comment(obj: Question, context: Any) -> str:
        return obj.validation_comment if sees_internal(context["request"].user) else ""


class QuestionIn(InputSchema):
    enterprise_number: str = Field(..., max_length=20)
    company_name: str = Field(..., min_length=1, max_length=200)
    postcode: str = Field(..., max_length=6)
    city: str = Field(..., min_length=1, max_length=100)
    street: str = Field("", max_length=200)
    employees: int | None = Field(None, ge=0, le=1_000_000)
    turnover: Decimal | None = Field(None, ge=0, le=10**12, max_digits=15, decimal_places=2)
    first_name: str = Field(..., min_length=1, max_length=100)
    last_name: str = Field(..., min_length=1, max_length=100)
    email: str = Field(..., min_length=3, max_length=254)
    phone: str = Field("", max_length=32)
    text: str = Field(..., min_length=1, max_length=5000)
    themes: list[str] = Field(default_factory=list, max_length=20)
    channel_detail: str = Field("", max_length=100)
    consent: bool = Field(
        False, description="The contact agreed that their data are processed for the question."
    )


class ConversationIn(InputSchema):
    kind: str = Field(ContactKind.EXPLORATORY, pattern="^(exploratory|follow_up)$")
    held_on: PlausibleDate
    participants: str = Field(..., min_length=1, max_length=300)
    current_situation: str = Field("", max_length=5000)
    desired_situation: str = Field("", max_length=5000)
    concrete_questions: str = Field("", max_length=5000)
    notes: str = Field("", max_length=5000)


class TrajectoryDecisionIn(InputSchema):
    partner_id: DbId
    reason: str = Field(..., min_length=1, max_length=2000)
    ask_validation: bool = False
    service_type: ServiceType = ServiceType.TEST_BEFORE_INVEST


class RouteDecisionIn(InputSchema):
    route: str = Field(..., max_length=20)
    reason: str = Field(..., min_length=1, max_length=2000)
    commercial_partner_id: DbId | None = None


class ReasonIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=2000)


class CommentIn(InputSchema):
    comment: str = Field("", max_length=2000)


class QuestionFilters(InputSchema):
    status: str | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**9)


def _get(request: HttpRequest, question_id: int) -> Question:
    return get_visible_or_404(request.user, Question, pk=question_id)


@router.get("/questions", response=list[QuestionOut])
def list_questions(request: HttpRequest, filters: Query[QuestionFilters]) -> object:
    qs = visible(request.user, Question).order_by("-registered_at", "-pk")
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs[filters.offset : filters.offset + filters.limit]


@router.get("/questions/{question_id}", response=QuestionOut)
def get_question(request: HttpRequest, question_id: DbId) -> object:
    return _get(request, question_id)


@router.post("/questions", response={201: QuestionOut, 200: QuestionOut})
def register_question(request: HttpRequest, payload: QuestionIn) -> object:
    """Register a question (advisors) or pass one on (knowledge partners).

    Send an ``Idempotency-Key`` header to make a retried call return the first result."""
    user = request.user
    key = request.headers.get("Idempotency-Key", "")[:200] or None
    # The key is the caller's own: hashed with the user id under a prefix the public form's
    # token (32 hex digits) can never take, so nobody else can claim or pre-empt it.
    token = "api:" + hashlib.sha256(f"{user.pk}\n{key}".encode()).hexdigest()[:60] if key else None
    partner = getattr(user, "partner", None) if getattr(user, "role", "") == "partner" else None
    data = services.Registration.from_data(
        {**payload.dict(), "themes": list(Theme.objects.filter(code__in=payload.themes))},
        channel=Channel.PARTNER if partner else Channel.ADVISOR,
        token=token,
    )
    question, created = services.register_question(actor=user, data=data, passed_on_by=partner)
    return Status(201 if created else 200, question)


@router.post("/questions/{question_id}/take", response=QuestionOut)
def take(request: HttpRequest, question_id: DbId) -> object:
    return services.take_question(actor=request.user, question=_get(request, question_id))


@router.post("/questions/{question_id}/conversations", response={201: dict})
def conversation(request: HttpRequest, question_id: DbId, payload: ConversationIn) -> object:
    item = services.record_conversation(
        actor=request.user, question=_get(request, question_id), **payload.dict()
    )
    return Status(201, {"id": item.pk, "kind": item.kind, "held_on": item.held_on.isoformat()})


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: dt.datetime


@router.get(
    "/questions/{question_id}/attachments",
    response=list[AttachmentOut],
    url_name="question_attachments",
)
def attachments(request: HttpRequest, question_id: DbId) -> object:
    """The question's attachments this user may see."""
    return visible(request.user, _get(request, question_id).attachments.all())


@router.post(
    "/questions/{question_id}/attachments",
    response={201: AttachmentOut},
    url_name="question_attach",
)
def attach(request: HttpRequest, question_id: DbId, file: File[UploadedFile]) -> object:
    """Add a file (multipart field ``file``): checked by content and size like on the page."""
    return Status(
        201,
        services.add_attachment(
            actor=request.user, question=_get(request, question_id), upload=file
        ),
    )


@router.get(
    "/questions/{question_id}/attachments/{attachment_id}",
    url_name="question_attachment_file",
)
def attachment_file(
    request: HttpRequest, question_id: DbId, attachment_id: DbId
) -> StreamingHttpResponse:
    """The file itself, to people who may see the question."""
    item = get_visible_or_404(
        request.user,
        Attachment.objects.filter(question=_get(request, question_id)),
        pk=attachment_id,
    )
    if not item.file:  # erased with the contact's personal data
        raise Http404
    return serve(item.file, item.name, item.content_type)


@router.post("/questions/{question_id}/decide/trajectory", response=dict)
def decide_trajectory(
    request: HttpRequest, question_id: DbId, payload: TrajectoryDecisionIn
) -> object:
    question = _get(request, question_id)
    partner = KnowledgePartner.objects.filter(pk=payload.partner_id).first()
    trajectory = services.decide_trajectory(
        actor=request.user,
        question=question,
        partner=partner,
        reason=payload.reason,
        ask_validation=payload.ask_validation,
        service_type=payload.service_type,
    )
    question.refresh_from_db()
    return {"status": question.status, "trajectory_id": getattr(trajectory, "pk", None)}


@router.post("/questions/{question_id}/decide/route", response=QuestionOut)
def decide_route(request: HttpRequest, question_id: DbId, payload: RouteDecisionIn) -> object:
    partner = (
        CommercialPartner.objects.filter(pk=payload.commercial_partner_id).first()
        if payload.commercial_partner_id
        else None
    )
    return services.decide_no_trajectory(
        actor=request.user,
        question=_get(request, question_id),
        route=payload.route,
        reason=payload.reason,
        commercial_partner=partner,
    )


@router.post("/questions/{question_id}/decide/info", response=QuestionOut)
def close_info(request: HttpRequest, question_id: DbId, payload: ReasonIn) -> object:
    return services.close_info_only(
        actor=request.user, question=_get(request, question_id), reason=payload.reason
    )


@router.post("/questions/{question_id}/reopen", response=QuestionOut)
def reopen(request: HttpRequest, question_id: DbId, payload: ReasonIn) -> object:
    return services.reopen_question(
        actor=request.user, question=_get(request, question_id), reason=payload.reason
    )


@router.post("/questions/{question_id}/validation/approve", response=dict)
def approve(request: HttpRequest, question_id: DbId, payload: CommentIn) -> object:
    trajectory = services.approve_partner_validation(
        actor=request.user, question=_get(request, question_id), comment=payload.comment
    )
    return {"trajectory_id": getattr(trajectory, "pk", None)}


@router.post("/questions/{question_id}/validation/reject", response=QuestionOut)
def reject(request: HttpRequest, question_id: DbId, payload: CommentIn) -> object:
    return services.reject_partner_validation(
        actor=request.user, question=_get(request, question_id), comment=payload.comment
    )


class WaitingIn(InputSchema):
    waiting: bool
    reason: str = Field("", max_length=2000)


class TimelineEntry(Schema):
    at: dt.datetime
    who: str
    action: str
    summary: str
    reason: str


@router.post("/questions/{question_id}/waiting", response=QuestionOut, url_name="question_waiting")
def waiting(request: HttpRequest, question_id: DbId, payload: WaitingIn) -> object:
    """Put the question on hold until the SME answers (``waiting: true``) or take it up again."""
    question = _get(request, question_id)
    if payload.waiting:
        return services.set_waiting_on_sme(
            actor=request.user, question=question, reason=payload.reason
        )
    return services.resume_question(actor=request.user, question=question, reason=payload.reason)


class HandOverIn(InputSchema):
    advisor_id: DbId
    reason: str = Field(..., min_length=1, max_length=2000)


@router.post(
    "/questions/{question_id}/hand-over", response=QuestionOut, url_name="question_hand_over"
)
def hand_over(request: HttpRequest, question_id: DbId, payload: HandOverIn) -> object:
    """Make another advisor of the question's chamber its single point of contact."""
    question = _get(request, question_id)
    to = User.objects.filter(pk=payload.advisor_id).first()
    return services.hand_over_question(
        actor=request.user, question=question, to=to, reason=payload.reason
    )


@router.post("/questions/{question_id}/allow", response=QuestionOut, url_name="question_allow")
def allow(request: HttpRequest, question_id: DbId, payload: ReasonIn) -> object:
    """A coordinator allows the trajectory route for a company outside the SME target group."""
    return services.allow_outside_target_group(
        actor=request.user, question=_get(request, question_id), reason=payload.reason
    )


@router.get(
    "/questions/{question_id}/timeline",
    response=list[TimelineEntry],
    url_name="question_timeline",
)
def timeline(request: HttpRequest, question_id: DbId) -> object:
    """Every contact, decision and state change on the question: who, when and why."""
    question = _get(request, question_id)
    return [
        {
            "at": e.occurred_at,
            "who": e.actor_label,
            "action": e.action,
            "summary": e.summary,
            "reason": e.reason,
        }
        for e in shown_events(request.user, question, limit=200)
    ]
