"""Maturity charts as server-rendered SVG (pygal, the report's style): no script, no CDN."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

from digihub.core.outbound import xml_text

from .models import Assessment, Band

# The report's palette (digihub.reporting.charts), so the charts read as one family.
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1b2430",
    foreground_strong="#1b2430",
    foreground_subtle="#4a5563",
    colors=("#0b5c8a", "#8a5a00", "#1d6b35", "#a3151b"),
    font_family="sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
    title_font_size=14,
)


def _config(chart: Any) -> Any:
    chart.config.js = []  # pygal links its tooltip script from a CDN by default
    return chart


def _render(chart: Any) -> bytes:
    # An SVG is XML: labels lose the characters XML forbids.
    if chart.config.title:
        chart.config.title = xml_text(chart.config.title)
    chart.x_labels = [xml_text(label) for label in chart.x_labels or []]
    for _values, options in chart.raw_series:
        if options.get("title"):
            options["title"] = xml_text(options["title"])
    return chart.render()  # type: ignore[no-any-return]


def _scores(a: Assessment) -> list[tuple[str, float]]:
    return [(_(s.dimension.name), float(s.score)) for s in a.scores.select_related("dimension")]  # type: ignore[attr-defined]


def radar(t0: Assessment | None, t1: Assessment | None) -> bytes:
    chart = _config(
        pygal.Radar(
            style=STYLE,
            width=560,
            height=440,
            range=(0, 100),
            fill=False,
            legend_at_bottom=True,
            title=_("Digital maturity per dimension (0–100)"),
        )
    )
    first = _scores(t0) if t0 else []
    second = _scores(t1) if t1 else []
    chart.x_labels = [label for label, _v in (first or second)]
    if first:
        chart.add(_("T0 (before support)"), [v for _l, v in first])
    if second:
        chart.add(_("T1 (after support)"), [v for _l, v in second])
    return _render(chart)


def bands(distribution: dict[str, dict[str, int]]) -> bytes:
    chart = _config(
        pygal.Bar(
            style=STYLE,
            width=720,
            height=320,
            legend_at_bottom=True,
            title=_("Customers per maturity level"),
        )
    )
    chart.x_labels = [str(label) for _code, label in Band.choices]
    for moment, label in (("t0", _("T0 (before support)")), ("t1", _("T1 (after support)"))):
        counts = distribution.get(moment, {})
        chart.add(label, [counts.get(code, 0) for code, _label in Band.choices])
    return _render(chart)


def change(rows: Sequence[dict[str, Any]], labels: dict[str, str]) -> bytes:
    chart = _config(
        pygal.HorizontalBar(
            style=STYLE,
            width=720,
            height=340,
            show_legend=False,
            title=_("Mean change T1 − T0 per dimension (points)"),
        )
    )
    chart.x_labels = [labels.get(r["code"], r["code"]) for r in rows]
    chart.add(_("change"), [float(r["change"] or Decimal(0)) for r in rows])
    return _render(chart)
