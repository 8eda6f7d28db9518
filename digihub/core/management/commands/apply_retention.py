from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from digihub.companies.models import Contact
from digihub.companies.privacy import erase_contact
from digihub.intake.models import Question, Status


class Command(BaseCommand):
    help = (
        "Anonymise the personal data of contacts whose questions were all closed longer ago than "
        "DIGIHUB_RETENTION_DAYS (run daily, e.g. from cron). Counts and amounts stay unchanged."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=settings.DIGIHUB_RETENTION_DAYS)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = timezone.now() - dt.timedelta(days=options["days"])
        recent_or_open = Question.objects.filter(contact=OuterRef("pk")).filter(
            ~Q(status=Status.DECIDED) | Q(decided_at__gte=cutoff) | Q(decided_at__isnull=True)
        )
        expired = (
            Contact.objects.filter(erased_at__isnull=True, questions__isnull=False)
            .exclude(Exists(recent_or_open))
            .distinct()
        )
        count = 0
        for contact in expired.select_related("company"):
            if not options["dry_run"]:
                erase_contact(
                    actor=None,
                    contact=contact,
                    reason=f"retention: questions closed before {cutoff:%Y-%m-%d}",
                )
            count += 1
        verb = "would be anonymised" if options["dry_run"] else "anonymised"
        self.stdout.write(self.style.SUCCESS(f"{count} contacts {verb}."))
