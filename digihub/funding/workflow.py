"""The SME's share and the bank statement: one row per step.

Read a row as: *step* may start from *from* and leads to *to*; *who* may take it; the
*conditions* must hold; it writes *event*, which *audience* may read. ``fire()`` (or, for a
part moved inside its whole's step, ``advance()``) is the only way these steps happen; the
services in ``digihub.funding.payments`` call them.

A payment request is requested when a quote is signed; money received makes it partly paid or
paid; the daily run (``send_payment_reminders``) makes it overdue after its due date, reminds
the SME before and after it, and — when the programme says so — lets it lapse after N days
overdue: the commitment is released and the trajectory waits or stops (it subscribes with
``on_step(PaymentRequest, "lapse")`` in ``digihub.trajectories.workflow``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from digihub.accounts.roles import Role
from digihub.core.access import ALLOW, Decision, deny
from digihub.core.workflow import Audience, Step, Workflow, register

from .models import (
    OUTSTANDING,
    BankStatement,
    EntryState,
    PaymentRequest,
    PaymentStatus,
    StatementEntry,
    StatementState,
)

REQUESTED, PARTLY_PAID, PAID, OVERDUE, CANCELLED, REFUNDED = (
    PaymentStatus.REQUESTED,
    PaymentStatus.PARTLY_PAID,
    PaymentStatus.PAID,
    PaymentStatus.OVERDUE,
    PaymentStatus.CANCELLED,
    PaymentStatus.REFUNDED,
)


# Who ---------------------------------------------------------------------------------------
def reconciler(user: Any, request: PaymentRequest) -> Decision:
    """the advisors of the company's chamber, funding-agency officers and coordinators"""
    if user.is_coordinator or user.role == Role.OFFICER:
        return ALLOW
    if user.role == Role.ADVISOR and request.company.chamber_id == user.chamber_id:
        return ALLOW
    return deny(_("Payments are confirmed by the chamber, the funding agency or a coordinator."))


def platform(user: Any, request: PaymentRequest) -> Decision:
    """the platform's daily run (a coordinator may start it by hand)"""
    if user.is_coordinator:
        return ALLOW
    return deny(_("The platform does this every day; a coordinator may start it by hand."))


def account_holder(user: Any, obj: BankStatement | StatementEntry) -> Decision:
    """who keeps the account: coordinators, officers, and the advisors of the payee's chamber"""
    if user.is_coordinator or user.role == Role.OFFICER:
        return ALLOW
    chamber_id = obj.payee.chamber_id
    if user.role == Role.ADVISOR and chamber_id and chamber_id == user.chamber_id:
        return ALLOW
    return deny(
        _("Statements of this account are reconciled by the funding agency or a coordinator.")
    )


# Conditions --------------------------------------------------------------------------------
def past_due(r: PaymentRequest) -> Decision:
    if r.due_date is not None and r.due_date < timezone.localdate():
        return ALLOW
    return deny(_("The payment is not due yet."))


def lapse_day_reached(r: PaymentRequest) -> Decision:
    days = r.programme.lapse_after_days
    if days is None:
        return deny(_("Under this programme the trajectory waits for the payment."))
    if r.due_date is None or r.due_date + dt.timedelta(days=days) > timezone.localdate():
        return deny(_("The commitment lapses %(days)s days after the due date.") % {"days": days})
    return ALLOW


def nothing_received(r: PaymentRequest) -> Decision:
    if r.paid_amount:
        return deny(_("Part of the share was paid; cancel or refund it by hand."))
    return ALLOW


def money_received(r: PaymentRequest) -> Decision:
    if r.paid_amount:
        return ALLOW
    return deny(_("Nothing was received, so nothing can be refunded."))


STEPS = (
    # step        from                         to           who         event                     audience
    Step("pay", OUTSTANDING, PAID, reconciler, "funding.paid", Audience.SME),
    Step("pay_part", OUTSTANDING, PARTLY_PAID, reconciler, "funding.partly_paid", Audience.SME),
    Step(
        "overdue",
        (REQUESTED, PARTLY_PAID),
        OVERDUE,
        platform,
        "funding.payment_overdue",
        Audience.SME,
        (past_due,),
    ),
    Step("remind", OUTSTANDING, None, platform, "funding.payment_reminded", Audience.SME),
    Step(
        "lapse",
        (OVERDUE,),
        CANCELLED,
        platform,
        "funding.payment_lapsed",
        Audience.SME,
        (lapse_day_reached, nothing_received),
    ),
    Step("cancel", OUTSTANDING, CANCELLED, reconciler, "funding.payment_cancelled", Audience.SME),
    Step(
        "refund",
        (PAID, PARTLY_PAID, CANCELLED),
        REFUNDED,
        reconciler,
        "funding.payment_refunded",
        Audience.SME,
        (money_received,),
    ),
)


def _not_now(r: PaymentRequest) -> str:
    refusals: dict[str, str] = {
        PAID: _("This payment is already paid."),
        CANCELLED: _("This payment request is cancelled."),
        REFUNDED: _("This payment was refunded."),
    }
    return refusals.get(
        r.status,
        _("Not possible while the payment is %(status)s.")
        % {"status": r.get_status_display().lower()},
    )


PAYMENT = register(
    Workflow(
        model=PaymentRequest,
        field="status",
        steps=STEPS,
        lock=lambda r: (
            PaymentRequest.objects.select_for_update(of=("self",))
            .select_related("company", "programme", "payee", "hub")
            .get(pk=r.pk)
        ),
        not_now=_not_now,
    )
)


# The statement: imported once; its entries are resolved by hand ------------------------------
STATEMENT_STEPS = (
    Step(
        "import",
        (StatementState.RECEIVED,),
        StatementState.IMPORTED,
        account_holder,
        "funding.statement_imported",
        Audience.INTERNAL,
    ),
)

STATEMENT = register(
    Workflow(
        model=BankStatement,
        field="state",
        steps=STATEMENT_STEPS,
        lock=lambda s: (
            BankStatement.objects.select_for_update(of=("self",))
            .select_related("payee")
            .get(pk=s.pk)
        ),
        not_now=lambda s: _("This statement was imported before."),
    )
)


def _by_the_payment_step(user: Any, e: StatementEntry) -> Decision:
    """whoever may take the enclosing payment step"""
    return ALLOW


ENTRY_STEPS = (
    # An entry is matched by hand inside the payment request's "pay"/"pay_part" step (advance).
    Step(
        "assign",
        (EntryState.TO_RESOLVE,),
        EntryState.RESOLVED,
        _by_the_payment_step,
        "",
        Audience.INTERNAL,
    ),
    Step(
        "dismiss",
        (EntryState.TO_RESOLVE,),
        EntryState.DISMISSED,
        account_holder,
        "funding.credit_set_aside",
        Audience.INTERNAL,
    ),
)

ENTRY = register(
    Workflow(
        model=StatementEntry,
        field="state",
        steps=ENTRY_STEPS,
        lock=lambda e: (
            StatementEntry.objects.select_for_update(of=("self",))
            .select_related("payee", "statement")
            .get(pk=e.pk)
        ),
        not_now=lambda e: _("This credit was resolved already."),
    )
)
