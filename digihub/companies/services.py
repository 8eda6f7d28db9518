"""Company records: validation and changes, shared by pages, API, admin and commands."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from digihub.audit.services import record_event
from digihub.network.routing import route_postcode

from .models import Company, Contact
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
    company.full_clean(exclude=["province", "chamber", "hub"], validate_unique=False)


@transaction.atomic
def company_create(
    *, actor: Any, data: dict[str, Any], themes: Any = None, reason: str = ""
) -> Company:
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
        summary=_("Company %(name)s registered") % {"name": company.name},
        reason=reason,
    )
    return company


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
    locked = Company.objects.select_for_update().get(pk=company.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(
            _(
                "Someone else changed this company while you were editing. Reload the page to see their changes; yours are still in the form."
            ),
            code="stale",
        )
    _apply(locked, data)
    locked.version += 1
    locked._change_reason = reason or "updated"  # type: ignore[attr-defined]
    locked.save()
    if themes is not None:
        locked.themes.set(themes)
    return locked


@transaction.atomic
def contact_create(*, actor: Any, company: Company, data: dict[str, Any]) -> Contact:
    contact = Contact(company=company, **data)
    contact.full_clean()
    contact.save()
    record_event(
        actor=actor,
        action="contact.created",
        target=contact,
        company=company,
        summary=_("Contact %(name)s added") % {"name": str(contact)},
    )
    return contact
