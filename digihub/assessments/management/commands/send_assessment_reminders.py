from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Send the T1 assessment links that are due and the reminders that are due. Idempotent: "
        "run it daily (cron); a second run the same day sends nothing twice."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--background",
            action="store_true",
            help="Enqueue the run as a background task (django-tasks) instead of running it here.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["background"]:
            from digihub.assessments.tasks import send_assessment_reminders

            result = send_assessment_reminders.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        from digihub.assessments.services import send_due

        run = send_due()
        self.stdout.write(
            f"invited {run.invited}, reminded {run.reminded}, without address {run.without_address}"
        )
