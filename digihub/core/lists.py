"""One table component for every list: sortable columns (an allow-list of sort keys), an export
of exactly the filtered rows (CSV / XLSX, numbers as numbers), totals where money is listed, and
bulk actions that call the same service as the single action, per row, in one transaction.

A view describes its columns once::

    table = Table(request, rows, [
        Column("ref", _("Reference"), "reference", lambda q: q.reference),
        Column("amount", _("Amount"), "amount", lambda p: p.amount, money=True, total=True),
    ], default="-registered")
    if table.export_format:
        return table.export("questions")
    page = paginate(request, table.rows)

and the template includes ``core/_table_head.html`` (sortable headers) and
``core/_table_tools.html`` (export links); totals come from ``table.totals`` (one aggregate).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from .outbound import spreadsheet_cell

EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_LIMIT = 50_000  # rows in one download; a larger selection is narrowed with the filters


@dataclass(frozen=True)
class Column:
    key: str  # the sort key in the URL (?sort=key / ?sort=-key): only these are accepted
    label: Any
    order_by: str | None  # the field (or annotation) sorted on; None: not sortable
    value: Callable[[Any], Any] | None = None  # the cell of the export; None: not exported
    money: bool = False
    total: bool = False  # summed (over all filtered rows, not only the page) in the footer
    numeric: bool = False


class Table:
    def __init__(
        self,
        request: HttpRequest,
        rows: QuerySet[Any],
        columns: Iterable[Column],
        *,
        default: str,
        tiebreak: str = "-pk",
    ) -> None:
        self.request = request
        self.columns = list(columns)
        self._by_key = {c.key: c for c in self.columns if c.order_by}
        asked = request.GET.get("sort", "")
        key = asked.lstrip("-")
        self.sort = asked if key in self._by_key else default
        column = self._by_key.get(self.sort.lstrip("-"))
        descending = self.sort.startswith("-")
        if column is not None and column.order_by:
            order = f"-{column.order_by}" if descending else column.order_by
            # A tiebreak that is not unique (two payments requested in the same instant) would let
            # the database order tied rows differently per query: a row could show on two pages
            # and on none. The primary key settles every tie.
            unique = tiebreak.lstrip("-") in {"pk", "id"}
            self.rows = rows.order_by(order, tiebreak, *(() if unique else ("-pk",)))
        else:
            self.rows = rows
        self.filtered = rows
        fmt = request.GET.get("export", "")
        self.export_format = fmt if fmt in EXPORT_FORMATS else ""

    # --- headers ---------------------------------------------------------------------------

    def headers(self) -> list[dict[str, Any]]:
        """Per column: label, the sort key a click asks for, and the current direction."""
        current = self.sort.lstrip("-")
        descending = self.sort.startswith("-")
        out = []
        for c in self.columns:
            sortable = c.key in self._by_key
            active = sortable and c.key == current
            out.append(
                {
                    "key": c.key,
                    "label": c.label,
                    "sortable": sortable,
                    "numeric": c.money or c.numeric,
                    "aria_sort": (
                        ("descending" if descending else "ascending") if active else None
                    ),
                    "next": f"-{c.key}" if active and not descending else c.key,
                }
            )
        return out

    @property
    def totals(self) -> dict[str, Decimal]:
        """Sums of the money columns over every filtered row, in one aggregate query."""
        if not hasattr(self, "_totals"):
            summed = {c.key: c.order_by for c in self.columns if c.total and c.order_by}
            self._totals: dict[str, Decimal] = (
                self.filtered.aggregate(
                    **{k: Sum(f, default=Decimal("0")) for k, f in summed.items()}
                )
                if summed
                else {}
            )
        return self._totals

    # --- export ----------------------------------------------------------------------------

    def export_rows(self) -> tuple[list[str], list[list[Any]]]:
        exported = [c for c in self.columns if c.value is not None]
        head = [str(c.label) for c in exported]
        body = [
            [spreadsheet_cell(_cell(c.value(row))) for c in exported]  # type: ignore[misc]
            for row in self.rows[:EXPORT_LIMIT]
        ]
        return head, body

    def export(self, name: str) -> HttpResponse:
        head, body = self.export_rows()
        stamp = timezone.localdate().isoformat()
        filename = f"{slugify(name)}-{stamp}.{self.export_format}"
        if self.export_format == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer, delimiter=";")
            writer.writerow(head)
            for line in body:
                writer.writerow(["" if v is None else v for v in line])
            response = HttpResponse(
                "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
            )
        else:
            response = HttpResponse(
                _xlsx(name, head, body),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def _cell(value: Any) -> Any:
    """Numbers stay numbers, dates stay dates (naive, local), labels become text."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if hasattr(value, "isoformat"):
        if getattr(value, "tzinfo", None) is not None:
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    return str(value)


def _xlsx(title: str, head: list[str], body: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = slugify(title)[:31] or "list"
    sheet.append(head)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in body:
        sheet.append(line)
    for column, label in zip(sheet.columns, head, strict=False):
        for cell in column[1:]:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
        sheet.column_dimensions[column[0].column_letter].width = max(12, min(len(label) + 4, 40))
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class BulkResult:
    done: list[Any]
    refused: list[tuple[Any, str]]  # (row, why)


def bulk(rows: Iterable[Any], action: Callable[[Any], Any]) -> BulkResult:
    """Run ``action`` (the single-row service) on every row inside one transaction. A row the
    service refuses is reported with the reason and leaves nothing behind (a savepoint per row);
    the others go through."""
    from django.core.exceptions import PermissionDenied, ValidationError

    done: list[Any] = []
    refused: list[tuple[Any, str]] = []
    with transaction.atomic():
        for row in rows:
            try:
                with transaction.atomic():
                    action(row)
            except (ValidationError, PermissionDenied) as exc:
                refused.append((row, _reason(exc)))
            else:
                done.append(row)
    return BulkResult(done, refused)


def _reason(exc: Exception) -> str:
    messages = getattr(exc, "messages", None)
    if messages:
        return " ".join(str(m) for m in messages)
    return str(exc) or exc.__class__.__name__
