"""Where matching takes part in the question's workflow, without intake importing it.

* The decision steps record the choice next to the ranking that was shown (``on_step``).
* A trajectory with a partner declared related to the company cannot be decided directly: the
  choice must go to the funding agency (``add_condition`` on ``decide_trajectory``; asking for
  validation stays possible, and the officer sees the declared relation).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from digihub.core.access import ALLOW, Decision, deny
from digihub.core.workflow import add_condition, on_step
from digihub.intake.models import Question, Route

from .models import PartnerSide
from .services import record_choice, relation_between


@add_condition(Question, "decide_trajectory")
def no_declared_relation(question: Question) -> Decision:
    relation = relation_between(question.company, question.chosen_partner)
    if relation is None:
        return ALLOW
    return deny(
        _(
            "%(partner)s is declared related to %(company)s (%(kind)s): the funding agency must "
            "validate this choice. Tick “Ask the funding agency to validate this choice first”."
        )
        % {
            "partner": question.chosen_partner,
            "company": question.company,
            "kind": relation.get_kind_display(),
        }
    )


@on_step(Question, "decide_trajectory")
def record_partner_choice(question: Question, actor: Any, reason: str) -> None:
    record_choice(
        question, PartnerSide.KNOWLEDGE, question.chosen_partner_id, actor, "decide_trajectory"
    )


@on_step(Question, "ask_validation")
def record_partner_choice_to_validate(question: Question, actor: Any, reason: str) -> None:
    record_choice(
        question, PartnerSide.KNOWLEDGE, question.chosen_partner_id, actor, "ask_validation"
    )


@on_step(Question, "decide_route")
def record_commercial_choice(question: Question, actor: Any, reason: str) -> None:
    if question.route == Route.COMMERCIAL_PARTNER and question.commercial_partner_id:
        record_choice(
            question, PartnerSide.COMMERCIAL, question.commercial_partner_id, actor, "decide_route"
        )
