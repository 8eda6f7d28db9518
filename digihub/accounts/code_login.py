"""Signing in with a one-time code (allauth's login by code), for SME contacts without a password.

allauth sends a code to the address, accepts it once, lets it expire
(``ACCOUNT_LOGIN_BY_CODE_TIMEOUT``), counts wrong tries (``ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS``) and
limits requests per address and per client (``ACCOUNT_RATE_LIMITS["request_login_code"]``).

This form adds one thing: a contact whom the chamber (or the company's confirmed representative)
confirmed, but who has no account yet, gets one here, linked to the company, so that the code
proves the address and opens the company's pages. An address that was merely typed into the
public form is never confirmed, so nothing is created for it, and allauth answers as for any
unknown address (without saying whether it exists).
"""

from __future__ import annotations

from typing import Any

from allauth.account.forms import RequestLoginCodeForm
from allauth.account.models import EmailAddress
from allauth.core import context
from django.db import transaction

from digihub.accounts.models import User
from digihub.accounts.roles import Role


def confirmed_contact(email: str) -> Any:
    from digihub.companies.models import Contact

    return (
        Contact.objects.filter(
            email__iexact=email, confirmed_at__isnull=False, erased_at__isnull=True
        )
        .select_related("company")
        .order_by("-confirmed_at")
        .first()
    )


@transaction.atomic
def account_for_confirmed_contact(email: str) -> User | None:
    """The SME account of a confirmed contact, made on first use (no password, names from the
    contact so the person is greeted by name). ``None`` for any other address."""
    if User.objects.filter(email__iexact=email).exists():
        user = User.objects.filter(email__iexact=email, role=Role.SME).first()
        contact = confirmed_contact(email) if user and not user.get_full_name() else None
        if user and contact:
            user.first_name, user.last_name = contact.first_name, contact.last_name
            user.save(update_fields=["first_name", "last_name"])
        return user
    contact = confirmed_contact(email)
    if contact is None:
        return None
    user = User.objects.create_user(
        email=contact.email,
        password=None,
        role=Role.SME,
        company=contact.company,
        first_name=contact.first_name,
        last_name=contact.last_name,
    )
    # Unverified until the code arrives: allauth marks the address verified when it is used.
    EmailAddress.objects.create(user=user, email=contact.email, primary=True, verified=False)
    return user


class ContactLoginCodeForm(RequestLoginCodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = getattr(context, "request", None)
        if request is not None and "email" in self.fields and not self.is_bound:
            self.fields["email"].initial = request.GET.get("email", "")

    def clean_email(self) -> str:
        email = (self.cleaned_data.get("email") or "").strip()
        if email:
            account_for_confirmed_contact(email)
        return str(super().clean_email())
