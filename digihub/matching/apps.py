from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "digihub.matching"
    label = "matching"
    verbose_name = _("Partner matching")

    def ready(self) -> None:
        from digihub.accounts.roles import Role
        from digihub.core.navigation import add_nav

        from . import hooks, policies  # noqa: F401  (they register on import)

        add_nav(
            _("Partner relations"),
            "matching:relations",
            [Role.ADVISOR, Role.PARTNER, Role.SME, Role.OFFICER, Role.COORDINATOR],
            order=60,
        )
