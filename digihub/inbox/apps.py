from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "digihub.inbox"
    label = "inbox"
    verbose_name = _("To do")

    def ready(self) -> None:
        from digihub.accounts.roles import Role
        from digihub.core.navigation import add_nav

        from .selectors import count_for

        add_nav(
            _("To do"),
            "inbox:index",
            [Role.ADVISOR, Role.PARTNER, Role.SME, Role.OFFICER, Role.COORDINATOR],
            order=1,
            count=count_for,
        )
