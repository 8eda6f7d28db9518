"""Company records: validation and changes, shared by pages, API, admin and commands."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, CharField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digihub.accounts.models import User
from digihub.accounts.roles import Role
from digihub.audit.services import record_event
from digihub.core.access import require
from digihub.core.notifications import Email, dispatch, message
from digihub.network.routing import route_postcode

from .models import Company, Contact, CustomerKind, CustomerRule
from .policies import can_create_company
from .sme import classify
from .validators import normalise_enterprise_number

COMPANY_FIELDS = (
    "enterprise_number",
    "name",
    "legal_form",
    "nace_main",
    "nace_other",
    "street",
    "postcode",
    "city",
    "employees",
    "turnover",
    "balance_total",
    "website",
)


def nace_section(code: str) -> str:
    """NACE Rev. 2 section letter from the division (first two digits)."""
    digits = "".join(ch for ch in code if ch.isdigit())[:2]
    if len(digits) < 2:
        return ""
    division = int(digits)
    sections = (
        (3, "A"),
        (9, "B"),
        (33, "C"),
        (35, "D"),
        (39, "E"),
        (43, "F"),
        (47, "G"),
        (53, "H"),
        (56, "I"),
        (63, "J"),
        (66, "K"),
        (68, "L"),
        (75, "M"),
        (82, "N"),
        (84, "O"),
        (85, "P"),
        (88, "Q"),
        (93, "R"),
        (96, "S"),
        (98, "T"),
        (99, "U"),
    )
    for last_division, letter in sections:
        if division <= last_division:
            return letter
    return ""


def customer_kind(legal_form: str, size_class: str, employees: int | None) -> str:
    """The kind of customer (SME, mid-cap, large, public sector): the first ``CustomerRule``
    that holds, in order; none holds: unknown."""
    for rule in CustomerRule.objects.all():
        if rule.holds(legal_form, size_class, employees):
            return str(rule.kind)
    return str(CustomerKind.UNKNOWN)


def customer_kind_expression() -> Case:
    """The customer kind every company should have, as one database expression: the first
    ``CustomerRule`` that holds, in order; none holds: unknown."""
    whens = [
        When(rule.condition(), then=Value(str(rule.kind))) for rule in CustomerRule.objects.all()
    ]
    return Case(*whens, default=Value(str(CustomerKind.UNKNOWN)), output_field=CharField())


def reclassify_customers() -> int:
    """Apply the customer rules again to every company (after the rules changed), set-based;
    returns how many companies changed kind."""
    kind = customer_kind_expression()
    with transaction.atomic():
        changed = Company.objects.exclude(customer_kind=kind)
        count = changed.count()
        if count:
            changed.update(customer_kind=kind)
    return count


def find_by_enterprise_number(value: str) -> Company | None:
    try:
        number = normalise_enterprise_number(value)
    except ValidationError:
        return None
    return Company.objects.filter(enterprise_number=number).first()


def _apply(company: Company, data: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    for field in COMPANY_FIELDS:
        if field in data:
            setattr(company, field, data[field])
    try:
        company.enterprise_number = normalise_enterprise_number(company.enterprise_number)
        duplicate = Company.objects.filter(enterprise_number=company.enterprise_number).exclude(
            pk=company.pk
        )
        if duplicate.exists():
            errors.setdefault("enterprise_number", []).append(
                _("A company with enterprise number %(number)s is already registered.")
                % {"number": company.enterprise_number_display}
            )
    except ValidationError as exc:
        errors.setdefault("enterprise_number", []).extend(exc.messages)
    try:
        route = route_postcode(company.postcode)
        company.postcode = str(int(str(company.postcode).strip().upper().lstrip("B-")))
        company.province, company.chamber, company.hub = route.province, route.chamber, route.hub
    except ValidationError as exc:
        errors.setdefault("postcode", []).extend(exc.messages)
    if company.nace_main and not nace_section(company.nace_main):
        errors.setdefault("nace_main", []).append(_("Enter a NACE code such as 62.010."))
    company.nace_section = nace_section(company.nace_main or "")
    if errors:
        raise ValidationError(errors)
    company.size_class = classify(
        company.employees,
        Decimal(company.turnover) if company.turnover is not None else None,
        Decimal(company.balance_total) if company.balance_total is not None else None,
    )
    company.customer_kind = customer_kind(company.legal_form, company.size_class, company.employees)
    company.full_clean(exclude=["province", "chamber", "hub"], validate_unique=False)


@transaction.atomic
def company_create(
    *, actor: Any, data: dict[str, Any], themes: Any = None, reason: str = ""
) -> Company:
    """Register a company (advisors, coordinators; ``actor=None`` is the platform itself: demo
    data, imports)."""
    decision = can_create_company(actor)
    if actor is not None and not decision:
        raise PermissionDenied(decision.reason)
    return _create(actor=actor, data=data, themes=themes, reason=reason)


def company_for_question(*, actor: Any, data: dict[str, Any]) -> Company:
    """A question about a company the platform does not know brings it in. Whoever may register
    the question (anyone, through the public form) may do so; it grants no access to anything."""
    return _create(actor=actor, data=data, reason="question registered")


@transaction.atomic
def _create(*, actor: Any, data: dict[str, Any], themes: Any = None, reason: str = "") -> Company:
    company = Company()
    _apply(company, data)
    company._change_reason = reason or "created"  # type: ignore[attr-defined]
    company.save()
    if themes is not None:
        company.themes.set(themes)
    record_event(
        actor=actor,
        action="company.created",
        target=company,
        company=company,
        summary=message(gettext_lazy("Company %(name)s registered"), name=company.name),
        reason=reason,
    )
    return company


# What a company's own users may change about it; the rest (its enterprise number, its size and
# its postcode, which decide its chamber and its funding) is the chamber's to change.
SME_EDITABLE = ("street", "website", "nace_main", "nace_other", "legal_form")


@transaction.atomic
def company_update(
    *,
    actor: Any,
    company: Company,
    data: dict[str, Any],
    themes: Any = None,
    expected_version: int | None = None,
    reason: str = "",
) -> Company:
    """Change a company's record. Who may change what is checked here, for every path."""
    locked = Company.objects.select_for_update().get(pk=company.pk)
    if actor is not None:  # None: the platform itself (demo data, imports)
        require(actor, "change", locked)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(
            _(
                "Someone else changed this company while you were editing. Reload the page to see their changes; yours are still in the form."
            ),
            code="stale",
        )
    before = {field: getattr(locked, field) for field in COMPANY_FIELDS}
    changed = {field for field in COMPANY_FIELDS if field in data and data[field] != before[field]}
    if getattr(actor, "role", "") == Role.SME:
        refused = sorted(changed - set(SME_EDITABLE))
        if refused:
            raise ValidationError(
                {field: _("Ask your chamber of commerce to change this.") for field in refused}
            )
    old_chamber = locked.chamber_id
    _apply(locked, data)
    if locked.chamber_id != old_chamber and not getattr(actor, "is_coordinator", False):
        raise ValidationError(
            {
                "postcode": _(
                    "This postcode lies in another chamber's region; only a programme coordinator moves a company to another chamber."
                )
            }
        )
    locked.version += 1
    locked._change_reason = reason or "updated"  # type: ignore[attr-defined]
    locked.save()
    if themes is not None:
        locked.themes.set(themes)
    record_event(
        actor=actor,
        action="company.updated",
        target=locked,
        company=locked,
        summary=message(
            gettext_lazy("Company record changed: %(fields)s"),
            fields=", ".join(sorted(changed)) or "—",
        ),
        reason=reason,
        data={
            field: {"from": str(before[field]), "to": str(getattr(locked, field))}
            for field in sorted(changed)
        },
    )
    return locked


