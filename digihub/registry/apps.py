from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "digihub.registry"
    label = "registry"
    verbose_name = _("Company registry and data exchange")

    def ready(self) -> None:
        from digihub.accounts.roles import Role
        from digihub.core.navigation import add_nav

        from . import policies, provenance  # noqa: F401

        add_nav(
            _("Data in and out"),
            "registry:exchange",
            [Role.ADVISOR, Role.COORDINATOR, Role.ADMIN],
            order=80,
        )
