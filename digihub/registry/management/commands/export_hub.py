from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from digihub.network.models import Hub
from digihub.registry.export import export_hub


class Command(BaseCommand):
    help = "Write a hub's data (CSV per table, JSON with relations, files, README) to a ZIP."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("hub", type=int, help="the hub's id")
        parser.add_argument("zip")

    def handle(self, *args: Any, **options: Any) -> None:
        hub = Hub.objects.filter(pk=options["hub"]).first()
        if hub is None:
            raise CommandError("No hub has this id.")
        Path(options["zip"]).write_bytes(export_hub(hub))
        self.stdout.write(self.style.SUCCESS(f"written to {options['zip']}"))
