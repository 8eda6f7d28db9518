from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "digihub.reporting"
    label = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from . import facts

        facts.connect()
        post_migrate.connect(facts.build_if_missing, sender=self)
        from digihub.accounts.roles import Role
        from digihub.core.navigation import add_home_panel, add_nav

        roles = [Role.ADVISOR, Role.OFFICER, Role.COORDINATOR, Role.ADMIN]
        add_nav(_("Report"), "reporting:report", roles, order=60)
        add_home_panel(
            "reporting/_home_report.html", [Role.OFFICER, Role.COORDINATOR, Role.ADMIN], order=1
        )
