from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from digihub.core.backup import backup


class Command(BaseCommand):
    help = "Back up the database (SQLite: a consistent copy; PostgreSQL: pg_dump -Fc)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", nargs="?", help="target file (default var/backups/<timestamp>)")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        path = Path(
            options["path"]
            or settings.VAR_DIR / "backups" / f"digihub-{timezone.now():%Y%m%d-%H%M%S}.dump"
        )
        backup(path)
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
