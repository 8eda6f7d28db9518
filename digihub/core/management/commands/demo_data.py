from __future__ import annotations

from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

# Each context that has demo data offers ``<context>.demo.build()``; order follows the value chain.
DEMO_MODULES = (
    "digihub.network.demo",
    "digihub.companies.demo",
    "digihub.accounts.demo",
    "digihub.funding.demo",
    "digihub.intake.demo",
    "digihub.trajectories.demo",
    "digihub.assessments.demo",
    "digihub.matching.demo",
    "digihub.funding.demo_payments",
)


class Command(BaseCommand):
    help = "Build (or bring up to date) the demo network. Safe to run more than once."

    def handle(self, *args: Any, **options: Any) -> None:
        from digihub.accounts.demo import require_demo_mode

        require_demo_mode()  # before anything is written: demo data never lands in production
        for module_name in DEMO_MODULES:
            try:
                module = import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                continue
            # Demo e-mails are not sent anywhere (nor printed): they stay in memory.
            with (
                override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
                transaction.atomic(),
            ):
                module.build()
            self.stdout.write(f"  {module_name.split('.')[1]}: ok")
        # The demo backdates its history in SQL, as an import does: the report facts follow.
        from digihub.reporting import facts

        facts.rebuild()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
