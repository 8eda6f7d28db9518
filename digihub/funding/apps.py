from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "digihub.funding"
    label = "funding"
    verbose_name = _("Funding")

    def ready(self) -> None:
        from digihub.accounts.roles import Role
        from digihub.core.navigation import add_nav

        from . import policies, workflow  # noqa: F401  (they register on import)

        # A budget with bookings, or a document money is booked on (a signed quote), is never
        # deleted: not from the admin, not by a cascade, not from a shell or a command.
        for model in (self.get_model("HubBudget"), apps.get_model("trajectories", "Quote")):
            pre_delete.connect(_refuse_deletion, sender=model, dispatch_uid=f"funding-{model}")

        add_nav(
            _("Budgets"),
            "funding:dashboard",
            [Role.ADVISOR, Role.OFFICER, Role.COORDINATOR, Role.ADMIN],
            order=50,
        )
        add_nav(_("Payments"), "funding:payments", [Role.SME], order=55)
        add_nav(
            _("Reconcile"),
            "funding:reconcile",
            [Role.ADVISOR, Role.OFFICER, Role.COORDINATOR, Role.ADMIN],
            order=52,
        )


def _refuse_deletion(sender: Any, instance: Any, **kwargs: Any) -> None:
    from .services import guard_deletion

    guard_deletion(instance)
