"""A hub running the first release upgrades with its data: every migration since then runs on a
populated database (PostgreSQL refuses some schema changes over rows a data migration just
touched), the data carried over is what the new rules say, and the report facts, which the first
release did not have, are built from the existing data at the end of ``migrate``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

# The schema of the first release; apps added since then did not exist.
FIRST_RELEASE = [
    ("accounts", "0002_initial"),
    ("audit", "0001_initial"),
    ("companies", "0001_initial"),
    ("funding", "0002_payment_indexes"),
    ("intake", "0003_chamber_registered_index"),
    ("network", "0001_initial"),
    ("trajectories", "0003_open_by_chamber_index"),
    ("assessments", None),
    ("core", None),
    ("matching", None),
    ("registry", None),
    ("reporting", None),
]


def _migrate(targets: list[tuple[str, str | None]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return (
        MigrationExecutor(connection)
        .loader.project_state([(app, name) for app, name in targets if name])
        .apps
    )


def _first_release_data(apps: Any) -> dict[str, Any]:
    Province = apps.get_model("network", "Province")
    Chamber = apps.get_model("network", "Chamber")
    Hub = apps.get_model("network", "Hub")
    Company = apps.get_model("companies", "Company")
    Programme = apps.get_model("funding", "Programme")
    PaymentRequest = apps.get_model("funding", "PaymentRequest")
    Question = apps.get_model("intake", "Question")

    province = Province.objects.create(code="VOV", name_nl="Oost-Vlaanderen", region="VLG")
    chamber = Chamber.objects.create(name="Voka Oost-Vlaanderen", short_name="Voka OVL")
    hub = Hub.objects.create(name="Digihub Oost-Vlaanderen", province=province, chamber=chamber)
    place = {"postcode": "9000", "city": "Gent", "province": province, "chamber": chamber}
    town = Company.objects.create(
        enterprise_number="0207451227", name="Stad Gent", legal_form="GEM", hub=hub, **place
    )
    shop = Company.objects.create(
        enterprise_number="0403170701",
        name="Bakkerij",
        legal_form="BV",
        size_class="small",
        hub=hub,
        **place,
    )
    Question.objects.create(
        reference="V-2026-00001",
        company=shop,
        chamber=chamber,
        hub=hub,
        text="Hoe begin ik een webshop?",
    )
    programme = Programme.objects.create(
        code="digihubs", name="Digihubs", start=dt.date(2025, 1, 1), end=dt.date(2027, 12, 31)
    )
    requested = timezone.make_aware(dt.datetime(2026, 3, 1, 10))
    kept = {"company": shop, "programme": programme, "hub": hub, "created_at": requested}
    open_request = PaymentRequest.objects.create(
        amount=Decimal("1250.00"), structured_communication="000000010197", status="open", **kept
    )
    paid_request = PaymentRequest.objects.create(
        amount=Decimal("800.50"),
        structured_communication="000000020294",
        status="paid",
        paid_at=requested,
        **kept,
    )
    return {"town": town.pk, "shop": shop.pk, "open": open_request.pk, "paid": paid_request.pk}


def test_first_release_database_upgrades_with_its_data() -> None:
    try:
        ids = _first_release_data(_migrate(FIRST_RELEASE))
    finally:
        call_command("migrate", verbosity=0)  # as a deploy does, post_migrate included

    from digihub.companies.models import Company
    from digihub.funding.models import PaymentRequest
    from digihub.reporting import facts
    from digihub.reporting.models import ReportFact

    assert Company.objects.get(pk=ids["town"]).customer_kind == "public"
    assert Company.objects.get(pk=ids["shop"]).customer_kind == "sme"
    waiting = PaymentRequest.objects.get(pk=ids["open"])
    assert (waiting.status, waiting.paid_amount) == ("requested", Decimal("0.00"))
    assert waiting.due_date == dt.date(2026, 3, 1) + dt.timedelta(days=30)
    paid = PaymentRequest.objects.get(pk=ids["paid"])
    assert (paid.status, paid.paid_amount) == ("paid", Decimal("800.50"))
    assert ReportFact.objects.exists()
    assert not facts.check()


def test_a_big_database_is_told_to_build_its_facts(settings: Any, network: Any) -> None:
    """Building facts for a million companies takes long: ``migrate`` leaves it to the operator
    and says so, rather than holding the deploy (and the tables) for half an hour."""
    import io

    from digihub.companies.models import Company
    from digihub.intake import services as intake
    from digihub.reporting.facts import build_if_missing, check
    from digihub.reporting.models import ReportFact

    intake.register_question(
        actor=None,
        data=intake.Registration(
            enterprise_number="0403170701",
            company_name="Bakkerij",
            postcode="3000",
            city="Leuven",
            first_name="An",
            last_name="Peeters",
            email="an@bakkerij.example",
            text="Hoe begin ik een webshop?",
            consent=True,
        ),
    )
    ReportFact.objects.all().delete()
    settings.DIGIHUB_REPORT_FACTS_AUTO_BUILD = Company.objects.count() - 1
    out = io.StringIO()
    build_if_missing(stdout=out)
    assert "rebuild_report_facts" in out.getvalue() and not ReportFact.objects.exists()
    settings.DIGIHUB_REPORT_FACTS_AUTO_BUILD += 1
    build_if_missing(stdout=io.StringIO())
    assert ReportFact.objects.exists() and not check()
