from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from .roles import MFA_REQUIRED_ROLES

# Paths a user without a second factor may still reach: setting one up or logging out (allauth),
# static files, the language switch, the health check. Everything else — pages, admin and API —
# is closed to a staff session without a second factor.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz")


def needs_mfa_setup(user: object) -> bool:
    """A staff member (or superuser) who has not enrolled a TOTP authenticator yet.

    Accounts marked demo are exempt only while demo mode is on (``DIGIHUB_DEMO_MODE``, which
    production refuses): ticking ``is_demo`` on a real installation exempts nobody."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_demo", False) and settings.DIGIHUB_DEMO_MODE:
        return False
    if getattr(user, "role", None) not in MFA_REQUIRED_ROLES and not getattr(
        user, "is_superuser", False
    ):
        return False
    return not has_totp(user)


# How long a process may go on trusting that a person has an authenticator after it was removed
# through another process's memory cache (a shared cache forgets it at once: forget_totp).
TOTP_SEEN_SECONDS = 60


def _totp_key(user: object) -> str:
    # With the moment the account was made: a number given again to a new account (SQLite
    # reuses the numbers of rolled-back rows) must not inherit another person's answer.
    joined = getattr(user, "date_joined", None)
    return f"accounts:totp:{getattr(user, 'pk', None)}:{joined.timestamp() if joined else ''}"


def has_totp(user: object) -> bool:
    """Whether ``user`` enrolled a TOTP authenticator. Asked on every request of staff, so a
    positive answer is kept in the cache; a negative one is not, so that a person who has just
    enrolled gets in at once."""
    from allauth.mfa.models import Authenticator

    key = _totp_key(user)
    if cache.get(key):
        return True
    found = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    if found:
        cache.set(key, True, TOTP_SEEN_SECONDS)
    return found


def forget_totp(user: object) -> None:
    cache.delete(_totp_key(user))


def mfa_missing_reason() -> str:
    return _(
        "Set up a second factor (an authenticator app) under Two-factor authentication before "
        "you use Digihub or its API."
    )


class RequireMfaMiddleware:
    """Staff roles must enrol a TOTP authenticator before they use the platform, on every path.

    Pages redirect to the enrolment page; the API answers 403 with the reason in JSON. Requests
    with a personal API token are checked by the API's token authentication the same way."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(_OPEN_PREFIXES) and needs_mfa_setup(request.user):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": mfa_missing_reason()}, status=403)
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class UserLanguageMiddleware:
    """A logged-in person's preferred language (``User.language``) is the page language unless
    this browser chose one with the language switch (its cookie, which ``LocaleMiddleware``
    already applied). Sits after the authentication middleware: the locale middleware runs
    before the user is known."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        preferred = (
            getattr(user, "language", "") if getattr(user, "is_authenticated", False) else ""
        )
        if (
            preferred
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and translation.check_for_language(preferred)
        ):
            translation.activate(preferred)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
