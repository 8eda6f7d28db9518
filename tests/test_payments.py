"""The SME's share: payee and due date, the EPC QR code, the workflow table, reminders, lapse,
the SME's pages and the exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from digihub.audit.models import AuditEvent
from digihub.core import workflow
from digihub.core.access import can
from digihub.funding import demo as funding_demo
from digihub.funding import payments, qr, services
from digihub.funding.models import (
    EntryKind,
    LedgerEntry,
    Payee,
    PaymentRequest,
    PaymentStatus,
    Programme,
    ReminderSent,
)
from digihub.funding.payees import check_bic, check_iban

pytestmark = pytest.mark.usefixtures("english")  # texts are read back in English

IBAN = "BE71096123456769"  # a valid Belgian IBAN (Belfius, GKCCBEBB)


@pytest.fixture
def share(people: Any) -> Any:
    funding_demo.build()
    people.voka = Programme.objects.get(code="voka-digihub-efro")
    Payee.objects.filter(programme=people.voka, chamber__isnull=True).update(
        name="Voka Digihub", iban=IBAN, bic="GKCCBEBB"
    )
    people.payment = services.commit_quote(
        actor=None,
        hub=people.company_x.hub,
        company=people.company_x,
        amount=Decimal("1000"),
        document=people.company_x,
    ).payment_request
    return people


def test_iban_and_bic_are_checked() -> None:
    assert check_iban("be71 0961 2345 6769") == IBAN
    with pytest.raises(ValidationError):
        check_iban("BE71096123456768")  # wrong check digits
    with pytest.raises(ValidationError):
        check_iban("US12345678901234")
    assert check_bic("", iban=IBAN) == "GKCCBEBB"
    with pytest.raises(ValidationError):
        check_bic("GKCC")


@pytest.mark.django_db
def test_a_request_carries_payee_due_date_and_a_valid_communication(share: Any) -> None:
    from stdnum.be import ogm_vcs

    payment = share.payment
    assert payment.payee.iban == IBAN and payment.amount == Decimal("300.00")
    assert payment.status == PaymentStatus.REQUESTED
    assert payment.due_date == timezone.localdate() + dt.timedelta(days=30)
    assert ogm_vcs.is_valid(payment.structured_communication)
    assert str(payment).startswith("+++") and str(payment).endswith("+++")


@pytest.mark.django_db
def test_the_qr_payload_is_epc069_12_field_by_field(share: Any) -> None:
    payment = share.payment
    lines = qr.epc_payload(payment).split("\n")
    assert lines == [
        "BCD",  # service tag
        "002",  # version
        "1",  # character set: UTF-8
        "SCT",  # SEPA credit transfer
        "GKCCBEBB",  # BIC
        "Voka Digihub",  # beneficiary name
        IBAN,  # beneficiary account
        "EUR300",  # amount (EPC: no trailing zeros needed)
        "SCVE",  # purpose: purchase of services
        payment.structured_communication,  # structured remittance (Belgian OGM/VCS)
    ]  # unstructured text left empty (either a reference or a text, never both)
    svg = qr.epc_svg(payment)
    assert svg.startswith("<svg") and "EPC QR" in svg
    # Once paid in part, the code asks for what is still due.
    payments.record_receipt(actor=share.officer, request=payment, amount="100.5")
    payment.refresh_from_db()
    assert qr.epc_payload(payment).split("\n")[7] == "EUR199.5"


@pytest.mark.django_db
def test_workflow_table_declares_every_step(share: Any) -> None:
    table = workflow.table(workflow.workflow_for(PaymentRequest))
    assert {row["step"] for row in table} >= {
        "pay",
        "pay_part",
        "overdue",
        "remind",
        "lapse",
        "cancel",
        "refund",
    }
    for row in table:
        assert row["from"] and row["who"]
        assert workflow.audience_of(row["event"]) == workflow.Audience.SME


@pytest.mark.django_db
def test_receipts_by_hand_partly_then_fully(
    share: Any, django_capture_on_commit_callbacks: Any
) -> None:
    payment = share.payment
    with pytest.raises(PermissionDenied):
        payments.record_receipt(actor=share.sme_x, request=payment, amount="100")
    with pytest.raises(PermissionDenied):
        payments.record_receipt(actor=share.advisor_b, request=payment, amount="100")
    with django_capture_on_commit_callbacks(execute=True):
        payment = payments.record_receipt(actor=share.advisor_a, request=payment, amount="100")
    assert payment.status == PaymentStatus.PARTLY_PAID and payment.remainder == Decimal("200.00")
    payment = payments.record_receipt(actor=share.officer, request=payment, amount="200")
    assert payment.status == PaymentStatus.PAID and payment.paid_at is not None
    with pytest.raises(workflow.NotNow):
        payments.record_receipt(actor=share.officer, request=payment, amount="1")
    assert not can(share.officer, "pay", payment)
    with pytest.raises(ValidationError):
        payments.record_receipt(actor=share.officer, request=payment, amount="-5")
    # The SME reads its payment events; the e-mail tells what is still due.
    assert any(IBAN[:4] in m.body and "200" in m.body for m in mail.outbox)
    events = AuditEvent.objects.filter(action__in=["funding.paid", "funding.partly_paid"])
    assert events.count() == 2
    payments.refund_request(actor=share.coordinator, request=payment, reason="dubbel betaald")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED


@pytest.mark.django_db
def test_daily_run_overdue_reminders_once_and_lapse_releases_budget(
    share: Any, django_capture_on_commit_callbacks: Any
) -> None:
    payment = share.payment
    programme = share.voka
    programme.lapse_after_days = 30
    programme.save()
    today = timezone.localdate()
    # Due in three days: one reminder before, once however often the run runs.
    PaymentRequest.objects.filter(pk=payment.pk).update(due_date=today + dt.timedelta(days=3))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = payments.daily_run()
        second = payments.daily_run()
    assert (first.reminded_before, second.reminded_before) == (1, 0)
    assert ReminderSent.objects.filter(request=payment).count() == 1
    assert len(mail.outbox) == 1 and str(share.payment) in mail.outbox[0].subject
    # Ten days late: overdue, reminded after, not yet lapsed.
    PaymentRequest.objects.filter(pk=payment.pk).update(due_date=today - dt.timedelta(days=10))
    run = payments.daily_run()
    assert (run.overdue, run.reminded_after, run.lapsed) == (1, 1, 0)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.OVERDUE
    assert payments.daily_run() == payments.DailyRun()  # idempotent
    # Thirty-one days late: the commitment lapses and its budget is released.
    PaymentRequest.objects.filter(pk=payment.pk).update(due_date=today - dt.timedelta(days=31))
    committed = services.committed_for(share.company_x)
    assert committed == Decimal("1000.00")
    call_command("send_payment_reminders", stdout=io.StringIO())
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
    assert services.committed_for(share.company_x) == Decimal("0.00")
    assert LedgerEntry.objects.filter(kind=EntryKind.RELEASE).exists()
    out = io.StringIO()
    call_command("send_payment_reminders", stdout=out)
    assert "lapsed: 0" in out.getvalue()


@pytest.mark.django_db
def test_a_programme_that_waits_never_lapses(share: Any) -> None:
    PaymentRequest.objects.filter(pk=share.payment.pk).update(
        due_date=timezone.localdate() - dt.timedelta(days=400)
    )
    payments.daily_run()
    share.payment.refresh_from_db()
    assert share.payment.status == PaymentStatus.OVERDUE
    assert services.committed_for(share.company_x) == Decimal("1000.00")


@pytest.mark.django_db
def test_the_sme_sees_what_it_pays_to_whom_by_when(share: Any, client_for: Any) -> None:
    client = client_for(share.sme_x)
    url = reverse("funding:payment_detail", args=[share.payment.pk])
    page = client.get(url).content.decode()
    assert "Voka Digihub" in page and "BE71 0961 2345 6769" in page
    assert share.payment.communication_display in page
    assert reverse("funding:payment_qr", args=[share.payment.pk]) in page
    svg = client.get(reverse("funding:payment_qr", args=[share.payment.pk]))
    assert svg["Content-Type"] == "image/svg+xml"
    pdf = client.get(reverse("funding:payment_pdf", args=[share.payment.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # Another SME does not see it; the SME cannot record a payment.
    assert client_for(share.sme_y).get(url).status_code == 404
    refused = client_for(share.sme_x).post(
        reverse("funding:payment_receive", args=[share.payment.pk]),
        {"receipt-amount": "300", "receipt-received_on": timezone.localdate().isoformat()},
    )
    assert refused.status_code == 403


@pytest.mark.django_db
def test_exports_keep_numbers_as_numbers(share: Any, client_for: Any) -> None:
    from openpyxl import load_workbook

    payments.record_receipt(actor=share.officer, request=share.payment, amount="100")
    client = client_for(share.officer)
    xlsx = client.get(reverse("funding:money_export", args=["requests", "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    row = [c.value for c in sheet[2]]
    amount, received, remainder = row[8], row[9], row[10]  # exports.request_headers()
    assert (amount, received, remainder) == (300, 100, 200)
    assert all(isinstance(v, int | float) for v in (amount, received, remainder))
    text = client.get(reverse("funding:money_export", args=["receipts", "csv"])).content
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][1] == "100.00"
    assert (
        client_for(share.sme_x)
        .get(reverse("funding:money_export", args=["receipts", "csv"]))
        .status_code
        == 403
    )
