"""Sign-up, sign-in and the admin refuse control, bidi and zero-width characters at the field, as
every other form of the platform does, and save nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from digihub.accounts.models import User
from digihub.accounts.roles import Role

from .factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

BAD = ("\u202e", "\x07")


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"


@pytest.mark.parametrize("char", BAD)
def test_signup_refuses_the_character_and_makes_no_account(
    char: str, client: Any, settings: Any
) -> None:
    settings.ACCOUNT_ALLOW_REGISTRATION = True
    email = f"an{char}n@x.example"
    response = client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": "a long Pass-phrase 42",
            "password2": "a long Pass-phrase 42",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(_code(char) in e for e in errors["email"]), errors
    assert not User.objects.filter(email__icontains="x.example").exists()


def test_a_password_may_hold_any_character(client: Any, settings: Any) -> None:
    """A password is never shown: what someone chose is accepted as typed."""
    settings.ACCOUNT_ALLOW_REGISTRATION = True
    password = "a long Pass\u202ephrase 42"
    response = client.post(
        reverse("account_signup"),
        {"email": "new@x.example", "password1": password, "password2": password},
    )
    assert response.status_code == 302, response.context["form"].errors
    assert User.objects.get(email="new@x.example").check_password(password)


def test_the_login_and_code_forms_check_the_address(client: Any) -> None:
    for name in ("account_login", "account_request_login_code", "account_reset_password"):
        response = client.post(
            reverse(name), {"login": "a\x07@x.example", "email": "a\x07@x.example"}
        )
        assert response.status_code == 200, name
        form = response.context["form"]
        assert any("U+0007" in e for errors in form.errors.values() for e in errors), (
            name,
            form.errors,
        )


@pytest.fixture
def admin_client(client: Any, network: Any) -> Any:
    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("char", BAD)
def test_admin_change_form_refuses_the_character_and_saves_nothing(
    char: str, admin_client: Any, people: Any
) -> None:
    user = people.sme_x
    url = reverse("admin:accounts_user_change", args=[user.pk])
    assert admin_client.get(url).status_code == 200
    data = {
        "email": user.email,
        "first_name": f"An{char}n",
        "last_name": "Smet",
        "phone": "",
        "role": user.role,
        "company": user.company_id,
        "is_active": "on",
        "date_joined_0": "2024-01-02",
        "date_joined_1": "10:00:00",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert any(_code(char) in e for e in errors["first_name"]), errors
    user.refresh_from_db()
    assert char not in user.first_name and user.last_name != "Smet"
    # The same form without the character saves (the data above is otherwise complete).
    response = admin_client.post(url, {**data, "first_name": "Ann"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Ann", "Smet")


def test_admin_add_form_refuses_a_zero_width_space_and_adds_nothing(admin_client: Any) -> None:
    from digihub.network.models import Theme

    before = Theme.objects.count()
    response = admin_client.post(
        reverse("admin:network_theme_add"),
        {"code": "zz", "name_nl": "Slecht\u200bwoord", "name_en": "Bad", "order": 1},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert any("U+200B" in e for e in errors["name_nl"]), errors
    assert Theme.objects.count() == before


def test_every_admin_on_the_site_checks_text() -> None:
    from django.contrib import admin

    from digihub.core.admin_site import SafeTextAdminMixin

    unchecked = [
        model.__name__
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, SafeTextAdminMixin)
    ]
    assert not unchecked
