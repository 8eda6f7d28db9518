"""System checks of the accounts context."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def demo_mode_in_production(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Demo mode exempts demo accounts from the second factor and lets ``demo_data`` create
    accounts with a published password: never on a production installation."""
    if (
        settings.DIGIHUB_DEMO_MODE
        and not settings.DEBUG
        and not getattr(settings, "TESTING", False)
    ):
        return [
            Error(
                "DIGIHUB_DEMO_MODE is on while DEBUG is off.",
                hint=(
                    "Demo mode is for bin/start on a workstation: demo accounts skip the second "
                    "factor and demo_data creates accounts with a published password. Unset "
                    "DIGIHUB_DEMO_MODE in production."
                ),
                id="digihub.accounts.E001",
            )
        ]
    return []
