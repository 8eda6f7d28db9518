from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .navigation import nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    current = request.resolver_match.view_name if request.resolver_match else ""
    return {
        "nav_items": nav_for(request.user),
        "current_view": current,
        "demo_mode": settings.DIGIHUB_DEMO_MODE,
    }
