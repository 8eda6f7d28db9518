from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .roles import MFA_REQUIRED_ROLES

# Paths a user without a second factor may still reach: setting one up, logging out, static files.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/", "/healthz")


def needs_mfa_setup(user: object) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_demo", False):
        return False
    if getattr(user, "role", None) not in MFA_REQUIRED_ROLES and not getattr(
        user, "is_superuser", False
    ):
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireMfaMiddleware:
    """Staff roles must enrol a TOTP authenticator before they use the platform."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(_OPEN_PREFIXES) and needs_mfa_setup(request.user):
            return redirect("mfa_activate_totp")
        return self.get_response(request)
