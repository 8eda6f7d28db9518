"""Partner recommendations for a question, what was shown and chosen, and declared relations."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digihub.accounts.roles import Role
from digihub.companies.validators import validate_enterprise_number
from digihub.core.access import can
from digihub.core.notifications import dispatch, message
from digihub.core.workflow import Audience, declare_event

from . import text
from .models import DeclaredBy, PartnerSide, Recommendation, Relation, RelationKind
from .ranking import Candidate, rank_commercial_partners, rank_knowledge_partners

SHOWN = 5  # recommendations shown on the page
RECORDED = 10  # of which the first are recorded with their scores

declare_event("matching.relation_declared", Audience.INTERNAL)
declare_event("matching.relation_withdrawn", Audience.INTERNAL)


def rank(
    question: Any, side: str, *, limit: int | None = RECORDED, **kwargs: Any
) -> list[Candidate]:
    if side == PartnerSide.COMMERCIAL:
        return rank_commercial_partners(question, limit=limit, **kwargs)
    return rank_knowledge_partners(question, limit=limit, **kwargs)


def _as_ranking(candidates: list[Candidate]) -> list[dict[str, Any]]:
    return [
        {"partner": c.partner.pk, "score": c.score, "conflict": c.conflict}
        for c in candidates[:RECORDED]
    ]


def record_shown(
    question: Any, side: str, candidates: list[Candidate], user: Any
) -> Recommendation:
    """Keep the ranking a user was shown; the same ranking shown again only updates its time."""
    ranking = _as_ranking(candidates)
    with transaction.atomic():
        latest = (
            Recommendation.objects.select_for_update()
            .filter(question=question, side=side, chosen_at__isnull=True)
            .first()
        )
        if latest is not None and latest.ranking == ranking:
            latest.shown_at, latest.shown_to = timezone.now(), user
            latest.save(update_fields=["shown_at", "shown_to"])
            return latest
        return Recommendation.objects.create(
            question=question,
            side=side,
            ranking=ranking,
            method=text.method(),
            shown_at=timezone.now(),
            shown_to=user,
        )


def record_choice(
    question: Any, side: str, partner_id: int | None, actor: Any, step: str
) -> Recommendation:
    """The choice made on a question, next to the ranking shown before it (or, when none was
    shown — a decision through the API — the ranking as it stands now)."""
    latest = (
        Recommendation.objects.select_for_update()
        .filter(question=question, side=side, chosen_at__isnull=True)
        .first()
    )
    if latest is None:
        latest = Recommendation(
            question=question,
            side=side,
            ranking=_as_ranking(rank(question, side)),
            method=text.method(),
        )
    ids = [row["partner"] for row in latest.ranking]
    latest.chosen_partner_id = partner_id
    latest.chosen_rank = ids.index(partner_id) + 1 if partner_id in ids else None
    latest.chosen_at = timezone.now()
    latest.chosen_by = actor if getattr(actor, "pk", None) else None
    latest.step = step
    latest.save()
    return latest


def for_question_page(user: Any, question: Any) -> dict[str, Any]:
    """What the question page shows: the ranked partners where the advisor decides and where
    the officer validates. Recorded as shown only to whom may decide."""
    # The question's workflow table answers both: its state and who may take the step.
    deciding = bool(can(user, "decide_route", question))
    validating = bool(can(user, "approve", question))
    if not (deciding or validating):
        return {}
    knowledge = rank(question, PartnerSide.KNOWLEDGE)
    context: dict[str, Any] = {
        "recommended_partners": knowledge[:SHOWN],
        "chosen_candidate": None,
    }
    if deciding:
        record_shown(question, PartnerSide.KNOWLEDGE, knowledge, user)
        commercial = rank(question, PartnerSide.COMMERCIAL)
        context["recommended_commercial"] = commercial[:SHOWN]
        record_shown(question, PartnerSide.COMMERCIAL, commercial, user)
    if validating and question.chosen_partner_id:
        chosen = next((c for c in knowledge if c.partner.pk == question.chosen_partner_id), None)
        if chosen is None:
            everyone = rank(question, PartnerSide.KNOWLEDGE, limit=None)
            chosen = next((c for c in everyone if c.partner.pk == question.chosen_partner_id), None)
        context["chosen_candidate"] = chosen
    return context


# Declared relations -------------------------------------------------------------------------
def side_of(user: Any) -> str:
    if user.role == Role.PARTNER:
        return DeclaredBy.PARTNER
    if user.role == Role.SME:
        return DeclaredBy.COMPANY
    return DeclaredBy.CHAMBER


def declare_relation(
    *,
    actor: Any,
    enterprise_number: str,
    kind: str,
    knowledge_partner: Any = None,
    commercial_partner: Any = None,
    description: str = "",
) -> Relation:
    """Record that a partner and a company are related; audited, internal to the network.

    Partner staff declare for their own partner, an SME for its own company, advisors for the
    companies of their chamber (and coordinators for any)."""
    from digihub.companies.models import Company

    number = "".join(ch for ch in enterprise_number if ch.isdigit())
    if len(number) == 9:
        number = "0" + number
    try:
        validate_enterprise_number(number)
    except ValidationError as exc:
        raise ValidationError({"enterprise_number": exc.messages}) from exc
    if kind not in RelationKind.values:
        raise ValidationError({"kind": _("Choose how they are related.")})
    if actor.role == Role.PARTNER and knowledge_partner is None and commercial_partner is None:
        knowledge_partner = actor.partner
    if (knowledge_partner is None) == (commercial_partner is None):
        raise ValidationError({"knowledge_partner": _("Choose one partner.")})
    company = Company.objects.filter(enterprise_number=number).first()
    if actor.role == Role.PARTNER:
        if knowledge_partner is None or knowledge_partner.pk != actor.partner_id:
            raise ValidationError(
                {"knowledge_partner": _("You declare relations of your own organisation only.")}
            )
    elif actor.role == Role.SME:
        if actor.company_id is None or company is None or company.pk != actor.company_id:
            raise ValidationError(
                {"enterprise_number": _("You declare relations of your own company only.")}
            )
    elif actor.role == Role.ADVISOR:
        if company is None or company.chamber_id != actor.chamber_id:
            raise ValidationError(
                {"enterprise_number": _("Advisors declare relations of their chamber's companies.")}
            )
    elif not actor.is_coordinator:
        raise ValidationError(
            _("Only the partner, the company or the chamber declares a relation.")
        )
    with transaction.atomic():
        relation = Relation.objects.create(
            enterprise_number=number,
            knowledge_partner=knowledge_partner,
            commercial_partner=commercial_partner,
            kind=kind,
            description=description.strip(),
            declared_side=side_of(actor),
            declared_by=actor,
            chamber=company.chamber if company is not None else None,
        )
        dispatch(
            actor=actor,
            action="matching.relation_declared",
            target=relation,
            company=company,
            summary=message(
                gettext_lazy("Relation declared: %(partner)s – %(kind)s"),
                partner=relation.partner,
                kind=_kind_label(relation.kind),
            ),
            data={"kind": kind, "side": relation.declared_side},
        )
    return relation


def _kind_label(kind: str) -> Any:
    return RelationKind(kind).label if kind in RelationKind.values else kind


def withdraw_relation(*, actor: Any, relation: Relation, reason: str) -> Relation:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the declaration is withdrawn.")})
    from digihub.companies.models import Company

    with transaction.atomic():
        locked = Relation.objects.select_for_update().get(pk=relation.pk)
        if locked.withdrawn_at is not None:
            raise ValidationError(_("This declaration was already withdrawn."))
        locked.withdrawn_at, locked.withdrawn_by = timezone.now(), actor
        locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
        dispatch(
            actor=actor,
            action="matching.relation_withdrawn",
            target=locked,
            company=Company.objects.filter(enterprise_number=locked.enterprise_number).first(),
            summary=message(
                gettext_lazy("Relation withdrawn: %(partner)s – %(kind)s"),
                partner=locked.partner,
                kind=_kind_label(locked.kind),
            ),
            reason=reason,
        )
    return locked


def relation_between(
    company: Any, partner: Any, side: str = PartnerSide.KNOWLEDGE
) -> Relation | None:
    if company is None or partner is None:
        return None
    column = "knowledge_partner" if side == PartnerSide.KNOWLEDGE else "commercial_partner"
    return (
        Relation.objects.filter(
            enterprise_number=company.enterprise_number,
            withdrawn_at__isnull=True,
            **{column: partner},
        )
        .order_by("declared_at")
        .first()
    )
