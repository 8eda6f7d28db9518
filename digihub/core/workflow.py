"""Workflows: every step of every object that has states, declared once and fired one way.

Each bounded context declares its workflow as a table (``<app>/workflow.py``): one ``Step`` per
row, read top to bottom — the step's name, the states it may start from, the state it leads to,
who may take it (a rule answering "allowed, and if not, why"), the conditions that must hold,
the event it writes and who may read that event. ``fire()`` is the only way a step happens:
it locks the row, checks who, state and conditions, runs the step's own work, writes the
history row and the audit event, and queues e-mails for after the commit — in one transaction.

Why a table of our own rather than django-fsm's ``@transition(permission=, conditions=)``:
the decorators spread one workflow over a model's methods, keep the "who" apart from the event
and its audience, and give no row lock, history or audit; a table reads as one page (as Hypha's
workflow definitions do), and the same table answers ``can()`` for every button on a page.

Events have an audience (``Audience``) on an allow-list: an event kind that nobody declared is
internal. ``digihub.audit.visibility`` applies it in one place for every page, API and download.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import ALLOW, Decision, deny, rule_for
from .notifications import Email, dispatch


class Audience(StrEnum):
    """Who may read an event, widening from top to bottom."""

    INTERNAL = "internal"  # the owning chamber and the network (officers, coordinators)
    PARTNER = "partner"  # also the knowledge partner working on it
    SME = "sme"  # also the SME itself


class NotAllowed(PermissionDenied):
    """This person may not take this step; the message says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotNow(ValidationError):
    """The step does not fit the object's state (any more); the message says why."""


class ConditionUnmet(ValidationError):
    """A condition of the step does not hold (yet); the message says what is missing."""


Rule = Callable[[Any, Any], Decision]
Condition = Callable[[Any], Decision]


@dataclass(frozen=True)
class Step:
    name: str
    source: tuple[str, ...]
    # The state after the step: one state, a state per source state, or None (unchanged).
    target: str | Mapping[str, str] | None
    who: Rule
    event: str
    audience: Audience
    conditions: tuple[Condition, ...] = ()

    def target_from(self, state: str) -> str:
        if self.target is None:
            return state
        if isinstance(self.target, str):
            return self.target
        return self.target.get(state, state)


History = Callable[[Any, str, str, Any, str, dt.datetime], None]


@dataclass(frozen=True)
class Workflow:
    model: type[models.Model]
    field: str
    steps: tuple[Step, ...]
    lock: Callable[[Any], Any]  # re-reads the row FOR UPDATE, with what the steps need
    not_now: Callable[[Any], str]  # the refusal when the state does not fit
    history: History | None = None  # writes the state-history row of a change
    by_name: dict[str, Step] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {step.name: step for step in self.steps})

    def step(self, name: str) -> Step:
        return self.by_name[name]


_workflows: dict[type[models.Model], Workflow] = {}
_audiences: dict[str, Audience] = {}
# What a later context does, in the same transaction, when a step of an earlier one is taken
# (a decision for a trajectory opens one): the earlier context never imports the later one.
Effect = Callable[[Any, Any, str], None]
_effects: dict[tuple[type[models.Model], str], list[Effect]] = {}


def on_step(model: type[models.Model], name: str) -> Callable[[Effect], Effect]:
    def decorator(func: Effect) -> Effect:
        _effects.setdefault((model, name), []).append(func)
        return func

    return decorator


# Conditions a later context adds to an earlier one's step (a partner declared related to the
# company needs the agency's validation): the earlier context's table never imports them. They
# are checked in ``fire`` on the object as the step's work leaves it — so they see what the step
# chose (a partner) — before the new state is written; one that does not hold undoes the step.
# ``check``/``can`` cannot know a step's input and do not run them.
_extra_conditions: dict[tuple[type[models.Model], str], list[Condition]] = {}


def add_condition(model: type[models.Model], name: str) -> Callable[[Condition], Condition]:
    def decorator(func: Condition) -> Condition:
        _extra_conditions.setdefault((model, name), []).append(func)
        return func

    return decorator


def extra_conditions(model: type[models.Model], name: str) -> tuple[Condition, ...]:
    return tuple(_extra_conditions.get((model, name), ()))


# Observers of the steps (the report facts): a context manager entered once the row is locked
# and left once the step, its history and its effects are written, in the step's transaction —
# what it keeps changes with the data or not at all. Registered per model, or None for every one.
Observer = Callable[[Any], AbstractContextManager[Any]]
_observers: dict[type[models.Model] | None, list[Observer]] = {}


def observe_steps(model: type[models.Model] | None) -> Callable[[Observer], Observer]:
    def decorator(func: Observer) -> Observer:
        _observers.setdefault(model, []).append(func)
        return func

    return decorator


def _observe(stack: ExitStack, locked: models.Model) -> None:
    for observer in (*_observers.get(None, ()), *_observers.get(type(locked), ())):
        stack.enter_context(observer(locked))


