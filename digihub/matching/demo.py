"""Demo: a declared relation the advisor meets in a ranking, and the partners' track records."""

from __future__ import annotations

from digihub.accounts.models import User
from digihub.accounts.roles import Role
from digihub.intake.models import Question, Status

from . import history
from .models import Relation
from .services import declare_relation


def build() -> None:
    question = (
        Question.objects.filter(status=Status.IN_PROGRESS, hub__isnull=False)
        .select_related("company", "hub")
        .order_by("pk")
        .first()
    )
    if question is not None and question.hub is not None and not Relation.objects.exists():
        partner = question.hub.partners.filter(active=True).order_by("short_name").first()
        advisor = User.objects.filter(role=Role.ADVISOR, chamber=question.company.chamber).first()
        if partner is not None and advisor is not None:
            declare_relation(
                actor=advisor,
                enterprise_number=question.company.enterprise_number,
                kind="shareholder",
                knowledge_partner=partner,
                description="Zaakvoerder heeft aandelen in een spin-off van de partner",
            )
    history.refresh()
