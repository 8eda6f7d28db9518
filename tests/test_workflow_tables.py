"""Each workflow is declared once: no state condition outside the tables, every step's event has
an audience, and the table answers the same question for the page's button and for the step."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from digihub.core import workflow
from digihub.core.access import can
from digihub.intake.models import Question
from digihub.trajectories.models import Quote, Trajectory

ROOT = Path(__file__).resolve().parent.parent / "digihub"
STATE_FIELDS = {"status", "phase"}


def _state_comparisons(path: Path) -> list[str]:
    """Comparisons like ``q.status != X`` or ``t.phase in (...)`` in a module's code."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(s, ast.Attribute) and s.attr in STATE_FIELDS for s in sides):
                found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    return found


def test_no_state_condition_outside_the_workflow_tables() -> None:
    modules = [*ROOT.glob("*/services.py"), *ROOT.glob("*/policies.py")]
    assert modules
    offending = [hit for module in modules for hit in _state_comparisons(module)]
    assert offending == [], f"Declare these conditions in a workflow table: {offending}"


@pytest.mark.parametrize("model", [Question, Trajectory, Quote])
def test_every_step_is_declared_with_who_and_an_audience(model: Any) -> None:
    table = workflow.table(workflow.workflow_for(model))
    assert table
    names = [row["step"] for row in table]
    assert len(names) == len(set(names))
    for row in table:
        assert row["from"], row
        assert row["who"], row
        if row["event"]:
            assert workflow.audience_of(row["event"]).value == row["audience"]


def test_an_undeclared_event_is_internal() -> None:
    assert workflow.audience_of("something.nobody.declared") == workflow.Audience.INTERNAL


@pytest.mark.django_db
def test_can_answers_from_the_table(people: Any) -> None:
    """The button and the step agree: the state is checked by the same row."""
    from digihub.intake import services

    question, _ = services.register_question(
        actor=people.advisor_a,
        data=services.Registration(
            enterprise_number=people.company_x.enterprise_number,
            company_name="X",
            postcode="3000",
            city="Leuven",
            first_name="A",
            last_name="B",
            email="ab@x.example",
            text="Vraag",
            consent=True,
        ),
    )
    assert can(people.advisor_a, "take", question)
    refused = can(people.advisor_b, "take", question)
    assert not refused and refused.reason
    services.take_question(actor=people.advisor_a, question=question)
    question.refresh_from_db()
    not_now = can(people.advisor_a, "take", question)
    assert not not_now and not_now.reason
    with pytest.raises(workflow.NotNow):
        services.take_question(actor=people.advisor_a, question=question)
    with pytest.raises(workflow.NotAllowed):
        services.set_waiting_on_sme(actor=people.sme_x, question=question, reason="x")
