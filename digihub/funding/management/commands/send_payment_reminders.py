"""Run daily (cron): overdue shares, reminders before and after the due date, lapses.

Idempotent: a request becomes overdue once, each reminder is sent once (``ReminderSent``), and a
request lapses once; running it twice a day changes nothing the second time. E-mails are
enqueued as background tasks when each step commits."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from digihub.funding.payments import daily_run


class Command(BaseCommand):
    help = "Mark unpaid shares overdue, send payment reminders, apply the programmes' lapse rule."

    def handle(self, *args: Any, **options: Any) -> None:
        run = daily_run()
        self.stdout.write(
            f"overdue: {run.overdue}, reminded before: {run.reminded_before}, "
            f"reminded after: {run.reminded_after}, lapsed: {run.lapsed}"
        )
