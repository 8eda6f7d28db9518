from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "digihub.inbox"
    label = "inbox"
    verbose_name = _("To do")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from digihub.accounts.roles import Role
        from digihub.core.navigation import add_nav

        from .badge import badge_count, forget_badges

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(forget_badges, dispatch_uid="inbox-badge")
        add_nav(
            _("To do"),
            "inbox:index",
            [Role.ADVISOR, Role.PARTNER, Role.SME, Role.OFFICER, Role.COORDINATOR],
            order=1,
            count=badge_count,
        )
