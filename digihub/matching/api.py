"""The partner recommendations of a question and the declared relations, for integrations."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from digihub.accounts.roles import Role
from digihub.api.types import DbId, InputSchema
from digihub.audit.visibility import sees_internal
from digihub.core.access import get_visible_or_404, visible
from digihub.intake.models import Question
from digihub.network.models import CommercialPartner, KnowledgePartner

from . import services
from .models import Relation

router = Router(tags=["matching"])


class ReasonOut(Schema):
    code: str
    text: str
    good: bool


class RecommendationOut(Schema):
    rank: int
    partner_id: int
    partner: str
    score: float
    fit: float
    in_hub: bool
    conflicts: list[str]
    reasons: list[ReasonOut]


@router.get(
    "/questions/{question_id}/recommendations",
    response=list[RecommendationOut],
    url_name="question_recommendations",
)
def recommendations(
    request: HttpRequest, question_id: DbId, side: Literal["knowledge", "commercial"] = "knowledge"
) -> object:
    """The partners ranked for a question, with the reasons in words (the network only)."""
    question = get_visible_or_404(request.user, Question, pk=question_id)
    if not sees_internal(request.user):
        raise PermissionDenied(_("Recommendations are internal to the network."))
    return [
        {
            "rank": c.rank,
            "partner_id": c.partner.pk,
            "partner": str(c.partner),
            "score": c.score,
            "fit": round(c.fit, 3),
            "in_hub": c.in_hub,
            "conflicts": c.conflicts,
            "reasons": [{"code": r.code, "text": r.text, "good": r.good} for r in c.reasons],
        }
        for c in services.rank(question, side)
    ]


class RelationOut(Schema):
    id: int
    enterprise_number: str
    knowledge_partner_id: int | None
    commercial_partner_id: int | None
    kind: str
    description: str
    declared_side: str
    declared_at: dt.datetime
    withdrawn_at: dt.datetime | None


class RelationIn(InputSchema):
    enterprise_number: str
    kind: Literal["director", "shareholder", "staff"]
    knowledge_partner_id: int | None = None
    commercial_partner_id: int | None = None
    description: str = ""


@router.get("/relations", response=list[RelationOut])
def list_relations(request: HttpRequest) -> object:
    return visible(request.user, Relation).order_by("-declared_at", "-pk")[:500]


@router.post("/relations", response={201: RelationOut})
def declare(request: HttpRequest, payload: RelationIn) -> object:
    """Declare a relation (partner staff for their partner, an SME for its company, advisors for
    their chamber's companies); audited."""
    user = request.user
    if getattr(user, "role", "") == Role.OFFICER:
        raise PermissionDenied(_("Officers read the declarations; they do not make them."))
    knowledge = (
        get_visible_or_404(user, KnowledgePartner, pk=payload.knowledge_partner_id)
        if payload.knowledge_partner_id
        else None
    )
    commercial = (
        get_visible_or_404(user, CommercialPartner, pk=payload.commercial_partner_id)
        if payload.commercial_partner_id
        else None
    )
    relation = services.declare_relation(
        actor=user,
        enterprise_number=payload.enterprise_number,
        kind=payload.kind,
        knowledge_partner=knowledge,
        commercial_partner=commercial,
        description=payload.description,
    )
    return Status(201, relation)
