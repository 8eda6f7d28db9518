from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from digihub.registry.export import ArchiveError, import_archive


class Command(BaseCommand):
    help = "Load a hub's export (the ZIP made by the export) into this (empty) database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("zip")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = import_archive(Path(options["zip"]).read_bytes())
        except (ArchiveError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"{count} rows loaded"))
