"""Payment requests and receipts for the accounting: XLSX and CSV, numbers as numbers.

Every cell passes ``digihub.core.outbound.spreadsheet_cell``: amounts stay Decimal (a number
cell in XLSX, a plain number with a point in CSV), dates stay dates, and text that would start
a formula is shown as typed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from digihub.core.outbound import spreadsheet_cell

from .models import PaymentRequest, Receipt


def request_headers() -> list[str]:
    return [
        _("Structured communication"),
        _("Company"),
        _("Enterprise number"),
        _("Hub"),
        _("Programme"),
        _("For"),
        _("Requested"),
        _("Due date"),
        _("Amount"),
        _("Received"),
        _("Still to pay"),
        _("Status"),
        _("Paid on"),
        _("Payee"),
        _("IBAN"),
    ]


def request_rows(qs: QuerySet[PaymentRequest]) -> Iterator[list[Any]]:
    for r in qs.select_related("company", "hub", "programme", "payee").iterator(chunk_size=2000):
        yield [
            r.communication_display,
            r.company.name,
            r.company.enterprise_number,
            r.hub.name,
            r.programme.code,
            r.document_label,
            r.created_at.date(),
            r.due_date,
            r.amount,
            r.paid_amount,
            r.remainder,
            str(r.get_status_display()),
            r.paid_at.date() if r.paid_at else None,
            r.payee.name if r.payee else "",
            r.payee.iban if r.payee else "",
        ]


def receipt_headers() -> list[str]:
    return [
        _("Received on"),
        _("Amount"),
        _("Structured communication"),
        _("Company"),
        _("Enterprise number"),
        _("Paid by"),
        _("From account"),
        _("Bank reference"),
        _("Statement"),
        _("Note"),
    ]


def receipt_rows(qs: QuerySet[Receipt]) -> Iterator[list[Any]]:
    for r in qs.select_related("request__company", "entry__statement").iterator(chunk_size=2000):
        yield [
            r.received_on,
            r.amount,
            r.request.communication_display,
            r.request.company.name,
            r.request.company.enterprise_number,
            r.payer_name,
            r.payer_iban,
            r.entry.reference if r.entry else "",
            str(r.entry.statement) if r.entry else "",
            r.note,
        ]


def to_csv(headers: list[str], rows: Iterable[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else spreadsheet_cell(v) for v in row])
    return out.getvalue()


def to_xlsx(title: str, headers: list[str], rows: Iterable[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([spreadsheet_cell(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    money_columns = {
        index + 1
        for index, h in enumerate(headers)
        if h in (_("Amount"), _("Received"), _("Still to pay"))
    }
    date_columns = {
        index + 1
        for index, h in enumerate(headers)
        if h in (_("Requested"), _("Due date"), _("Paid on"), _("Received on"))
    }
    for row in rows:
        sheet.append([spreadsheet_cell(v) for v in row])
        line = sheet.max_row
        for column in money_columns:
            sheet.cell(row=line, column=column).number_format = "#,##0.00"
        for column in date_columns:
            sheet.cell(row=line, column=column).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
