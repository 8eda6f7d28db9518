"""Charts as SVG rendered on the server (pygal): no script, no CDN; the same file goes into the
page, the PDF and (drawn as PNG) the Word document.

Readable when printed: a chart is drawn ``WIDTH`` units wide and printed ``PRINT_WIDTH_CM``
wide, so its smallest text (``MIN_FONT_UNITS``) prints at 9 pt or more; labels are never
truncated (the margins grow to fit them) and axis values are written in the reader's locale."""

from __future__ import annotations

import datetime as dt
from copy import copy
from decimal import Decimal
from typing import Any

import pygal
from babel import Locale
from babel.dates import format_date
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from pygal.style import Style

from digihub.core.formatting import babel_locale, number, whole_days
from digihub.core.outbound import xml_text
from digihub.trajectories.models import Phase, Trajectory
from digihub.trajectories.selectors import phase_counts_on

from . import labels
from .figures import Figures

WIDTH = 640
PRINT_WIDTH_CM = 16
PT_PER_CM = 72 / 2.54
MIN_PRINT_PT = 9
MIN_FONT_UNITS = 14  # 14 × (16 cm in pt ÷ 640) ≈ 9.9 pt


def printed_pt(font_units: float, width_units: float = WIDTH) -> float:
    """The size in points a chart's text prints at, for a chart printed PRINT_WIDTH_CM wide."""
    return font_units * PRINT_WIDTH_CM * PT_PER_CM / width_units


def count_label(value: float | None) -> str:
    return "" if value is None else number(round(value))


def money_label(value: float | None) -> str:
    """Whole euros in the reader's locale: "€ 2.600.000" / "€2,600,000"."""
    if value is None:
        return ""
    locale = babel_locale()
    pattern = copy(Locale.parse(locale).currency_formats["standard"])
    pattern.frac_prec = (0, 0)
    return str(pattern.apply(Decimal(str(value)), locale, currency="EUR", currency_digits=False))


def days_label(value: float | None) -> str:
    return "" if value is None else number(whole_days(value))


STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1b2430",
    foreground_strong="#1b2430",
    foreground_subtle="#4a5563",
    colors=("#0b5c8a", "#8a5a00", "#1d6b35", "#a3151b", "#5b3f8a", "#4a5563"),
    font_family="sans-serif",
    label_font_size=MIN_FONT_UNITS,
    major_label_font_size=MIN_FONT_UNITS,
    legend_font_size=MIN_FONT_UNITS,
    value_font_size=MIN_FONT_UNITS,
    value_label_font_size=MIN_FONT_UNITS,
    tooltip_font_size=MIN_FONT_UNITS,
    title_font_size=17,
    no_data_font_size=20,
)


def _config(chart: Any, formatter: Any = count_label) -> Any:
    chart.config.js = []  # pygal links its tooltip script from a CDN by default
    chart.config.disable_xml_declaration = False
    chart.config.truncate_label = -1  # never cut a label: the margins grow to fit it
    chart.config.truncate_legend = -1
    chart.config.value_formatter = formatter
    chart.config.no_data_text = _("No data")
    return chart


def _render(chart: Any) -> bytes:
    # An SVG is XML: a label with a character XML forbids (a control character in a partner's
    # name) makes pygal raise, for every reader of the report and its PDF.
    if chart.config.title:
        chart.config.title = xml_text(chart.config.title)
    chart.x_labels = [xml_text(label) for label in chart.x_labels or []]
    for _values, options in chart.raw_series:
        if options.get("title"):
            options["title"] = xml_text(options["title"])
    return chart.render()  # type: ignore[no-any-return]


def funnel(figures: Figures) -> bytes:
    chart = _config(
        pygal.HorizontalBar(
            style=STYLE,
            width=WIDTH,
            height=340,
            show_legend=False,
            title=_("From question to completion"),
        )
    )
    steps = [
        (_("Questions"), figures.reach.get("registered", 0)),
        (_("Conversations"), figures.reach.get("conversations", 0)),
        (_("Trajectories started"), figures.started),
        (
            _("Quotes signed"),
            figures.phases.get(Phase.EXECUTION, 0) + figures.phases.get(Phase.COMPLETED, 0),
        ),
        (_("Completed"), figures.phases.get(Phase.COMPLETED, 0)),
    ]
    chart.x_labels = [label for label, _n in reversed(steps)]
    chart.add(_("Number"), [n for _l, n in reversed(steps)])
    return _render(chart)


