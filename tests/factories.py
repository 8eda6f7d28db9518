"""Test data builders. Companies go through the service so routing and classification apply."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import factory

from digihub.accounts.models import User
from digihub.accounts.roles import Role
from digihub.companies.demo import enterprise_number
from digihub.companies.models import Company
from digihub.companies.services import company_create

_numbers = itertools.count(7_100_000)


def make_company(**overrides: Any) -> Company:
    data: dict[str, Any] = {
        "enterprise_number": enterprise_number(next(_numbers)),
        "name": overrides.pop("name", None) or f"Testbedrijf {next(_numbers)}",
        "postcode": "3000",
        "city": "Leuven",
        "employees": 12,
        "turnover": Decimal("3000000"),
        "balance_total": Decimal("1500000"),
    }
    data.update(overrides)
    return company_create(actor=None, data=data)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@test.digihub.be")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    role = Role.COORDINATOR
    is_demo = True  # tests act as demo users: no second factor needed
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def verified(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
            self.save()
