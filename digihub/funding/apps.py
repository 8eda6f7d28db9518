from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "digihub.funding"
    label = "funding"
    verbose_name = _("Funding")

    def ready(self) -> None:
        from digihub.accounts.roles import Role
        from digihub.core.navigation import add_nav

        from . import policies  # noqa: F401

        add_nav(
            _("Budgets"),
            "funding:dashboard",
            [Role.ADVISOR, Role.OFFICER, Role.COORDINATOR, Role.ADMIN],
            order=50,
        )
        add_nav(_("Payments"), "funding:payments", [Role.SME], order=55)
