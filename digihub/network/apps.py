from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "digihub.network"
    label = "network"
    verbose_name = _("Network")

    def ready(self) -> None:
        from digihub.accounts.roles import Role
        from digihub.core.navigation import add_nav

        from . import policies  # noqa: F401

        every = [r.value for r in Role]
        add_nav(_("Hubs"), "network:hub_list", every, order=80)
        add_nav(
            _("Knowledge partners"),
            "network:partner_list",
            [r for r in every if r != Role.SME],
            order=81,
        )
