"""The sign-in and sign-up forms of django-allauth, with the platform's text check (see
``digihub.core.validators``): what a person types here becomes an account, an address the
platform mails to, and a name in every timeline and document."""

from __future__ import annotations

from typing import Any

from allauth.account import forms as allauth_forms

from digihub.core.forms import check_text_fields

from .code_login import ContactLoginCodeForm


class SafeTextMixin:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        check_text_fields(self)  # type: ignore[arg-type]


class SignupForm(SafeTextMixin, allauth_forms.SignupForm):
    pass


class LoginForm(SafeTextMixin, allauth_forms.LoginForm):
    pass


class AddEmailForm(SafeTextMixin, allauth_forms.AddEmailForm):
    pass


class ChangeEmailForm(SafeTextMixin, allauth_forms.ChangeEmailForm):
    pass


class ResetPasswordForm(SafeTextMixin, allauth_forms.ResetPasswordForm):
    pass


class RequestLoginCodeForm(SafeTextMixin, ContactLoginCodeForm):
    pass
