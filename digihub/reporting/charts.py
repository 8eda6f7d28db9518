"""Charts as SVG rendered on the server (pygal): no script, no CDN; the same file goes into the PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pygal
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from pygal.style import Style

from digihub.core.outbound import xml_text
from digihub.trajectories.models import Phase, Trajectory
from digihub.trajectories.selectors import phase_counts_on

from .figures import Figures

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1b2430",
    foreground_strong="#1b2430",
    foreground_subtle="#4a5563",
    colors=("#0b5c8a", "#8a5a00", "#1d6b35", "#a3151b", "#5b3f8a", "#4a5563"),
    font_family="sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
    title_font_size=14,
)


def _config(chart: Any) -> Any:
    chart.config.js = []  # pygal links its tooltip script from a CDN by default
    chart.config.disable_xml_declaration = False
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
            width=720,
            height=320,
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
    chart.add(_("count"), [n for _l, n in reversed(steps)])
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
            width=720,
            height=340,
            title=_("Trajectories per phase at each month end"),
            x_label_rotation=30,
            legend_at_bottom=True,
        )
    )
    chart.x_labels = [day.strftime("%m/%Y") for day in days]
    for code, label in Phase.choices:
        if code != Phase.STOPPED:
            chart.add(str(label), [c.get(code, 0) for c in counts])
    return _render(chart)


def budget_burn(rows: list[dict[str, Any]]) -> bytes:
    chart = _config(
        pygal.Bar(
            style=STYLE,
            width=720,
            height=340,
            title=_("Budget per source: committed and spent"),
            legend_at_bottom=True,
            x_label_rotation=20,
        )
    )
    chart.x_labels = [f"{r['source_name']} ({_('type')} {r['type']})" for r in rows]
    chart.add(_("Budget"), [float(r["budget"]) for r in rows])
    chart.add(_("Committed"), [float(r["committed"]) for r in rows])
    chart.add(_("Spent"), [float(r["spent"]) for r in rows])
    return _render(chart)


def lead_times(figures: Figures) -> bytes:
    chart = _config(
        pygal.Bar(
            style=STYLE,
            width=720,
            height=300,
            title=_("Lead times in days (median and 90th percentile)"),
            legend_at_bottom=True,
        )
    )
    labels = {
        "first_contact_to_signed": _("first contact → signed quote"),
        "signed_to_completed": _("signed → completed"),
        "first_contact_to_completed": _("first contact → completed"),
    }
    chart.x_labels = [labels[lead.label] for lead in figures.lead_times]
    chart.add(_("median"), [round(lead.median or 0, 1) for lead in figures.lead_times])
    chart.add(_("90th percentile"), [round(lead.p90 or 0, 1) for lead in figures.lead_times])
    return _render(chart)


def partner_load(figures: Figures) -> bytes:
    rows = figures.partners[:15]
    chart = _config(
        pygal.HorizontalBar(
            style=STYLE,
            width=720,
            height=max(220, 30 * len(rows) + 100),
            title=_("Knowledge partners: running trajectories against capacity"),
            legend_at_bottom=True,
        )
    )
    chart.x_labels = [r["short_name"] for r in reversed(rows)]
    chart.add(_("capacity"), [r["capacity"] for r in reversed(rows)])
    chart.add(_("running"), [r["running"] for r in reversed(rows)])
    chart.add(_("waiting to start"), [r["backlog"] for r in reversed(rows)])
    return _render(chart)
