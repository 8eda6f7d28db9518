from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from digihub.accounts.roles import Role
from digihub.companies.models import Company
from digihub.core.access import ALLOW, Decision, deny, rule_for, scope_for

from .models import (
    BankStatement,
    FundingSource,
    HubBudget,
    LedgerEntry,
    Payee,
    PaymentRequest,
    Programme,
    ProjectType,
    Receipt,
    ReminderSent,
    ReportingPeriod,
    ServiceFunding,
    StatementEntry,
)


def sees_budgets(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_network_wide or user.role == Role.ADVISOR
    )


def require_budget_reader(user: Any) -> None:
    """Budgets, the ledger and the reconciliation: pages and API ask this one question."""
    if not sees_budgets(user):
        raise PermissionDenied(_("Budgets are for chambers, the funding agency and coordinators."))


def _reference(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs if sees_budgets(user) else qs.none()


for _model in (Programme, FundingSource, ProjectType, ReportingPeriod, ServiceFunding):
    scope_for(_model)(_reference)


@scope_for(HubBudget)
def scope_budgets(user: Any, qs: QuerySet[HubBudget]) -> QuerySet[HubBudget]:
    if user.is_network_wide:
        return qs
    if user.role == Role.ADVISOR:
        return qs.filter(
            Q(hub__chamber_id=user.chamber_id) | Q(hub__postcode_areas__chamber_id=user.chamber_id)
        ).distinct()
    return qs.none()


@scope_for(LedgerEntry)
def scope_entries(user: Any, qs: QuerySet[LedgerEntry]) -> QuerySet[LedgerEntry]:
    if user.is_network_wide:
        return qs
    if user.role == Role.ADVISOR:
        return qs.filter(company__chamber_id=user.chamber_id)
    return qs.none()


@scope_for(PaymentRequest)
def scope_payments(user: Any, qs: QuerySet[PaymentRequest]) -> QuerySet[PaymentRequest]:
    if user.is_network_wide:
        return qs
    if user.role == Role.ADVISOR:
        return qs.filter(company__chamber_id=user.chamber_id)
    if user.role == Role.SME and user.company_id:
        return qs.filter(company_id=user.company_id)
    return qs.none()


@rule_for(HubBudget, "change")
@rule_for(ProjectType, "change")
def can_change_budget(user: Any, obj: Any) -> Decision:
    if user.is_coordinator:
        return ALLOW
    return deny(_("Only programme coordinators change budgets and rates."))


@rule_for(HubBudget, "declare")
def can_declare_operation(user: Any, budget: HubBudget) -> Decision:
    if user.is_coordinator:
        return ALLOW
    if user.role == Role.ADVISOR and budget.hub.chamber_id == user.chamber_id:
        return ALLOW
    return deny(_("Only the lead chamber and coordinators declare operational costs."))


@rule_for(PaymentRequest, "mark_paid")
def can_mark_paid(user: Any, request: PaymentRequest) -> Decision:
    """Recording a payment by hand is the "pay" step of the payment's workflow table."""
    from digihub.core.workflow import check

    return check(user, request, "pay")


def reconciles(user: Any) -> bool:
    """Statements, matches and reminders: the funding agency, coordinators and chambers."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_coordinator or user.role in (Role.OFFICER, Role.ADVISOR)
    )


def require_reconciler(user: Any) -> None:
    if not reconciles(user):
        raise PermissionDenied(
            _(
                "Bank statements are reconciled by the chambers, the funding agency and coordinators."
            )
        )


@scope_for(Payee)
def scope_payees(user: Any, qs: QuerySet[Payee]) -> QuerySet[Payee]:
    if user.is_network_wide:
        return qs
    if user.role == Role.ADVISOR:
        return qs.filter(Q(chamber_id=user.chamber_id) | Q(chamber__isnull=True))
    return qs.none()


@scope_for(BankStatement)
def scope_statements(user: Any, qs: QuerySet[BankStatement]) -> QuerySet[BankStatement]:
    if user.is_network_wide:
        return qs
    if user.role == Role.ADVISOR:
        return qs.filter(payee__chamber_id=user.chamber_id)
    return qs.none()


@scope_for(StatementEntry)
def scope_statement_entries(user: Any, qs: QuerySet[StatementEntry]) -> QuerySet[StatementEntry]:
    if user.is_network_wide:
        return qs
    if user.role == Role.ADVISOR:
        return qs.filter(payee__chamber_id=user.chamber_id)
    return qs.none()


@scope_for(Receipt)
def scope_receipts(user: Any, qs: QuerySet[Receipt]) -> QuerySet[Receipt]:
    return qs.filter(request__in=scope_payments(user, PaymentRequest.objects.all()))


@scope_for(ReminderSent)
def scope_reminders(user: Any, qs: QuerySet[ReminderSent]) -> QuerySet[ReminderSent]:
    if user.role == Role.SME:
        return qs.none()
    return qs.filter(request__in=scope_payments(user, PaymentRequest.objects.all()))


@rule_for(Company, "de_minimis")
def can_read_de_minimis(user: Any, company: Company) -> Decision:
    """The state-aid statement of a company: budget readers, and the company's own SME users."""
    if sees_budgets(user):
        return ALLOW
    if user.role == Role.SME and user.company_id == company.pk:
        return ALLOW
    return deny(_("Only the company itself and budget holders see its state aid."))
