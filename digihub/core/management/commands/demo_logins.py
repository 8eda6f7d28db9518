from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from digihub.accounts.demo import DEMO_PASSWORD
from digihub.accounts.models import User


class Command(BaseCommand):
    help = "Print where to open Digihub and how to log in as each demo role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default=settings.SITE_URL)

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"].rstrip("/")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Digihub runs at {url}/"))
        self.stdout.write(f"  Public question form: {url}/questions/ask/")
        self.stdout.write(f"  API docs:             {url}/api/v1/docs")
        self.stdout.write(f"  Log in at {url}/accounts/login/ with password '{DEMO_PASSWORD}' as:")
        users = list(
            User.objects.filter(is_demo=True)
            .select_related("chamber", "partner", "company")
            .order_by("role", "email")
        )
        role_width = max((len(str(u.get_role_display())) for u in users), default=0)
        email_width = max((len(u.email) for u in users), default=0)
        for user in users:
            org = user.chamber or user.partner or user.company or ""
            self.stdout.write(
                f"    {user.get_role_display():{role_width}}  {user.email:{email_width}}  {org}"
            )
        self.stdout.write(
            "  (demo accounts skip the second factor; real staff accounts must set one up)"
        )
        self.stdout.write("")
