from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from digihub.accounts.models import User
from digihub.accounts.roles import Role
from digihub.companies.models import Contact

from .factories import UserFactory


@pytest.mark.django_db
class TestSecondFactor:
    def test_staff_without_totp_must_enrol_first(self, network: Any, client: Any) -> None:
        advisor = UserFactory(role=Role.ADVISOR, chamber=network.chamber_a, is_demo=False)
        client.force_login(advisor)
        response = client.get(reverse("companies:list"))
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")

    @pytest.mark.parametrize("role", [Role.PARTNER, Role.OFFICER, Role.COORDINATOR])
    def test_every_staff_role_needs_it(self, network: Any, client: Any, role: str) -> None:
        extra = {"partner": network.partner_p} if role == Role.PARTNER else {}
        client.force_login(UserFactory(role=role, is_demo=False, **extra))
        assert client.get("/").status_code == 302

    def test_demo_accounts_and_smes_are_exempt(self, people: Any, client: Any) -> None:
        client.force_login(people.advisor_a)  # factory users are demo users
        assert client.get(reverse("companies:list")).status_code == 200
        sme = UserFactory(role=Role.SME, company=people.company_x, is_demo=False)
        client.force_login(sme)
        assert client.get("/").status_code == 200


@pytest.mark.django_db
class TestPasswordsAndSignup:
    def test_weak_passwords_refused(self) -> None:
        for weak in ("short", "123456789012", "password1234"):
            with pytest.raises(ValidationError):
                validate_password(weak)
        validate_password("a-long passphrase for digihub")

    def test_signup_needs_verified_email_and_links_company(
        self, people: Any, client: Any, mailoutbox: Any
    ) -> None:
        # The chamber confirmed Ann as the company's representative (see test_trust_identity).
        Contact.objects.create(
            company=people.company_x,
            first_name="Ann",
            last_name="Smet",
            email="ann@x.example",
            confirmed_at=timezone.now(),
        )
        response = client.post(
            reverse("account_signup"),
            {
                "email": "ann@x.example",
                "password1": "a-long passphrase 42",
                "password2": "a-long passphrase 42",
            },
        )
        assert response.status_code == 302
        user = User.objects.get(email="ann@x.example")
        assert user.role == Role.SME and user.company_id is None
        assert not EmailAddress.objects.get(user=user).verified
        # Not verified yet: logging in leads to the verification notice, not into the platform.
        client.logout()
        response = client.post(
            reverse("account_login"), {"login": "ann@x.example", "password": "a-long passphrase 42"}
        )
        assert "confirm-email" in response["Location"] or "verify" in response["Location"]
        assert len(mailoutbox) >= 1
        from allauth.account.models import EmailConfirmationHMAC

        confirmation = EmailConfirmationHMAC(EmailAddress.objects.get(user=user))
        client.post(reverse("account_confirm_email", args=[confirmation.key]))
        user.refresh_from_db()
        assert user.company_id == people.company_x.pk


@pytest.mark.django_db
def test_login_throttled_after_repeated_failures(people: Any, client: Any, settings: Any) -> None:
    user = people.coordinator
    for _ in range(12):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong password!"})
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "correct-horse-battery"}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 403, 429)
    from django.core.cache import cache

    cache.clear()  # the limit is per address: later tests log in from the same one


def test_session_expires_and_cookies_are_safe(settings: Any) -> None:
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY
