"""Busy pages kept per person for a short while, until the data they show changes.

A list, a workspace or a report page costs tens of milliseconds of CPU to render, and the people
who use them open them again and again while nothing changed. ``cached_page`` keeps the page a
view rendered for one person and serves it again while

* the data has not changed: the key holds the data's generation (``digihub.core.changes``),
  which any committed write of any worker moves on — the writer's own next request sees the
  change at once;
* it is the same person in the same signed-in session, with the same CSRF secret (the page's
  forms carry a token of it), language, address and query, htmx target and calendar day;
* at most ``DIGIHUB_PAGE_CACHE_SECONDS`` passed (0 switches the cache off): what depends on the
  clock alone — "waiting for 3 days", the to-do badge — is never older than that.

A page is not kept when the response sets a cookie, changes the session, shows a message, is
not a plain ``200`` HTML page, or is rendered inside a transaction (its rows may not be
committed yet). Every gate before the view (sign-in, second factor, lockout) runs on every
request; the view's own permission check ran for this person on the same data. The key also
holds the release of the code (``RELEASE``): a page drawn by the code before a deploy is never
served by the code after it, whose templates or permission rules may differ.

Erasing a contact's personal data forgets every kept page (``forget_all``): a page drawn before
could otherwise stay in the file cache's directory, or in a process's memory, until culled.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from .changes import generation

CACHE = "pages"
# Request headers that change what a view renders (htmx asks for fragments of a page).
VARY = ("HTTP_HX_REQUEST", "HTTP_HX_TARGET", "HTTP_HX_TRIGGER", "HTTP_HX_BOOSTED")
HIT_HEADER = "X-Page-Cache"

View = Callable[..., HttpResponse]


def _release() -> str:
    """``DIGIHUB_RELEASE`` when the deployment names its release, else a digest of the names,
    sizes and modification times of the platform's code, settings, templates and catalogues:
    the same for every worker of one deployment, different after any of those files changed
    (a deployment that only upgrades installed packages names its release)."""
    named: str = getattr(settings, "DIGIHUB_RELEASE", "")
    if named:
        return named
    base = str(settings.BASE_DIR)
    digest = hashlib.sha256()
    for folder in ("config", "digihub", "templates", "locale"):
        for directory, subfolders, files in os.walk(os.path.join(base, folder)):
            subfolders.sort()
            for name in sorted(files):
                if name.endswith((".py", ".html", ".mo")):
                    stat = os.stat(os.path.join(directory, name))
                    digest.update(
                        f"{directory[len(base) :]}/{name}:{stat.st_size}:{stat.st_mtime_ns};".encode()
                    )
    return digest.hexdigest()[:16]


RELEASE = _release()


def _key(request: HttpRequest, data: str, csrf: str) -> str:
    session = getattr(request, "session", None)
    parts = [
        RELEASE,
        request.get_full_path(),
        str(request.user.pk),
        str(getattr(session, "session_key", "") or ""),
        csrf,
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        data,
        *(request.META.get(name, "") for name in VARY),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"page:{digest}"


def _eligible(request: HttpRequest, bypass: Iterable[str]) -> bool:
    return bool(
        settings.DIGIHUB_PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and request.user.is_authenticated
        and request.META.get("CSRF_COOKIE")
        and not any(name in request.GET for name in bypass)
        and not transaction.get_connection().in_atomic_block
        and not len(get_messages(request))
    )


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and type(response) is HttpResponse
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and not getattr(session, "modified", False)
        and not transaction.get_connection().in_atomic_block
    )


def cached_page(view: View | None = None, *, bypass: Iterable[str] = ()) -> Any:
    """Keep what ``view`` renders for a person while its data stays the same (see the module).

    ``bypass``: query parameters that ask for fresh work (e.g. ``fresh`` on the report)."""
    bypass = tuple(bypass)

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _eligible(request, bypass):
                return view(request, *args, **kwargs)
            data = generation()
            if data is None:
                return view(request, *args, **kwargs)
            key = _key(request, data, str(request.META["CSRF_COOKIE"]))
            store = caches[CACHE]
            kept = store.get(key)
            if kept is not None:
                content, headers = kept
                response = HttpResponse(content)
                for name, value in headers:
                    response[name] = value
                response[HIT_HEADER] = "hit"
                return response
            response = view(request, *args, **kwargs)
            # Read again: a page drawn while a change committed (an erasure that has just
            # forgotten every kept page) is not stored under the generation before it.
            if _storable(request, response) and generation() == data:
                store.set(
                    key,
                    (response.content, list(response.items())),
                    settings.DIGIHUB_PAGE_CACHE_SECONDS,
                )
            return response

        return wrapped

    return decorate(view) if view is not None else decorate


def forget_all() -> None:
    """Remove every kept page of the shared store (the file cache's directory) or of this
    process's memory now, instead of when each is culled. Redis removes expired keys itself, and
    its ``clear`` would empty the whole database, so it is left to do that."""
    store = caches[CACHE]
    if not isinstance(store, RedisCache):
        store.clear()
