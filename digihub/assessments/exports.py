"""The KPI export: XLSX (indicators, micro-data, definitions) and CSV, typed numbers, every text
cell through ``digihub.core.outbound.spreadsheet_cell``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from digihub.companies.models import CustomerKind
from digihub.companies.sme import SizeClass
from digihub.core.outbound import spreadsheet_cell
from digihub.network.models import Region, ServiceType

from . import kpi
from .models import Band, Moment

DIMENSION_LABELS = {
    "strategy": "Digital business strategy",
    "readiness": "Digital readiness",
    "human": "Human-centric digitalisation",
    "data": "Data management",
    "automation": "Automation and artificial intelligence",
    "interoperability": "Interoperability",
    "green": "Green digitalisation",
}


def dimension_label(code: str) -> str:
    return _(DIMENSION_LABELS.get(code, code))


def _label(choices: Any, code: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return code or "–"


def indicator_rows(k: kpi.Kpis) -> list[tuple[str, str, str, Any]]:
    """(group, indicator, code, value): one row per figure, values typed."""
    rows: list[tuple[str, str, str, Any]] = [
        (_("Period"), _("first day"), "period_start", k.period.start),
        (_("Period"), _("last day"), "period_end", k.period.end),
        (_("Customers"), _("trajectories served"), "trajectories", k.trajectories),
        (_("Customers"), _("customers served"), "customers", k.customers),
    ]
    for code, n in k.by_kind.items():
        rows.append((_("Customers by type"), _label(CustomerKind, code), f"kind.{code}", n))
    for code, n in k.by_size.items():
        rows.append((_("Customers by size"), _label(SizeClass, code), f"size.{code}", n))
    for code, n in k.by_sector.items():
        rows.append((_("Customers by NACE section"), code or "–", f"sector.{code}", n))
    for code, n in k.by_region.items():
        rows.append((_("Customers by region"), _label(Region, code), f"region.{code}", n))
    for code, n in k.by_province.items():
        rows.append((_("Customers by province"), code, f"province.{code}", n))
    for code, figures in k.services.items():
        label = _label(ServiceType, code)
        rows.append(
            (_("Services by type"), label, f"service.{code}.trajectories", figures["trajectories"])
        )
        rows.append(
            (
                _("Services by type"),
                f"{label}: {_('customers')}",
                f"service.{code}.customers",
                figures["customers"],
            )
        )
        rows.append(
            (
                _("Services by type"),
                f"{label}: {_('completed')}",
                f"service.{code}.completed",
                figures["completed"],
            )
        )
    rows += [
        (_("Training"), _("training sessions"), "training.sessions", k.training_sessions),
        (_("Training"), _("attendees"), "training.attendees", k.training_attendees),
        (_("Maturity"), _("customers with a T0"), "dma.t0_customers", k.t0_customers),
        (_("Maturity"), _("T0 completion rate"), "dma.t0_rate", k.t0_rate),
        (_("Maturity"), _("trajectories completed"), "dma.completed", k.completed),
        (_("Maturity"), _("completed with a T1"), "dma.t1_completed", k.t1_completed),
        (_("Maturity"), _("T1 coverage"), "dma.t1_coverage", k.t1_coverage),
        (
            _("Maturity change"),
            _("overall: pairs compared"),
            "change.overall.pairs",
            k.overall_change.get("pairs"),
        ),
        (
            _("Maturity change"),
            _("overall: mean T1 − T0"),
            "change.overall",
            k.overall_change.get("change"),
        ),
    ]
    for row in k.change:
        rows.append(
            (
                _("Maturity change"),
                f"{dimension_label(row['code'])}: {_('mean T1 − T0')}",
                f"change.{row['code']}",
                row["change"],
            )
        )
    for moment, bands in k.bands.items():
        for band, n in bands.items():
            rows.append(
                (
                    _("Maturity level of customers"),
                    f"{_label(Moment, moment)}: {_label(Band, band)}",
                    f"band.{moment}.{band}",
                    n,
                )
            )
    rows += [
        (_("Investment"), _("investment facilitated (EUR)"), "investment.total", k.investment),
        (_("Investment"), _("trajectories with an amount"), "investment.count", k.investment_count),
        (_("Satisfaction"), _("surveys answered"), "satisfaction.count", k.surveys),
        (_("Satisfaction"), _("mean score (1–5)"), "satisfaction.mean", k.satisfaction),
    ]
    return rows


def micro_headers() -> list[str]:
    heads = [
        "trajectory",
        "hub",
        "enterprise_number",
        "customer",
        "customer_kind",
        "size_class",
        "nace_section",
        "region",
        "province",
        "service_type",
        "phase",
        "started",
        "completed",
        "investment_facilitated",
        "satisfaction",
        "t0_overall",
        "t0_band",
        "t1_overall",
        "t1_band",
    ]
    for moment in ("t0", "t1"):
        heads += [f"{moment}_{code}" for code in kpi.DIMENSION_CODES]
    return heads


def micro_rows(qs: Iterable[Any]) -> Iterator[list[Any]]:
    for t in qs:
        company = t.company
        row: list[Any] = [
            t.reference,
            t.hub.name,
            company.enterprise_number,
            company.name,
            company.customer_kind,
            company.size_class,
            company.nace_section,
            company.province.region,
            company.province.code,
            t.service_type,
            t.phase,
            timezone.localtime(t.started_at).date(),
            timezone.localtime(t.completed_at).date() if t.completed_at else None,
            t.investment_facilitated,
            t.survey_score,
            t.t0_overall,
            t.t0_band,
            t.t1_overall,
            t.t1_band,
        ]
        for moment in ("t0", "t1"):
            row += [getattr(t, f"{moment}_{code}") for code in kpi.DIMENSION_CODES]
        yield row


def _typed(value: Any) -> Any:
    return spreadsheet_cell(value)


def to_xlsx(k: kpi.Kpis, micro: Iterable[Any], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Indicators")[:31]
    sheet.append([_typed(title)])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append([_("Group"), _("Indicator"), _("Code"), _("Value")])
    for group, label, code, value in indicator_rows(k):
        sheet.append([_typed(group), _typed(label), _typed(code), _typed(value)])
        cell = sheet.cell(row=sheet.max_row, column=4)
        if code.endswith(("_rate", "_coverage")):
            cell.number_format = "0.0%"
        elif isinstance(value, Decimal):
            cell.number_format = "#,##0.00"
    for column, width in zip("ABCD", (28, 52, 30, 16), strict=True):
        sheet.column_dimensions[column].width = width
    data = book.create_sheet(_("Micro-data")[:31])
    data.append(micro_headers())
    for row in micro_rows(micro):
        data.append([_typed(v) for v in row])
    about = book.create_sheet(_("Definitions")[:31])
    for line in (kpi.__doc__ or "").strip().splitlines():
        about.append([_typed(line)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv(rows: Iterable[list[Any]], headers: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else _typed(v) for v in row])
    return out.getvalue()


def indicators_csv(k: kpi.Kpis) -> str:
    return to_csv(
        ([group, label, code, value] for group, label, code, value in indicator_rows(k)),
        ["group", "indicator", "code", "value"],
    )


def micro_csv(micro: Iterable[Any]) -> str:
    return to_csv(micro_rows(micro), micro_headers())