def representatives(company: Company) -> list[str]:
    """E-mail addresses of the people who proved they speak for the company."""
    users = User.objects.filter(company=company, role=Role.SME, is_active=True).values_list(
        "email", flat=True
    )
    contacts = Contact.objects.filter(
        company=company, confirmed_at__isnull=False, erased_at__isnull=True
    ).values_list("email", flat=True)
    return sorted({address for address in (*users, *contacts) if address})


@transaction.atomic
def confirm_representative(*, actor: Any, contact: Contact, reason: str = "") -> Contact:
    """The chamber (after the exploratory conversation) or a confirmed user of the company says
    this contact speaks for the company. Only then may the person's account see the company:
    at once if the person already has a verified account, or when they sign up with this
    address (``accounts.signals``). The person is invited by e-mail."""
    locked = Contact.objects.select_for_update().select_related("company").get(pk=contact.pk)
    require(actor, "confirm", locked)
    if locked.erased_at is not None or not locked.email:
        raise ValidationError(_("This contact has no e-mail address to invite."))
    if locked.confirmed_at is None:
        locked.confirmed_at, locked.confirmed_by = timezone.now(), actor
        locked.save(update_fields=["confirmed_at", "confirmed_by"])
    linked = link_verified_account(locked)
    dispatch(
        actor=actor,
        action="contact.confirmed",
        target=locked,
        company=locked.company,
        summary=message(
            gettext_lazy("%(name)s confirmed as representative of %(company)s"),
            name=locked,
            company=locked.company,
        ),
        reason=reason,
        emails=[
            Email(
                [locked.email],
                gettext_lazy("Your access to %(company)s on Digihub") % {"company": locked.company},
                "companies/email/confirmed.txt",
                {"contact": locked, "linked": linked, "site_url": settings.SITE_URL},
            )
        ],
    )
    return locked


def link_verified_account(contact: Contact) -> bool:
    """Link the SME account that proved it owns the contact's address (a verified e-mail)."""
    if not contact.is_confirmed:
        return False
    owners = EmailAddress.objects.filter(email__iexact=contact.email, verified=True).values(
        "user_id"
    )
    candidates = User.objects.filter(
        pk__in=owners, role=Role.SME, company__isnull=True, is_active=True
    )
    return bool(candidates.update(company=contact.company))


@transaction.atomic
def contact_create(*, actor: Any, company: Company, data: dict[str, Any]) -> Contact:
    require(actor, "change", company)
    contact = Contact(company=company, **data)
    contact.full_clean()
    contact.save()
    record_event(
        actor=actor,
        action="contact.created",
        target=contact,
        company=company,
        summary=message(gettext_lazy("Contact %(name)s added"), name=contact),
    )
    return contact
