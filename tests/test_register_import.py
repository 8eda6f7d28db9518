"""A hub's existing registers imported from XLSX/CSV: preview, result, idempotence, history."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from digihub.funding import demo as funding_demo
from digihub.funding.models import LedgerEntry, PaymentRequest, PaymentStatus
from digihub.intake.models import Question, QuestionTransition
from digihub.registry import registers
from digihub.registry.models import RegisterMapping
from digihub.trajectories.models import PhaseSpan, Trajectory
from digihub.trajectories.selectors import phase_counts_on

from .kbo_files import valid_number

pytestmark = pytest.mark.usefixtures("english")  # texts are read back in English


@pytest.fixture(autouse=True)
def english() -> Any:
    from django.utils import translation

    with translation.override("en"):
        yield


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


NUMBER = valid_number(1415926)


def questions_file() -> bytes:
    return xlsx(
        [
            [
                "Ref",
                "KBO",
                "Bedrijf",
                "Postcode",
                "Gemeente",
                "Datum",
                "Vraag",
                "Adviseur",
                "Beslist",
                "Beslissing",
                "Route",
            ],
            [
                "V-001",
                NUMBER,
                "Drukkerij Peeters",
                "3000",
                "Leuven",
                dt.date(2023, 3, 1),
                "ERP kiezen",
                "adv@a.example",
                dt.date(2023, 4, 1),
                "trajectory",
                "",
            ],
            [
                "V-002",
                NUMBER,
                "Drukkerij Peeters",
                "3000",
                "Leuven",
                "15/05/2023",
                "Webshop",
                "adv@a.example",
                "20/05/2023",
                "no_trajectory",
                "chamber_product",
            ],
            ["V-003", "0123.456.789", "Fout", "3000", "Leuven", "31/02/2023", "?", "", "", "", ""],
            [
                "V-004",
                NUMBER,
                "Drukkerij Peeters",
                "3000",
                "Leuven",
                "01/06/2023",
                "Cloud",
                "nobody@a.example",
                "",
                "",
                "",
            ],
        ]
    )


MAPPING = {
    "reference": "Ref",
    "enterprise_number": "KBO",
    "company_name": "Bedrijf",
    "postcode": "Postcode",
    "city": "Gemeente",
    "registered_on": "Datum",
    "text": "Vraag",
    "advisor_email": "Adviseur",
    "decided_on": "Beslist",
    "decision": "Beslissing",
    "route": "Route",
}


def run(
    people: Any,
    kind: str,
    data: bytes,
    mapping: dict[str, str] | None,
    dry: bool,
    name: str = "register.xlsx",
) -> registers.Outcome:
    header, rows = registers.read_table(name, data)
    hub = people.company_x.hub
    mapping = mapping or registers.suggest_mapping(kind, header, registers.saved_mapping(hub, kind))
    return registers.run_import(
        actor=people.coordinator,
        hub=hub,
        kind=kind,
        header=header,
        rows=rows,
        mapping=mapping,
        dry_run=dry,
    )


@pytest.fixture
def world(people: Any) -> Any:
    funding_demo.build()
    people.advisor_a.email = "adv@a.example"
    people.advisor_a.save(update_fields=["email"])
    return people


def test_preview_shows_every_row_and_changes_nothing(world: Any) -> None:
    outcome = run(world, "questions", questions_file(), MAPPING, dry=True)
    assert [(r.line, r.action) for r in outcome.rows] == [
        (2, "create"),
        (3, "create"),
        (4, "error"),
        (5, "error"),
    ]
    bad = outcome.rows[2].errors
    assert any("wrong check digit" in e or "not a date" in e for e in bad), bad
    assert any("31/02/2023 is not a date" in e for e in bad)
    assert outcome.rows[3].errors == [
        "No advisor of Voka Vlaams-Brabant has the address nobody@a.example."
    ]
    assert not Question.objects.filter(text="ERP kiezen").exists()
    assert not RegisterMapping.objects.exists()


def test_errors_in_the_users_language(world: Any) -> None:
    from django.utils import translation

    with translation.override("nl"):
        outcome = run(world, "questions", questions_file(), MAPPING, dry=True)
    # The message comes from the catalogue of the active language (Dutch when translated).
    assert outcome.rows[3].errors and outcome.rows[3].errors[0]


def test_import_then_reimport_changes_nothing(world: Any) -> None:
    outcome = run(world, "questions", questions_file(), MAPPING, dry=False)
    assert outcome.counts == {"create": 2, "change": 0, "same": 0, "error": 2}
    erp = Question.objects.get(text="ERP kiezen")
    assert erp.registered_at.date() == dt.date(2023, 3, 1) and erp.status == "decided"
    assert erp.company.enterprise_number == NUMBER and erp.hub == world.company_x.hub
    steps = list(QuestionTransition.objects.filter(question=erp).values_list("to_status", "at"))
    assert [s for s, _at in steps] == ["in_progress", "decided"]
    assert steps[1][1].date() == dt.date(2023, 4, 1)
    webshop = Question.objects.get(text="Webshop")
    assert (webshop.decision, webshop.route) == ("no_trajectory", "chamber_product")
    # The mapping is remembered for the hub: the same file again, without a mapping.
    again = run(world, "questions", questions_file(), None, dry=False)
    assert again.counts == {"create": 0, "change": 0, "same": 2, "error": 2}
    assert Question.objects.filter(text__in=["ERP kiezen", "Webshop"]).count() == 2


def test_trajectories_feed_the_phase_report_and_the_ledger(world: Any) -> None:
    run(world, "questions", questions_file(), MAPPING, dry=False)
    csv_text = (
        "reference;question_reference;enterprise_number;partner;advisor_email;started_on;quote_on;"
        "signed_on;quote_total;completed_on;final_cost;stopped_on;stop_reason\n"
        f"T-1;V-001;{NUMBER};VUB;adv@a.example;01/04/2023;15/04/2023;01/05/2023;10.000,00;"
        "01/09/2023;9000;;\n"
        f"T-2;V-001;{NUMBER};VUB;adv@a.example;01/04/2023;10/04/2023;;;;;01/06/2023;No budget\n"
        f"T-3;V-001;{NUMBER};Nobody;adv@a.example;01/04/2023;;;;;;;\n"
        f"T-4;V-001;{NUMBER};VUB;adv@a.example;01/04/2023;15/03/2023;;;;;;\n"
    ).encode()
    preview = run(world, "trajectories", csv_text, None, dry=True, name="t.csv")
    assert [r.action for r in preview.rows] == ["create", "create", "error", "error"]
    assert not Trajectory.objects.exists() and not LedgerEntry.objects.exists()
    outcome = run(world, "trajectories", csv_text, None, dry=False, name="t.csv")
    assert outcome.counts["create"] == 2
    t1 = Trajectory.objects.get(phase="completed")
    assert t1.quote_signed_at.date() == dt.date(2023, 5, 1)
    assert [s.phase for s in PhaseSpan.objects.filter(trajectory=t1)] == [
        "startup",
        "quote",
        "execution",
        "completed",
    ]
    # The report's phase on any date counts them as if the steps had happened then.
    assert phase_counts_on(dt.date(2023, 4, 20))["quote"] == 2
    assert phase_counts_on(dt.date(2023, 5, 15))["execution"] == 1
    assert phase_counts_on(dt.date(2023, 7, 1))["stopped"] == 1
    # Money went through the funding engine: committed on the signing date, spent, released.
    kinds = set(LedgerEntry.objects.filter(company=t1.company).values_list("kind", flat=True))
    assert {"commit", "spend", "release"} <= kinds
    assert LedgerEntry.objects.filter(kind="commit").first().booked_on == dt.date(2023, 5, 1)  # type: ignore[union-attr]
    request = PaymentRequest.objects.get(company=t1.company)
    payments = (
        f"trajectory_reference,amount,paid_on\nT-1,{request.amount},10/05/2023\nT-2,5,10/05/2023\n"
    )
    result = run(world, "payments", payments.encode(), None, dry=False, name="p.csv")
    assert [r.action for r in result.rows] == ["create", "error"]
    request.refresh_from_db()
    assert request.status == PaymentStatus.PAID and request.paid_at.date() == dt.date(2023, 5, 10)
    # Everything again: nothing changes.
    before = (Trajectory.objects.count(), LedgerEntry.objects.count(), PhaseSpan.objects.count())
    again = run(world, "trajectories", csv_text, None, dry=False, name="t.csv")
    assert again.counts["same"] == 2
    assert (
        Trajectory.objects.count(),
        LedgerEntry.objects.count(),
        PhaseSpan.objects.count(),
    ) == before
    assert Decimal(request.amount) > 0


def test_the_page_uploads_previews_and_confirms(world: Any, client_for: Any) -> None:
    client = client_for(world.advisor_a)
    url = reverse("registry:register_import", args=[world.company_x.hub_id])
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("register.xlsx", questions_file())
    first = client.post(url, {"kind": "questions", "file": upload})
    # The file's own column names are not the fields': the page asks for the mapping.
    assert first.status_code == 200 and "outcome" not in first.context
    assert 'name="map_reference"' in first.text and '<option value="Ref">' in first.text
    token = first.context["token"]
    mapped = {"token": token, "kind": "questions"}
    mapped.update({f"map_{k}": v for k, v in MAPPING.items()})
    page = client.post(url, mapped)
    preview = page.context["outcome"]
    assert not preview.applied and preview.counts == {
        "create": 2,
        "change": 0,
        "same": 0,
        "error": 2,
    }
    assert "31/02/2023" in page.text  # every row's error is on the page
    done = client.post(url, {**mapped, "confirm": "1"})
    assert done.context["outcome"].applied
    assert Question.objects.filter(text="ERP kiezen").exists()
    # Another chamber's advisor may not import into this hub.
    other = client_for(world.advisor_b)
    assert other.get(url).status_code == 403


def test_imported_money_is_booked_on_the_registers_days(world: Any) -> None:
    """Final costs, releases and payments of an imported register are dated as in the file, not
    on the day of the import (the ledger and the reports read those dates)."""
    from digihub.funding.models import Receipt

    run(world, "questions", questions_file(), MAPPING, dry=False)
    csv_text = (
        "reference;question_reference;enterprise_number;partner;advisor_email;started_on;quote_on;"
        "signed_on;quote_total;completed_on;final_cost;stopped_on;stop_reason\n"
        f"T-1;V-001;{NUMBER};VUB;adv@a.example;01/04/2023;15/04/2023;01/05/2023;10.000,00;"
        "01/09/2023;9000;;\n"
        f"T-2;V-001;{NUMBER};VUB;adv@a.example;01/04/2023;10/04/2023;01/05/2023;2.000,00;;;"
        "01/06/2023;No budget\n"
    ).encode()
    outcome = run(world, "trajectories", csv_text, None, dry=False, name="t.csv")
    assert outcome.counts["create"] == 2, [r.errors for r in outcome.rows]
    done = Trajectory.objects.get(phase="completed")
    stopped = Trajectory.objects.get(phase="stopped")
    days = {
        (t, kind): set(
            LedgerEntry.objects.filter(
                company=t.company, document_id=str(q.pk), kind=kind
            ).values_list("booked_on", flat=True)
        )
        for t in (done, stopped)
        for q in t.quotes.all()
        for kind in ("commit", "spend", "release")
    }
    assert days[(done, "commit")] == {dt.date(2023, 5, 1)}
    assert days[(done, "spend")] == {dt.date(2023, 9, 1)}
    assert days[(done, "release")] == {dt.date(2023, 9, 1)}
    assert days[(stopped, "release")] == {dt.date(2023, 6, 1)}
    request = PaymentRequest.objects.get(document_id=str(done.quotes.get().pk))
    payments = f"trajectory_reference,amount,paid_on\nT-1,{request.amount},10/05/2023\n"
    run(world, "payments", payments.encode(), None, dry=False, name="p.csv")
    assert list(Receipt.objects.filter(request=request).values_list("received_on", flat=True)) == [
        dt.date(2023, 5, 10)
    ]