def month_ends(on: dt.date, months: int = 12) -> list[dt.date]:
    ends = []
    year, month = on.year, on.month
    for _step in range(months):
        first_next = dt.date(year + (month // 12), month % 12 + 1, 1)
        ends.append(min(first_next - dt.timedelta(days=1), on))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(ends))


def phases_over_time(trajectories: QuerySet[Trajectory], on: dt.date) -> bytes:
    days = month_ends(on)
    counts = [phase_counts_on(day, trajectories=trajectories) for day in days]
    chart = _config(
        pygal.StackedBar(
            style=STYLE,
            width=WIDTH,
            height=420,
            title=_("Trajectories per phase at each month end"),
            x_label_rotation=45,
            legend_at_bottom=True,
            legend_at_bottom_columns=2,
        )
    )
    chart.x_labels = [format_date(day, "MMM yyyy", locale=babel_locale()) for day in days]
    for code, label in Phase.choices:
        if code != Phase.STOPPED:
            chart.add(str(label), [c.get(code, 0) for c in counts])
    return _render(chart)


def budget_burn(rows: list[dict[str, Any]]) -> bytes:
    """Per source, added up over the project types (the budget table has the detail)."""
    per_source: dict[str, dict[str, Decimal]] = {}
    for row in rows:
        totals = per_source.setdefault(
            row["source_name"], {"budget": Decimal(0), "committed": Decimal(0), "spent": Decimal(0)}
        )
        for key in totals:
            totals[key] += Decimal(row[key])
    chart = _config(
        pygal.HorizontalBar(
            style=STYLE,
            width=WIDTH,
            height=max(300, 75 * len(per_source) + 160),
            title=_("Budget per source: committed and spent"),
            legend_at_bottom=True,
            legend_at_bottom_columns=2,
            x_labels_major_count=4,
            show_minor_x_labels=False,
        ),
        money_label,
    )
    names = list(reversed(per_source))
    chart.x_labels = names
    chart.add(_("Budget"), [float(per_source[n]["budget"]) for n in names])
    chart.add(_("Committed"), [float(per_source[n]["committed"]) for n in names])
    chart.add(_("Spent"), [float(per_source[n]["spent"]) for n in names])
    return _render(chart)


def lead_times(figures: Figures) -> bytes:
    chart = _config(
        pygal.HorizontalBar(
            style=STYLE,
            width=WIDTH,
            height=340,
            title=_("Lead times in days (median and 90th percentile)"),
            legend_at_bottom=True,
            legend_at_bottom_columns=2,
        ),
        days_label,
    )
    leads = list(reversed(figures.lead_times))
    chart.x_labels = [labels.lead_time(lead.label) for lead in leads]
    chart.add(_("Median"), [whole_days(lead.median) for lead in leads])
    chart.add(_("90th percentile"), [whole_days(lead.p90) for lead in leads])
    return _render(chart)


def partner_load(figures: Figures) -> bytes:
    rows = figures.partners[:15]
    chart = _config(
        pygal.HorizontalBar(
            style=STYLE,
            width=WIDTH,
            height=max(260, 45 * len(rows) + 140),
            title=_("Knowledge partners: running trajectories against capacity"),
            legend_at_bottom=True,
            legend_at_bottom_columns=2,
        )
    )
    chart.x_labels = [r["short_name"] for r in reversed(rows)]
    chart.add(_("Capacity"), [r["capacity"] for r in reversed(rows)])
    chart.add(_("Running"), [r["running"] for r in reversed(rows)])
    chart.add(_("Waiting to start"), [r["backlog"] for r in reversed(rows)])
    return _render(chart)
