"""A hub's data exported as one ZIP, and loaded back into an empty database."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from digihub.companies.models import Contact
from digihub.companies.privacy import erase_contact
from digihub.intake.models import Attachment, Question

from .test_register_import import MAPPING, NUMBER, questions_file, run, world  # noqa: F401

pytestmark = pytest.mark.usefixtures("english")  # texts are read back in English


def _build(world: Any) -> Any:  # noqa: F811
    run(world, "questions", questions_file(), MAPPING, dry=False)
    trajectories = (
        "reference,question_reference,enterprise_number,partner,advisor_email,started_on,"
        "quote_on,signed_on,quote_total,completed_on\n"
        f"T-1,V-001,{NUMBER},VUB,adv@a.example,01/04/2023,15/04/2023,01/05/2023,8000,01/09/2023\n"
    )
    assert (
        run(world, "trajectories", trajectories.encode(), None, dry=False, name="t.csv").counts[
            "create"
        ]
        == 1
    )
    question = Question.objects.get(text="ERP kiezen")
    kept = Contact.objects.create(
        company=question.company, first_name="Kim", last_name="Kept", email="kim@kept.example"
    )
    gone = Contact.objects.create(
        company=question.company,
        first_name="Gert",
        last_name="Gone",
        email="gert@gone.example",
        phone="0470000000",
    )
    question.contact = gone
    question.save(update_fields=["contact"])
    erase_contact(actor=None, contact=gone, reason="request of 1 March")
    attachment = Attachment(
        question=question,
        name="plan.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=world.advisor_a,
    )
    attachment.file.save("plan.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    world.question, world.kept, world.gone, world.attachment = question, kept, gone, attachment
    return world


def test_export_zip_holds_tables_relations_files_and_readme(world: Any, client_for: Any) -> None:  # noqa: F811
    w = _build(world)
    response = client_for(w.advisor_a).get(reverse("registry:export", args=[w.company_x.hub_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {
        "data.json",
        "README.md",
        "intake.question.csv",
        "companies.company.csv",
        "intake.questiontransition.csv",
        "companies.contact.csv",
    } <= names
    assert f"files/{w.attachment.file.name}" in names
    readme = archive.read("README.md").decode()
    assert "## intake.question.csv" in readme and "- `registered_at`: " in readme
    questions = list(csv.DictReader(io.StringIO(archive.read("intake.question.csv").decode())))
    assert {q["text"] for q in questions} == {"ERP kiezen", "Webshop"}
    # Erased stays erased: the erased contact is only its number, company, "—" and its dates.
    data = json.loads(archive.read("data.json"))
    [gone] = [r for r in data if r["model"] == "companies.contact" and r["pk"] == w.gone.pk]
    assert set(gone["fields"]) == {"company", "first_name", "last_name", "erased_at", "created_at"}
    assert gone["fields"]["first_name"] == "—" and gone["fields"]["erased_at"]
    raw = response.content.decode("latin-1") + "".join(
        archive.read(n).decode("utf-8", "replace") for n in names if not n.startswith("files/")
    )
    assert "Gert" not in raw and "gert@gone.example" not in raw and "0470000000" not in raw
    assert "kim@kept.example" in archive.read("companies.contact.csv").decode()
    # No password travels.
    users = [r for r in data if r["model"] == "accounts.user"]
    assert users and all(u["fields"]["password"] == "!" for u in users)
    # Another chamber's advisor gets nothing.
    other = client_for(w.advisor_b).get(reverse("registry:export", args=[w.company_x.hub_id]))
    assert other.status_code == 403


def test_export_then_import_into_an_empty_database_round_trips(world: Any, tmp_path: Any) -> None:  # noqa: F811
    w = _build(world)
    call_command("export_hub", str(w.company_x.hub_id), str(tmp_path / "hub.zip"))
    data = json.loads(zipfile.ZipFile(tmp_path / "hub.zip").read("data.json"))
    labels = {r["model"] for r in data}

    def snapshot() -> dict[str, list[tuple[Any, ...]]]:
        result = {}
        for label in sorted(labels):
            model = apps.get_model(label)
            fields = [f.attname for f in model._meta.concrete_fields]
            if label == "accounts.user":
                fields = ["id", "email", "role", "chamber_id", "partner_id"]
            pks = [r["pk"] for r in data if r["model"] == label]
            rows = model._default_manager.filter(pk__in=pks).values_list(*fields)
            result[label] = sorted(rows, key=str)
        return result

    before = snapshot()
    assert before["intake.question"] and before["trajectories.phasespan"]
    assert before["funding.ledgerentry"] and before["funding.paymentrequest"]
    attachment_bytes = w.attachment.file.read()
    w.attachment.file.storage.delete(w.attachment.file.name)
    # Empty the database: every table the archive touches, and everything that refers to them.
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if (
                model._meta.managed
                and not model._meta.proxy
                and model._meta.label_lower
                not in ("contenttypes.contenttype", "auth.permission", "django_migrations")
            ):
                cursor.execute(f'DELETE FROM "{model._meta.db_table}"')  # noqa: S608
    assert not Question.objects.exists()
    call_command("import_hub_export", str(tmp_path / "hub.zip"))
    after = snapshot()
    for label in labels:
        assert after[label] == before[label], label
    reloaded = Attachment.objects.get(pk=w.attachment.pk)
    assert reloaded.file.read() == attachment_bytes
    # The same references, the same history: the phase and status reports read the same.
    assert Question.objects.get(pk=w.question.pk).transitions.count() == 2
