from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from digihub.core.backup import restore


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into the configured database (replaces its content)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        if (
            not options["yes"]
            and input("This replaces the current database. Type 'yes': ") != "yes"
        ):
            raise CommandError("Cancelled")
        restore(path)
        self.stdout.write(self.style.SUCCESS(f"Restored {path}"))
