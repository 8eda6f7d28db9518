from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "digihub.companies"
    label = "companies"
    verbose_name = _("Companies")

    def ready(self) -> None:
        from digihub.accounts.roles import Role
        from digihub.core.navigation import add_nav

        from . import policies  # noqa: F401

        add_nav(
            _("Companies"),
            "companies:list",
            [Role.ADVISOR, Role.PARTNER, Role.OFFICER, Role.COORDINATOR, Role.ADMIN],
            order=20,
        )
