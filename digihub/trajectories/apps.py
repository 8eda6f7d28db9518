from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _partner_panel(user: Any) -> dict[str, Any]:
    from .selectors import partner_load

    return partner_load(user.partner) if user.partner_id else {}


def _sme_panel(user: Any) -> dict[str, Any]:
    from digihub.core.access import visible

    from .models import Phase, Quote, QuoteStatus

    return {
        "to_sign": visible(user, Quote)
        .filter(status=QuoteStatus.ISSUED, trajectory__phase=Phase.QUOTE)
        .count()
    }


class TrajectoriesConfig(AppConfig):
    name = "digihub.trajectories"
    label = "trajectories"
    verbose_name = _("Trajectories")

    def ready(self) -> None:
        from digihub.accounts.roles import Role
        from digihub.core.navigation import add_home_panel, add_nav

        from . import policies, privacy, workflow  # noqa: F401  (they register on import)

        add_nav(
            _("Trajectories"),
            "trajectories:list",
            [Role.ADVISOR, Role.OFFICER, Role.COORDINATOR, Role.ADMIN],
            order=30,
        )
        add_nav(_("My workspace"), "trajectories:partner_workspace", [Role.PARTNER], order=5)
        add_nav(_("My trajectories"), "trajectories:sme_workspace", [Role.SME], order=5)
        add_home_panel("trajectories/_home_partner.html", [Role.PARTNER], _partner_panel, order=5)
        add_home_panel("trajectories/_home_sme.html", [Role.SME], _sme_panel, order=5)
