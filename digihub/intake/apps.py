from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _advisor_panel(user: Any) -> dict[str, Any]:
    from django.conf import settings
    from django.db.models import Count, Q

    from digihub.core.access import visible

    from .models import Question, Status
    from .selectors import stale_condition

    return visible(user, Question).aggregate(
        new=Count("pk", filter=Q(status=Status.NEW)),
        mine=Count("pk", filter=Q(advisor=user) & ~Q(status=Status.DECIDED)),
        stale=Count("pk", filter=stale_condition(settings.DIGIHUB_STALE_DAYS)),
    )


class IntakeConfig(AppConfig):
    name = "digihub.intake"
    label = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        from digihub.accounts.roles import Role
        from digihub.core.navigation import add_home_panel, add_nav

        from . import policies, privacy, workflow  # noqa: F401  (they register on import)

        add_nav(
            _("Questions"),
            "intake:queue",
            [Role.ADVISOR, Role.PARTNER, Role.OFFICER, Role.COORDINATOR, Role.ADMIN],
            order=10,
        )
        add_nav(_("My questions"), "intake:mine", [Role.SME], order=10)
        add_nav(_("Validations"), "intake:validations", [Role.OFFICER], order=15)
        add_home_panel("intake/_home_advisor.html", [Role.ADVISOR], _advisor_panel, order=10)
