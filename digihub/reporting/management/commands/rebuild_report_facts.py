"""Rebuild the report facts from the source tables, or check them against a fresh computation."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from digihub.reporting import facts


class Command(BaseCommand):
    help = "Rebuild the report facts from the source tables (--check: compare only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="compare the stored facts with a fresh computation; exit 1 on a difference",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["check"]:
            diff = facts.check()
            if diff:
                for key, (n, amount) in sorted(diff.items())[:20]:
                    row = dict(zip(facts.COLUMNS, key, strict=True))
                    self.stderr.write(f"{row}: n {n:+d}, cents {amount:+d}")
                raise CommandError(f"{len(diff)} report facts differ from the source tables")
            self.stdout.write(f"report facts agree ({time.perf_counter() - started:.1f} s)")
            return

        def progress(done: int, total: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"{done:,}/{total:,} companies")

        rows = facts.rebuild(progress=progress)
        self.stdout.write(f"{rows:,} report facts rebuilt in {time.perf_counter() - started:.1f} s")
