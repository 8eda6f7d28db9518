"""Which kind of customer a company is: the rules held as data decide the same in Python (a
company registered or changed) and in the database (every company reclassified at once after the
rules changed)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from digihub.companies.models import Company, CustomerKind, CustomerRule, LegalForm, SizeClass
from digihub.companies.services import customer_kind, reclassify_customers
from tests.factories import make_company

EMPLOYEES = [None, 0, 49, 2999, 3000, 12000]


@pytest.mark.django_db
def test_reclassifying_in_the_database_agrees_with_the_rules_one_by_one(network: Any) -> None:
    template = make_company(name="Sjabloon")
    grid = list(itertools.product(LegalForm.values, SizeClass.values, EMPLOYEES))
    Company.objects.bulk_create(
        Company(
            enterprise_number=f"{1_000_000_000 + i}"[-10:],
            name=f"Raster {i}",
            legal_form=form,
            size_class=size,
            employees=employees,
            postcode=template.postcode,
            city=template.city,
            province=template.province,
            chamber=template.chamber,
            hub=template.hub,
            customer_kind=CustomerKind.UNKNOWN,
        )
        for i, (form, size, employees) in enumerate(grid)
    )
    # A rule put before the public-sector rules takes precedence for intermunicipal bodies.
    CustomerRule.objects.create(order=5, kind=CustomerKind.LARGE, legal_form="IC")

    changed = reclassify_customers()

    companies = list(Company.objects.exclude(pk=template.pk))
    expected = {c.pk: customer_kind(c.legal_form, c.size_class, c.employees) for c in companies}
    assert {c.pk: c.customer_kind for c in companies} == expected
    assert changed == sum(kind != CustomerKind.UNKNOWN for kind in expected.values()) + (
        Company.objects.get(pk=template.pk).customer_kind != template.customer_kind
    )
    assert {*expected.values()} >= {"public", "sme", "midcap", "large", "unknown"}
    assert reclassify_customers() == 0  # a second run changes nothing


@pytest.mark.django_db
def test_a_rule_without_conditions_holds_for_every_company(network: Any) -> None:
    company = make_company(name="Vzw", legal_form="VZW", employees=None)
    assert company.customer_kind == CustomerKind.UNKNOWN
    CustomerRule.objects.create(order=999, kind=CustomerKind.SME)
    assert reclassify_customers() >= 1
    company.refresh_from_db()
    assert company.customer_kind == CustomerKind.SME
