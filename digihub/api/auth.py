from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from digihub.accounts.middleware import mfa_missing_reason, needs_mfa_setup
from digihub.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    """``Authorization: Bearer dh_…`` with a personal API token.

    A token stands in for its owner's login, so it is subject to the same second-factor rule:
    tokens are made only after enrolment (the token page is behind the second factor), and a
    token of a staff member without a second factor (made before the rule, or whose authenticator
    was removed since) is refused with 403 and the reason."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = ApiToken.authenticate(token)
        if user is None:
            return None
        if needs_mfa_setup(user):
            raise PermissionDenied(mfa_missing_reason())
        request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """The browser session; the MFA middleware has already refused staff without a second factor."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None or not user.is_active:
            return None
        if needs_mfa_setup(user):
            raise PermissionDenied(mfa_missing_reason())
        return user


AUTH = [TokenAuth(), ActiveSessionAuth()]
