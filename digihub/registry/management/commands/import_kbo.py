from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from digihub.registry.kbo import KboError, import_extract


class Command(BaseCommand):
    help = (
        "Import a KBO/BCE open data extract (the published ZIP or a directory with its CSV files), "
        "full or monthly update; resumable and idempotent. Refreshes the platform's companies."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+", help="ZIP files or directories, oldest first")
        parser.add_argument(
            "--no-refresh", action="store_true", help="do not refresh the platform's companies"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for path in options["paths"]:
            try:
                report = import_extract(
                    path, log=self.stdout.write, refresh=not options["no_refresh"]
                )
            except (KboError, OSError) as exc:
                raise CommandError(str(exc)) from exc
            rows = sum(r for _n, r, _s, _m in report.files)
            self.stdout.write(
                self.style.SUCCESS(
                    f"extract {report.meta.extract_number}: {rows} rows in {report.seconds:.1f} s"
                )
            )
