from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "digihub.assessments"
    label = "assessments"
    verbose_name = _("Maturity assessments")

    def ready(self) -> None:
        from digihub.accounts.roles import Role
        from digihub.core.navigation import add_nav

        from . import policies, workflow  # noqa: F401  (they register on import)

        add_nav(
            _("Maturity"),
            "assessments:hub",
            [Role.ADVISOR, Role.OFFICER, Role.COORDINATOR, Role.ADMIN],
            order=45,
        )