def register(workflow: Workflow) -> Workflow:
    """Make the steps known: ``can(user, step, obj)`` answers from the table, as ``fire`` does."""
    _workflows[workflow.model] = workflow
    for step in workflow.steps:
        if step.event:
            declare_event(step.event, step.audience)
        rule_for(workflow.model, step.name)(partial(_rule, step.name))
    return workflow


def _rule(name: str, user: Any, obj: models.Model) -> Decision:
    return check(user, obj, name)


def declare_event(action: str, audience: Audience) -> None:
    """An event written outside a step (a creation, a booking) states its audience here."""
    known = _audiences.get(action)
    if known is not None and known != audience:
        raise ValueError(f"Event {action} declared for {known} and {audience}")
    _audiences[action] = audience


def events_for_audience(*audiences: Audience) -> frozenset[str]:
    return frozenset(action for action, aud in _audiences.items() if aud in audiences)


def audience_of(action: str) -> Audience:
    return _audiences.get(action, Audience.INTERNAL)


def workflow_for(obj: models.Model | type[models.Model]) -> Workflow:
    model = obj if isinstance(obj, type) else type(obj)
    return _workflows[model]


def check(user: Any, obj: models.Model, name: str) -> Decision:
    """May ``user`` take step ``name`` on ``obj`` now? Who first, then state, then conditions."""
    workflow = workflow_for(obj)
    step = workflow.step(name)
    decision = _check_who(user, obj, step)
    if not decision:
        return decision
    if getattr(obj, workflow.field) not in step.source:
        return deny(workflow.not_now(obj))
    for condition in step.conditions:
        decision = condition(obj)
        if not decision:
            return decision
    return ALLOW


def _check_who(user: Any, obj: Any, step: Step) -> Decision:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return deny(_("Please log in first."))
    return step.who(user, obj)


def fire(
    obj: models.Model,
    name: str,
    *,
    actor: Any,
    reason: str = "",
    work: Callable[[Any], Any] | None = None,
    summary: Any = "",
    emails: Iterable[Email] | Callable[[Any, Any], Iterable[Email]] = (),
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
    system: bool = False,
) -> tuple[Any, Any]:
    """Take one step: lock, check, do the step's work, write history and audit, mail on commit.

    ``work(locked)`` does what is particular to the step (fields, bookings, files) and returns a
    result; a ValidationError it raises undoes everything. ``summary`` and ``emails`` may be
    functions of ``(locked, result)`` when they name what the work made. ``system`` is for a step taken by the
    platform itself on behalf of an earlier, already checked decision (never from a request).
    Returns ``(locked object, result of work)``."""
    workflow = workflow_for(obj)
    step = workflow.step(name)
    with transaction.atomic(), ExitStack() as observers:
        locked = workflow.lock(obj)
        _observe(observers, locked)
        if not system:
            decision = _check_who(actor, locked, step)
            if not decision:
                raise NotAllowed(decision.reason)
        before = getattr(locked, workflow.field)
        if before not in step.source:
            raise NotNow(workflow.not_now(locked), code="state")
        for condition in step.conditions:
            decision = condition(locked)
            if not decision:
                raise ConditionUnmet(decision.reason, code="condition")
        result = work(locked) if work is not None else None
        for condition in _extra_conditions.get((workflow.model, name), ()):
            decision = condition(locked)
            if not decision:
                raise ConditionUnmet(decision.reason, code="condition")
        after = step.target_from(before)
        now = at or timezone.now()
        if after != before:
            setattr(locked, workflow.field, after)
            if workflow.history is not None:
                workflow.history(locked, before, after, actor, reason, now)
        locked.save()
        for effect in _effects.get((workflow.model, name), ()):
            effect(locked, actor, reason)
        dispatch(
            actor=actor,
            action=step.event,
            target=locked,
            company=getattr(locked, "company", None),
            summary=summary(locked, result) if callable(summary) else summary,
            reason=reason,
            data=data,
            emails=emails(locked, result) if callable(emails) else emails,
        )
    return locked, result


def advance(obj: models.Model, name: str) -> None:
    """Move a part inside the step of its whole (a quote inside the trajectory's signing).

    The whole's step checked who, locked and writes the event; this checks the part's own state
    and conditions from its table and sets its new state. The caller saves the part."""
    workflow = workflow_for(obj)
    step = workflow.step(name)
    before = getattr(obj, workflow.field)
    if before not in step.source:
        raise NotNow(workflow.not_now(obj), code="state")
    for condition in step.conditions:
        decision = condition(obj)
        if not decision:
            raise ConditionUnmet(decision.reason, code="condition")
    setattr(obj, workflow.field, step.target_from(before))


def table(workflow: Workflow) -> list[dict[str, Any]]:
    """The workflow as rows, for documentation pages and tests."""
    return [
        {
            "step": step.name,
            "from": step.source,
            "to": step.target,
            "who": step.who.__doc__ or step.who.__name__,
            "event": step.event,
            "audience": step.audience.value,
        }
        for step in workflow.steps
    ]
