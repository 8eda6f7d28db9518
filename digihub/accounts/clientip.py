"""Who is asking: the client's address behind trusted proxies, and the login someone typed.

Both feed the login lockout (django-axes) and the limits per address; see
``DIGIHUB_TRUSTED_PROXIES`` in ``config/settings.py`` for how to set the number of proxies.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 192.0.2.1:443
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address the nearest untrusted hop connected from.

    With N trusted proxies, each appends the address it saw to X-Forwarded-For, so the client is
    the N-th entry from the right; anything further left was written by the client and may be
    forged. Without trusted proxies the header is ignored."""
    remote = _clean(request.META.get("REMOTE_ADDR"))
    proxies = int(getattr(settings, "DIGIHUB_TRUSTED_PROXIES", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop for hop in (part.strip() for part in forwarded.split(",")) if hop]
    if not hops:
        return remote
    # Fewer entries than proxies: the request skipped a proxy; take the oldest entry we have.
    return _clean(hops[-min(proxies, len(hops))]) or remote


def login_value(request: HttpRequest | None, credentials: Mapping[str, Any] | None) -> str | None:
    """The login as typed, the same however it is capitalised (django-axes' username).

    allauth authenticates with ``email=…`` (our login method), the Django admin with
    ``username=…``; the login form posts ``login``."""
    for key in ("email", "login", "username"):
        value = (credentials or {}).get(key)
        if value:
            return str(value).strip().lower()[:255]
    data = getattr(request, "POST", None) or {}
    value = data.get("login") or data.get("username")
    return str(value).strip().lower()[:255] if value else None
