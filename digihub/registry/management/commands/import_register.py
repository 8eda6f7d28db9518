from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from digihub.accounts.models import User
from digihub.network.models import Hub
from digihub.registry import registers


class Command(BaseCommand):
    help = (
        "Import a hub's register (XLSX or CSV) of questions, conversations, trajectories or "
        "payments; a dry run unless --apply. Uses the hub's saved column mapping."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("hub", type=int)
        parser.add_argument("kind", choices=sorted(registers.KINDS))
        parser.add_argument("file")
        parser.add_argument("--as", dest="email", required=True, help="who imports (e-mail)")
        parser.add_argument("--apply", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        hub = Hub.objects.filter(pk=options["hub"]).first()
        actor = User.objects.filter(email__iexact=options["email"]).first()
        if hub is None or actor is None:
            raise CommandError("Unknown hub or user.")
        path = Path(options["file"])
        try:
            header, rows = registers.read_table(path.name, path.read_bytes())
            mapping = registers.suggest_mapping(
                options["kind"], header, registers.saved_mapping(hub, options["kind"])
            )
            outcome = registers.run_import(
                actor=actor,
                hub=hub,
                kind=options["kind"],
                header=header,
                rows=rows,
                mapping=mapping,
                dry_run=not options["apply"],
            )
        except registers.RegisterError as exc:
            raise CommandError(str(exc)) from exc
        for row in outcome.rows:
            detail = "; ".join(row.errors) if row.errors else row.summary
            self.stdout.write(f"line {row.line} {row.key}: {row.action} — {detail}")
        self.stdout.write(str(outcome.counts) + ("" if outcome.applied else " (dry run)"))
