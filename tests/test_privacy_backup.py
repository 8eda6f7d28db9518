from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from digihub.companies.models import Contact
from digihub.companies.privacy import erase_contact, export_contact
from digihub.core.backup import backup, restore


@pytest.mark.django_db
class TestPersonalData:
    def _contact(self, company) -> Contact:  # type: ignore[no-untyped-def]
        return Contact.objects.create(
            company=company,
            first_name="Jana",
            last_name="Janssens",
            email="jana@x.example",
            phone="+32 470 00 00 00",
        )

    def test_export_holds_the_person(self, people) -> None:  # type: ignore[no-untyped-def]
        data = export_contact(self._contact(people.company_x))
        assert data["contact"]["email"] == "jana@x.example"
        assert data["company"]["name"] == "Bedrijf X"

    def test_erase_anonymises_in_place_and_history(self, people) -> None:  # type: ignore[no-untyped-def]
        contact = self._contact(people.company_x)
        contact.phone = "+32 470 11 11 11"
        contact.save()
        count_before = Contact.objects.count()
        erase_contact(actor=people.coordinator, contact=contact, reason="request of 3 March")
        contact.refresh_from_db()
        assert contact.erased_at is not None and contact.email == "" and "Jana" not in str(contact)
        assert Contact.objects.count() == count_before
        assert not Contact.history.filter(id=contact.pk, first_name="Jana").exists()
        assert not Contact.history.filter(id=contact.pk, phone__startswith="+32").exists()

    def test_erase_through_page_needs_rights(self, people, client_for) -> None:  # type: ignore[no-untyped-def]
        contact = self._contact(people.company_x)
        url = reverse("companies:contact_erase", args=[contact.pk])
        assert client_for(people.advisor_b).post(url, {"reason": "x"}).status_code == 404
        assert client_for(people.partner_p).post(url, {"reason": "x"}).status_code == 404
        response = client_for(people.advisor_a).post(url, {"reason": "request by e-mail"})
        assert response.status_code == 302
        contact.refresh_from_db()
        assert contact.erased_at is not None

    def test_export_page_is_json(self, people, client_for) -> None:  # type: ignore[no-untyped-def]
        contact = self._contact(people.company_x)
        response = client_for(people.advisor_a).get(
            reverse("companies:contact_export", args=[contact.pk])
        )
        assert response.status_code == 200 and response.json()["contact"]["last_name"] == "Janssens"


def _counts(cursor) -> dict[str, int]:  # type: ignore[no-untyped-def]
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - table names from the app registry
        counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_find_every_record(people, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        expected = _counts(cursor)
    assert expected["companies_company"] >= 2
    dump = backup(tmp_path / "digihub.dump")
    if connection.vendor == "sqlite":
        target = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(tmp_path / "restored.sqlite3"),
        }
        restore(dump, target)
        import sqlite3

        restored = sqlite3.connect(target["NAME"])
        try:
            assert _counts(restored.cursor()) == expected
        finally:
            restored.close()
    else:
        name = f"restore_{uuid.uuid4().hex[:10]}"
        settings_dict = connection.settings_dict
        host = ["-h", settings_dict["HOST"]] if settings_dict.get("HOST") else []
        user = ["-U", settings_dict["USER"]] if settings_dict.get("USER") else []
        subprocess.run(["createdb", *host, *user, name], check=True)  # noqa: S603, S607
        try:
            restore(dump, {**settings_dict, "NAME": name})
            import psycopg

            with psycopg.connect(
                dbname=name,
                host=settings_dict.get("HOST") or None,
                user=settings_dict.get("USER") or None,
            ) as restored:
                assert _counts(restored.cursor()) == expected
        finally:
            subprocess.run(["dropdb", *host, *user, "--if-exists", name], check=False)  # noqa: S603, S607


@pytest.mark.django_db
def test_retention_anonymises_only_long_closed_questions(people) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from digihub.intake import services
    from digihub.intake.models import Question, Route

    def ask(email: str) -> Question:
        q, _ = services.register_question(
            actor=None,
            data=services.Registration(
                enterprise_number=people.company_x.enterprise_number,
                company_name="X",
                postcode="3000",
                city="Leuven",
                first_name="Oud",
                last_name="Contact",
                email=email,
                text="vraag",
                consent=True,
            ),
        )
        return q

    old, recent, _still_open = ask("old@x.example"), ask("recent@x.example"), ask("open@x.example")
    for q in (old, recent):
        services.take_question(actor=people.advisor_a, question=q)
        services.decide_no_trajectory(
            actor=people.advisor_a, question=q, route=Route.CHAMBER_PRODUCT, reason="r"
        )
    Question.objects.filter(pk=old.pk).update(decided_at=timezone.now() - dt.timedelta(days=4000))
    questions_before = Question.objects.count()
    call_command("apply_retention", "--days", "1825")
    emails = set(Contact.objects.values_list("email", flat=True))
    assert "old@x.example" not in emails
    assert {"recent@x.example", "open@x.example"} <= emails
    assert Question.objects.count() == questions_before


@pytest.mark.django_db
def test_erasure_leaves_reports_unchanged(people) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from django.utils import timezone

    from digihub.funding import demo as funding_demo
    from digihub.funding import services as funding
    from digihub.intake import services
    from digihub.reporting.figures import compute_figures

    funding_demo.build()
    q, _ = services.register_question(
        actor=None,
        data=services.Registration(
            enterprise_number=people.company_x.enterprise_number,
            company_name="X",
            postcode="3000",
            city="Leuven",
            first_name="Eva",
            last_name="Wis",
            email="eva@x.example",
            text="vraag",
            consent=True,
        ),
    )
    services.take_question(actor=people.advisor_a, question=q)
    funding.commit_quote(
        actor=None,
        hub=people.company_x.hub,
        company=people.company_x,
        amount=Decimal("5000"),
        document=q,
    )
    before = compute_figures(on=timezone.localdate())
    erase_contact(actor=people.coordinator, contact=q.contact, reason="request")
    after = compute_figures(on=timezone.localdate())
    assert before == after
