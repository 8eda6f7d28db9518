"""One demo user per role. Demo accounts are marked and, in demo mode only, exempt from the
second factor. They have a published password, so they are made only in demo mode
(``DIGIHUB_DEMO_MODE``, set by bin/start; production refuses it)."""

from __future__ import annotations

from dataclasses import dataclass

from digihub.companies.models import Company
from digihub.network.models import Chamber, KnowledgePartner

from .models import User
from .roles import Role

DEMO_PASSWORD = "digihub-demo-2026"  # noqa: S105 - demo accounts only, printed by the start script


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    role: Role
    chamber: str | None = None
    partner: str | None = None
    company_number: str | None = None


def demo_users() -> list[DemoUser]:
    sme = (
        Company.objects.filter(
            chamber__short_name="Voka Vlaams-Brabant", size_class__in=["micro", "small"]
        )
        .order_by("enterprise_number")
        .values_list("enterprise_number", flat=True)
        .first()
    )
    return [
        DemoUser(
            "advisor@demo.digihub.be",
            "Anke",
            "Adviseur",
            Role.ADVISOR,
            chamber="Voka Vlaams-Brabant",
        ),
        DemoUser(
            "advisor.collega@demo.digihub.be",
            "Lotte",
            "Collega",
            Role.ADVISOR,
            chamber="Voka Vlaams-Brabant",
        ),
        DemoUser(
            "advisor.antwerpen@demo.digihub.be",
            "Bram",
            "Adviseur",
            Role.ADVISOR,
            chamber="Voka Antwerpen-Waasland",
        ),
        DemoUser("partner@demo.digihub.be", "Petra", "Partner", Role.PARTNER, partner="VUB"),
        DemoUser(
            "partner.sirris@demo.digihub.be", "Stijn", "Partner", Role.PARTNER, partner="Sirris"
        ),
        DemoUser("sme@demo.digihub.be", "Karel", "Kmo", Role.SME, company_number=sme),
        DemoUser("officer@demo.digihub.be", "Vera", "VLAIO", Role.OFFICER),
        DemoUser("coordinator@demo.digihub.be", "Cas", "Coördinator", Role.COORDINATOR),
        DemoUser("admin@demo.digihub.be", "Ada", "Beheerder", Role.ADMIN),
    ]


def require_demo_mode() -> None:
    from django.conf import settings
    from django.core.management.base import CommandError

    if not settings.DIGIHUB_DEMO_MODE:
        raise CommandError(
            "Demo accounts have a published password: they are made only in demo mode "
            "(DIGIHUB_DEMO_MODE=1, as bin/start sets it), never on a production installation."
        )


def build() -> list[User]:
    require_demo_mode()
    users = []
    for spec in demo_users():
        fields = {
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "role": spec.role,
            "chamber": Chamber.objects.get(short_name=spec.chamber) if spec.chamber else None,
            "partner": KnowledgePartner.objects.get(short_name=spec.partner)
            if spec.partner
            else None,
            "company": Company.objects.get(enterprise_number=spec.company_number)
            if spec.company_number
            else None,
            "is_demo": True,
            "is_staff": spec.role == Role.ADMIN,
            "is_superuser": spec.role == Role.ADMIN,
        }
        user, created = User.objects.update_or_create(email=spec.email, defaults=fields)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        _verify_email(user)
        users.append(user)
    return users


def _verify_email(user: User) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
