from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST

from . import services
from .middleware import needs_mfa_setup
from .models import ApiToken


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    # A token is as good as a login: staff make one only after enrolling their second factor (the
    # middleware already sends them to enrolment; this holds however the view is reached).
    if needs_mfa_setup(request.user):
        return redirect("mfa_activate_totp")
    raw = None
    if request.method == "POST":
        name = (request.POST.get("name") or "").strip()[:80]
        if not name:
            messages.error(request, _("Give the token a name so you recognise it later."))
        else:
            _token, raw = ApiToken.issue(request.user, name)  # type: ignore[arg-type]
    tokens = ApiToken.objects.filter(user_id=request.user.pk or 0).order_by("-created_at")
    return render(request, "accounts/tokens.html", {"tokens": tokens, "raw_token": raw})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.revoked_at = token.revoked_at or timezone.now()
    token.save(update_fields=["revoked_at"])
    messages.success(request, _("Token revoked."))
    return redirect("accounts:tokens")


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch; a logged-in person's choice also becomes their preferred
    language, so their other browsers and their e-mails follow it."""
    response = i18n.set_language(request)
    chosen = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen is not None and request.user.is_authenticated:
        services.set_preferred_language(request.user, chosen.value)  # type: ignore[arg-type]
    return response
