from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from digihub.core.formatting import eur
from digihub.funding.models import Programme
from digihub.funding.selectors import reconciliation


class Command(BaseCommand):
    help = "Recompute every per-source total from rates and budgets and compare with the published figures."
    # Amounts are written as the programme publishes them: in the platform's own language
    # (settings.LANGUAGE_CODE), not in the neutral locale Django gives commands.
    leave_locale_alone = True

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--programme", help="programme code (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self._report(options)

    def _report(self, options: dict[str, Any]) -> None:
        programmes = Programme.objects.all()
        if options["programme"]:
            programmes = programmes.filter(code=options["programme"])
        for programme in programmes:
            self.stdout.write(self.style.MIGRATE_HEADING(f"{programme.name} ({programme.code})"))
            for line in reconciliation(programme):
                declared = eur(line.declared) if line.declared is not None else "–"
                self.stdout.write(
                    f"  {line.label:45} {eur(line.computed):>18} {declared:>18}  {line.status}"
                )
