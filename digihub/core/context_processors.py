from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .navigation import nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = nav_for(request.user)
    path = request.path
    for item in items:
        # The entry whose address the page's address starts with (its first 20 characters) is
        # the current one; decided here once rather than with slice filters in the menu's loop.
        url = item["url"]
        item["current"] = path == url or (url != "/" and path[:20] == url[:20])
    return {
        "nav_items": items,
        "current_view": current,
        "demo_mode": settings.DIGIHUB_DEMO_MODE,
    }
