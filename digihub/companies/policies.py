from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from digihub.accounts.roles import Role
from digihub.core.access import ALLOW, Decision, company_links, deny, rule_for, scope_for

from .models import Company, Contact, CustomerRule


def company_condition(user: Any, prefix: str = "") -> Q | None:
    """The companies a user may see, as a condition on ``prefix`` + company fields.

    None means every company (network-wide roles)."""
    if user.is_network_wide or user.is_superuser:
        return None
    if user.role == Role.SME:
        return Q(**{f"{prefix}pk": user.company_id}) if user.company_id else Q(pk__in=[])
    own = Q(pk__in=[])
    if user.role == Role.ADVISOR:
        own = Q(chamber_id=user.chamber_id)
    links = company_links(user)
    condition = own | links if links is not None else own
    if prefix:
        return Q(**{f"{prefix}pk__in": Company.objects.filter(condition).values("pk")})
    return condition


@scope_for(Company)
def scope_companies(user: Any, qs: QuerySet[Company]) -> QuerySet[Company]:
    condition = company_condition(user)
    return qs if condition is None else qs.filter(condition)


@scope_for(Contact)
def scope_contacts(user: Any, qs: QuerySet[Contact]) -> QuerySet[Contact]:
    condition = company_condition(user, "company__")
    return qs if condition is None else qs.filter(condition)


@rule_for(Company, "view")
def can_view_company(user: Any, company: Company) -> Decision:
    if scope_companies(user, Company.objects.filter(pk=company.pk)).exists():
        return ALLOW
    return deny(_("This company is not in your organisation's portfolio."))


@rule_for(Company, "change")
def can_change_company(user: Any, company: Company) -> Decision:
    if user.is_coordinator:
        return ALLOW
    if user.role == Role.ADVISOR and company.chamber_id == user.chamber_id:
        return ALLOW
    if user.role == Role.SME and company.pk == user.company_id:
        return ALLOW
    return deny(_("Only the company itself, its chamber's advisors and coordinators can edit it."))


@rule_for(Contact, "change")
def can_change_contact(user: Any, contact: Contact) -> Decision:
    return can_change_company(user, contact.company)


def can_create_company(user: Any) -> Decision:
    if getattr(user, "is_authenticated", False) and (
        user.is_coordinator or user.role == Role.ADVISOR
    ):
        return ALLOW
    return deny(_("Only advisors and coordinators register companies."))


@rule_for(Contact, "erase")
def can_erase_contact(user: Any, contact: Contact) -> Decision:
    if user.is_coordinator:
        return ALLOW
    if user.role == Role.ADVISOR and contact.company.chamber_id == user.chamber_id:
        return ALLOW
    return deny(_("Only the chamber's advisors and coordinators erase personal data."))


@rule_for(Contact, "confirm")
def can_confirm_contact(user: Any, contact: Contact) -> Decision:
    """The chamber confirms who speaks for a company; a confirmed user of the company may
    confirm a colleague. Knowing the enterprise number or an e-mail address proves nothing."""
    if user.is_coordinator:
        return ALLOW
    if user.role == Role.ADVISOR and contact.company.chamber_id == user.chamber_id:
        return ALLOW
    if user.role == Role.SME and user.company_id == contact.company_id:
        return ALLOW
    return deny(_("Only the company's chamber or its confirmed users confirm a representative."))


@scope_for(CustomerRule)
def scope_customer_rules(user: Any, qs: QuerySet[CustomerRule]) -> QuerySet[CustomerRule]:
    """Reference data: everyone signed in reads the rules; the admin changes them."""
    return qs
