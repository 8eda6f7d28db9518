from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "digihub.matching"
    label = "matching"
    verbose_name = _("Partner matching")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from digihub.accounts.roles import Role
        from digihub.core.navigation import add_nav
        from digihub.network.models import Hub, KnowledgePartner, Theme

        from . import hooks, policies  # noqa: F401  (they register on import)
        from .ranking import forget_catalogue

        # A partner, its themes or hubs edited here: the next ranking reads them again.
        for model in (KnowledgePartner, Theme, Hub):
            post_save.connect(forget_catalogue, sender=model, dispatch_uid=f"matching-{model}")
            post_delete.connect(forget_catalogue, sender=model, dispatch_uid=f"matching-d{model}")
        for through in (KnowledgePartner.themes.through, Hub.partners.through):
            m2m_changed.connect(
                forget_catalogue, sender=through, dispatch_uid=f"matching-{through}"
            )

        add_nav(
            _("Partner relations"),
            "matching:relations",
            [Role.ADVISOR, Role.PARTNER, Role.SME, Role.OFFICER, Role.COORDINATOR],
            order=60,
        )
