"""The answer to the parliamentary question, as structured sections rendered to HTML/PDF, Word and Excel.

The text follows questions 1a–1e and 2 of the seed; the descriptive parts are generated from the
configured process (phases, routes) and funding rules (programmes, project types, rates).

Publishing rules, applied here once for every rendering:

* every sentence with a count goes through ``ngettext`` (one trajectory, two trajectories, and
  zero trajectories) and starts with a capital or a figure;
* a share is shown with one decimal and a duration in whole days
  (:data:`digihub.core.formatting.SHARE_DECIMALS`, :func:`~digihub.core.formatting.days`);
* no code reaches the reader: NACE sections, sources, project types and figures carry names;
* a period is only mentioned when one was chosen;
* what the text says about partner capacity and the forecast follows from the figures shown,
  and it says nothing where they do not support a statement.

Table cells keep their type (a count, an amount, a share, a duration, a date): the page, PDF
and Word show them formatted, the workbook stores them as numbers with a number format.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from digihub.companies.sme import SizeClass
from digihub.core.formatting import date as fmt_date
from digihub.core.formatting import days, eur, number, share, whole_days
from digihub.core.outbound import spreadsheet_cell, xml_text
from digihub.funding.models import Programme, ProjectKind
from digihub.intake.models import Route
from digihub.trajectories.models import Phase

from . import labels
from .figures import Figures
from .forecast import Forecast

SHEET_NAME_MAX = 31  # what Excel allows


class Kind(StrEnum):
    TEXT = "text"
    COUNT = "count"
    MONEY = "money"
    SHARE = "share"
    DAYS = "days"
    DATE = "date"
    VALUE = "value"  # a column of figures of different kinds, each converted already


NUMERIC = (Kind.COUNT, Kind.MONEY, Kind.SHARE, Kind.DAYS, Kind.VALUE)


def show(value: Any, kind: Kind) -> str:
    """One cell as the reader sees it."""
    if value is None or value == "":
        return "–"
    if kind == Kind.COUNT:
        return number(int(value))
    if kind == Kind.MONEY:
        return eur(value)
    if kind == Kind.SHARE:
        return share(value)
    if kind == Kind.DAYS:
        return number(whole_days(value))
    if kind == Kind.DATE:
        return fmt_date(value)
    return str(value)


@dataclass
class Table:
    caption: str
    sheet: str
    headers: list[str]
    kinds: list[Kind]
    rows: list[list[Any]]

    @property
    def display_rows(self) -> list[list[str]]:
        return [[show(v, k) for v, k in zip(row, self.kinds, strict=True)] for row in self.rows]

    @property
    def numeric(self) -> list[bool]:
        return [kind in NUMERIC for kind in self.kinds]

    @property
    def header_cells(self) -> list[tuple[str, bool]]:
        """Each header with whether its column holds figures (aligned right)."""
        return list(zip(self.headers, self.numeric, strict=True))

    @property
    def display_cells(self) -> list[list[tuple[str, bool]]]:
        return [list(zip(row, self.numeric, strict=True)) for row in self.display_rows]


@dataclass
class Section:
    title: str
    question: str = ""
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def _period(figures: Figures) -> tuple[str, str] | None:
    if not figures.start:
        return None
    return fmt_date(figures.start), fmt_date(min(figures.end or figures.on, figures.on))


def _n(singular: str, plural: str, count: int, **values: Any) -> str:
    """A sentence with a count, in the grammatical number the count asks for."""
    return ngettext(singular, plural, count) % {"n": number(count), **values}


def _noun(singular: str, plural: str, count: int) -> str:
    return ngettext(singular, plural, count) % {"n": number(count)}


def reach_paragraphs(figures: Figures) -> list[str]:
    r = figures.reach
    questions, companies = r.get("registered", 0), r.get("companies", 0)
    from_companies = _noun("%(n)s company", "%(n)s companies", companies)
    period = _period(figures)
    if period:
        registered = _n(
            "In the period %(start)s – %(end)s, the chambers formally registered %(n)s info and advice question from %(companies)s.",
            "In the period %(start)s – %(end)s, the chambers formally registered %(n)s info and advice questions from %(companies)s.",
            questions,
            start=period[0],
            end=period[1],
            companies=from_companies,
        )
    else:
        registered = _n(
            "Up to %(day)s, the chambers formally registered %(n)s info and advice question from %(companies)s.",
            "Up to %(day)s, the chambers formally registered %(n)s info and advice questions from %(companies)s.",
            questions,
            day=fmt_date(figures.on),
            companies=from_companies,
        )
    conversations = _n(
        "Advisors held %(n)s exploratory conversation and %(followups)s.",
        "Advisors held %(n)s exploratory conversations and %(followups)s.",
        r.get("conversations", 0),
        followups=_noun(
            "%(n)s follow-up contact", "%(n)s follow-up contacts", r.get("follow_ups", 0)
        ),
    )
    outside = _n(
        "%(n)s question came from a company outside the SME target group (EU definition); such a question counts as reach but only starts a trajectory with a coordinator's permission.",
        "%(n)s questions came from companies outside the SME target group (EU definition); such a question counts as reach but only starts a trajectory with a coordinator's permission.",
        r.get("outside_target_group", 0),
    )
    return [f"{registered} {conversations}", outside]


def started_paragraphs(figures: Figures) -> list[str]:
    p = figures.phases
    state = _(
        "On %(day)s the trajectories stand as follows: %(execution)s in execution (quote formally signed), %(quote)s in the quote phase and %(startup)s in start-up."
    ) % {
        "day": fmt_date(figures.on),
        "execution": number(p.get(Phase.EXECUTION, 0)),
        "quote": number(p.get(Phase.QUOTE, 0)),
        "startup": number(p.get(Phase.STARTUP, 0)),
    }
    period = _period(figures)
    if period:
        started = _n(
            "In the period %(start)s – %(end)s, %(n)s trajectory was started.",
            "In the period %(start)s – %(end)s, %(n)s trajectories were started.",
            figures.started,
            start=period[0],
            end=period[1],
        )
    else:
        started = _n(
            "Up to %(day)s, %(n)s trajectory was started.",
            "Up to %(day)s, %(n)s trajectories were started.",
            figures.started,
            day=fmt_date(figures.on),
        )
    return [f"{state} {started}"]


def _lead(figures: Figures, label: str) -> Any:
    return next((lead for lead in figures.lead_times if lead.label == label), None)


def completed_paragraphs(figures: Figures) -> list[str]:
    completed_total = figures.phases.get(Phase.COMPLETED, 0)
    sentences = [
        _n(
            "On %(day)s, %(n)s guidance trajectory has been completed in total.",
            "On %(day)s, %(n)s guidance trajectories have been completed in total.",
            completed_total,
            day=fmt_date(figures.on),
        )
    ]
    period = _period(figures)
    if period:
        sentences.append(
            _n(
                "In the period %(start)s – %(end)s, %(n)s trajectory was completed.",
                "In the period %(start)s – %(end)s, %(n)s trajectories were completed.",
                figures.completed,
                start=period[0],
                end=period[1],
            )
        )
        sentences.append(
            _n(
                "In that period, %(n)s trajectory was stopped.",
                "In that period, %(n)s trajectories were stopped.",
                figures.stopped,
            )
        )
    else:
        sentences.append(
            _n(
                "%(n)s trajectory was stopped.",
                "%(n)s trajectories were stopped.",
                figures.stopped,
            )
        )
    paragraphs = [" ".join(sentences)]
    lead_sentences = []
    signed = _lead(figures, "first_contact_to_signed")
    if signed and signed.count:
        lead_sentences.append(
            _n(
                "From first contact to a signed quote takes a median of %(median)s (90th percentile %(p90)s), measured over %(n)s trajectory.",
                "From first contact to a signed quote takes a median of %(median)s (90th percentile %(p90)s), measured over %(n)s trajectories.",
                signed.count,
                median=days(signed.median),
                p90=days(signed.p90),
            )
        )
    done = _lead(figures, "signed_to_completed")
    if done and done.count:
        lead_sentences.append(
            _n(
                "From signature to completion takes a median of %(median)s (90th percentile %(p90)s), measured over %(n)s trajectory.",
                "From signature to completion takes a median of %(median)s (90th percentile %(p90)s), measured over %(n)s trajectories.",
                done.count,
                median=days(done.median),
                p90=days(done.p90),
            )
        )
    if lead_sentences:
        paragraphs.append(" ".join(lead_sentences))
    return paragraphs


def guidance_paragraphs(figures: Figures) -> list[str]:
    r = figures.reach
    return [
        _(
            "An advisor of the chamber discusses the question with the SME in an exploratory conversation about the current and the desired situation, "
            "and stays the single point of contact throughout. With the SME the advisor chooses a knowledge partner; the funding agency can validate that choice. "
            "The partner drafts a quote for the technical analysis with its own methodology; once the SME signs it, the partner leads the execution with test days and sessions, "
            "and closes with an action plan or advice report."
        ),
        " ".join(
            [
                _n(
                    "%(n)s question led to a trajectory with a knowledge partner.",
                    "%(n)s questions led to a trajectory with a knowledge partner.",
                    figures.guided_by_partner,
                ),
                _n(
                    "For %(n)s question no trajectory started and the advisor took another route.",
                    "For %(n)s questions no trajectory started and the advisor took another route.",
                    figures.referred,
                ),
                _n(
                    "%(n)s question was answered with information only.",
                    "%(n)s questions were answered with information only.",
                    r.get("decision_info_only", 0),
                ),
            ]
        ),
    ]


def capacity_paragraph(figures: Figures) -> str | None:
    """What the partner table supports saying about capacity as a brake, or nothing."""
    partners = figures.partners
    if not partners:
        return None
    full = [row for row in partners if row["capacity"] and row["running"] >= row["capacity"]]
    if not full:
        return _n(
            "The only knowledge partner with trajectories runs below its stated capacity; partner capacity does not hold the reach back at present.",
            "None of the %(n)s knowledge partners with trajectories runs at its stated capacity; partner capacity does not hold the reach back at present.",
            len(partners),
        )
    return _n(
        "%(n)s of the %(all)s knowledge partners with trajectories runs at or above its stated capacity (%(names)s); new trajectories with that partner wait until running ones finish.",
        "%(n)s of the %(all)s knowledge partners with trajectories run at or above their stated capacity (%(names)s); new trajectories with these partners wait until running ones finish.",
        len(full),
        all=number(len(partners)),
        names=", ".join(row["short_name"] for row in full),
    )


def lead_time_brake(figures: Figures) -> str | None:
    signed = _lead(figures, "first_contact_to_signed")
    if not signed or not signed.count:
        return None
    return _(
        "The time between first contact and a signed quote (median %(median)s) slows the reach down: a question becomes a trajectory in execution only after it."
    ) % {"median": days(signed.median)}


def forecast_sentences(prediction: Forecast | None) -> list[str]:
    """What the forecast supports saying, or nothing: no statement without time left in the
    programme or without measured signing and completion rates, no completions beyond
    today's when none are expected, and no extra commitment when none is expected."""
    if prediction is None or not prediction.supported:
        return []
    sentences = []
    more = prediction.expected_completed - prediction.completed_now
    if more > 0:
        sentences.append(
            _n(
                "If today's signing rate (%(sign)s) and completion rate (%(done)s) and the median lead times hold, about %(n)s trajectory will be completed by %(end)s, %(more)s more than today.",
                "If today's signing rate (%(sign)s) and completion rate (%(done)s) and the median lead times hold, about %(n)s trajectories will be completed by %(end)s, %(more)s more than today.",
                prediction.expected_completed,
                sign=share(prediction.signing_rate),
                done=share(prediction.completion_rate),
                end=fmt_date(prediction.end),
                more=number(more),
            )
        )
    if prediction.expected_new_signings > 0 and prediction.expected_extra_commitment > 0:
        sentences.append(
            _n(
                "About %(n)s more quote would be signed before then, committing about %(amount)s more.",
                "About %(n)s more quotes would be signed before then, committing about %(amount)s more.",
                prediction.expected_new_signings,
                amount=eur(prediction.expected_extra_commitment),
            )
        )
    return sentences


def _rates_table() -> tuple[list[str], Table]:
    paragraphs: list[str] = []
    rows: list[list[Any]] = []
    for programme in Programme.objects.prefetch_related("project_types__rates__source").order_by(
        "-start"
    ):
        for project_type in programme.project_types.order_by("number"):
            rates = list(project_type.rates.all())
            for rate in rates:
                rows.append([programme.name, project_type.name, rate.source.name, rate.rate])
            if project_type.kind == ProjectKind.GUIDANCE:
                subsidy = sum((r.rate for r in rates if r.source.is_subsidy), Decimal(0))
                sme = sum((r.rate for r in rates if r.source.payer == "sme"), Decimal(0))
                paragraphs.append(
                    _(
                        "In %(programme)s the guidance itself (%(type)s) is subsidised at %(subsidy)s; the remaining %(sme)s of private co-financing comes directly from the SME."
                    )
                    % {
                        "programme": programme.name,
                        "type": project_type.name,
                        "subsidy": share(subsidy),
                        "sme": share(sme),
                    }
                )
    return paragraphs, Table(
        _("Rates per source and project type"),
        _("Rates"),
        [_("Programme"), _("Project type"), _("Source"), _("Rate")],
        [Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.SHARE],
        rows,
    )


def build_sections(
    figures: Figures, forecast: Forecast | None, scope_label: str = ""
) -> list[Section]:
    r = figures.reach
    p = figures.phases
    provinces = labels.province_names()
    themes = labels.theme_names()
    sections: list[Section] = []
    first = reach_paragraphs(figures)
    if scope_label:
        first.insert(0, scope_label)
    sections.append(
        Section(
            _("1. What is the state of play today?"),
            _(
                "a) How many companies of the target group have been reached (intake conversations, exchanges of information and so on)?"
            ),
            [
                *first,
                _(
                    "Within the hubs every trajectory falls into one of four categories: (a) %(a)s, (b) %(b)s, (c) %(c)s, (d) %(d)s."
                )
                % {
                    "a": Phase.STARTUP.label.lower(),
                    "b": Phase.QUOTE.label.lower(),
                    "c": Phase.EXECUTION.label.lower(),
                    "d": Phase.COMPLETED.label.lower(),
                },
            ],
            [
                Table(
                    _("Companies reached by province"),
                    _("By province"),
                    [_("Province"), _("Companies")],
                    [Kind.TEXT, Kind.COUNT],
                    [
                        [provinces.get(row["name"], row["name"]) or _("Province unknown"), row["n"]]
                        for row in figures.by_province
                    ],
                )
            ],
        )
    )
    sections.append(
        Section(
            "",
            _("b) How many guidance trajectories have been started?"),
            started_paragraphs(figures),
            [
                Table(
                    _("Trajectories per phase on the reference date"),
                    _("By phase"),
                    [_("Phase"), _("Trajectories")],
                    [Kind.TEXT, Kind.COUNT],
                    [[str(label), p.get(code, 0)] for code, label in Phase.choices],
                )
            ],
        )
    )
    sections.append(
        Section(
            "",
            _("c) How many trajectories have been finalised?"),
            completed_paragraphs(figures),
            [
                Table(
                    _("Lead times in days"),
                    _("Lead times"),
                    [
                        _("Stretch"),
                        _("Trajectories"),
                        _("Median (days)"),
                        _("90th percentile (days)"),
                    ],
                    [Kind.TEXT, Kind.COUNT, Kind.DAYS, Kind.DAYS],
                    [
                        [labels.lead_time(lead.label), lead.count, lead.median, lead.p90]
                        for lead in figures.lead_times
                    ],
                )
            ],
        )
    )
    sections.append(
        Section(
            "",
            _(
                "d) How does the guidance work in practice? Is it given by the knowledge partners or are SMEs referred to private providers?"
            ),
            guidance_paragraphs(figures),
            [
                Table(
                    _("Routes taken when no trajectory started"),
                    _("Routes without trajectory"),
                    [_("Route"), _("Questions")],
                    [Kind.TEXT, Kind.COUNT],
                    [[str(label), r.get(f"route_{code}", 0)] for code, label in Route.choices],
                )
            ],
        )
    )
    funding_paragraphs, rates = _rates_table()
    sources = labels.source_names()
    types = labels.project_type_names(row["type"] for row in figures.funding)
    sections.append(
        Section(
            "",
            _(
                "e) How are these trajectories financed? To what extent are companies asked to contribute, and how is that determined?"
            ),
            [
                *funding_paragraphs,
                _(
                    "The SME's share follows from the rates of the project type applied to the signed quote; it is asked with a payment request with a structured communication. "
                    "Requested up to %(day)s: %(requested)s, of which %(paid)s has been paid. Committed in total: %(committed)s (of which subsidy %(subsidy)s); spent: %(spent)s."
                )
                % {
                    "day": fmt_date(figures.on),
                    "requested": eur(figures.sme_requested),
                    "paid": eur(figures.sme_paid),
                    "committed": eur(figures.totals["committed"]),
                    "subsidy": eur(figures.totals["subsidy_committed"]),
                    "spent": eur(figures.totals["spent"]),
                },
            ],
            [
                rates,
                Table(
                    _("Committed and spent per project type and source"),
                    _("Committed and spent"),
                    [_("Project type"), _("Source"), _("Committed"), _("Spent")],
                    [Kind.TEXT, Kind.TEXT, Kind.MONEY, Kind.MONEY],
                    [
                        [
                            types.get(row["type"], row["type"]),
                            sources.get(row["source"], row["source_name"]),
                            row["committed"],
                            row["spent"],
                        ]
                        for row in figures.funding
                    ],
                ),
            ],
        )
    )
    sizes = dict(SizeClass.choices)
    period = _period(figures)
    if period:
        advice = _n(
            "In the period %(start)s – %(end)s, %(n)s concrete advice report or action plan was delivered.",
            "In the period %(start)s – %(end)s, %(n)s concrete advice reports and action plans were delivered.",
            figures.advice_count,
            start=period[0],
            end=period[1],
        )
    else:
        advice = _n(
            "Up to %(day)s, %(n)s concrete advice report or action plan was delivered.",
            "Up to %(day)s, %(n)s concrete advice reports and action plans were delivered.",
            figures.advice_count,
            day=fmt_date(figures.on),
        )
    answers = figures.satisfaction["answers"]
    satisfaction = (
        _n(
            "SMEs rated the completed trajectories %(score)s out of 5 on average (%(n)s answer).",
            "SMEs rated the completed trajectories %(score)s out of 5 on average (%(n)s answers).",
            answers,
            score=number(round(Decimal(str(figures.satisfaction["average"])), 1)),
        )
        if answers
        else _("No SME has rated a completed trajectory yet.")
    )
    brakes = [
        text for text in (lead_time_brake(figures), capacity_paragraph(figures)) if text is not None
    ]
    sections.append(
        Section(
            _(
                "2. How can the working of the digihubs be evaluated today in terms of reach of the target group and concrete advice delivered?"
            ),
            "",
            [f"{advice} {satisfaction}", *brakes, *forecast_sentences(forecast)],
            [
                Table(
                    _("Reach by SME size class"),
                    _("By size class"),
                    [_("Size class"), _("Companies")],
                    [Kind.TEXT, Kind.COUNT],
                    [
                        [str(sizes.get(row["size"], row["size"])), row["n"]]
                        for row in figures.by_size
                    ],
                ),
                Table(
                    _("Reach by sector (NACE section)"),
                    _("By sector"),
                    [_("Sector (NACE section)"), _("Companies")],
                    [Kind.TEXT, Kind.COUNT],
                    [[labels.nace_section(row["section"]), row["n"]] for row in figures.by_section],
                ),
                Table(
                    _("Advice delivered by theme"),
                    _("Advice by theme"),
                    [_("Theme"), _("Advice")],
                    [Kind.TEXT, Kind.COUNT],
                    [
                        [themes.get(row["theme"], row["theme"]), row["n"]]
                        for row in figures.advice_themes
                    ],
                ),
                Table(
                    _("Latest advice delivered"),
                    _("Latest advice"),
                    [_("Date"), _("Trajectory"), _("Company"), _("Partner")],
                    [Kind.DATE, Kind.TEXT, Kind.TEXT, Kind.TEXT],
                    [
                        [row["delivered_on"], row["ref"], row["company"], row["partner"]]
                        for row in figures.advice_list
                    ],
                ),
                Table(
                    _("Knowledge partners with trajectories: capacity and load"),
                    _("Partner capacity"),
                    [
                        _("Partner"),
                        _("Capacity"),
                        _("Running"),
                        _("Waiting to start"),
                        _("Completed"),
                        _("Load"),
                    ],
                    [Kind.TEXT, Kind.COUNT, Kind.COUNT, Kind.COUNT, Kind.COUNT, Kind.SHARE],
                    [
                        [
                            row["short_name"],
                            row["capacity"],
                            row["running"],
                            row["backlog"],
                            row["done"],
                            row["load"] if row["capacity"] else None,
                        ]
                        for row in figures.partners
                    ],
                ),
            ],
        )
    )
    return [_xml_safe(section) for section in sections]


def _xml_safe(section: Section) -> Section:
    """The answer goes into XML documents (the PDF through HTML, Word): names and other text
    typed by users lose the characters XML forbids, in every rendering at once."""
    return Section(
        xml_text(section.title),
        xml_text(section.question),
        [xml_text(paragraph) for paragraph in section.paragraphs],
        [
            Table(
                xml_text(table.caption),
                xml_text(table.sheet),
                [xml_text(header) for header in table.headers],
                table.kinds,
                [[xml_text(v) if isinstance(v, str) else v for v in row] for row in table.rows],
            )
            for table in section.tables
        ],
    )


# --- Word ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """A chart as it goes into a document: its caption and its SVG."""

    caption: str
    svg: bytes


def chart_png(svg: bytes, width_px: int = 1600) -> bytes:
    """The chart drawn as PNG, for Word (which shows SVG only with a PNG beside it)."""
    import cairosvg

    return cairosvg.svg2png(bytestring=svg, output_width=width_px)  # type: ignore[no-any-return]


# Word's spelling and hyphenation follow the variant of each language the document is written in.
DOCX_LANGUAGE_TAGS = {"nl": "nl-BE", "en": "en-GB", "fr": "fr-BE"}


def _set_language(document: Any, language: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tag = DOCX_LANGUAGE_TAGS.get(language[:2], DOCX_LANGUAGE_TAGS["nl"])
    document.core_properties.language = tag
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        return
    run_props = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if run_props is None:
        return
    lang = run_props.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_props.append(lang)
    lang.set(qn("w:val"), tag)


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def to_docx(
    title: str,
    sections: list[Section],
    charts: list[Chart] | tuple[Chart, ...] = (),
    *,
    intro: str = "",
    language: str = "nl",
    cofunded: str = "",
    chart_width_cm: float = 16,
) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    document = Document()
    _set_language(document, language)
    document.core_properties.title = xml_text(title)
    if cofunded:
        emblem = document.add_paragraph()
        emblem.add_run().add_picture(io.BytesIO(emblem_png()), height=Cm(1.2))
        emblem.add_run("  " + xml_text(cofunded)).bold = True
    document.add_heading(xml_text(title), level=0)
    if intro:
        document.add_paragraph(xml_text(intro))
    for section in map(_xml_safe, sections):
        if section.title:
            document.add_heading(section.title, level=1)
        if section.question:
            document.add_heading(section.question, level=2)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
        for table in section.tables:
            if not table.rows:
                continue
            document.add_paragraph(table.caption, style="Caption")
            grid = document.add_table(rows=1, cols=len(table.headers))
            grid.style = "Light Grid Accent 1"
            grid.alignment = WD_TABLE_ALIGNMENT.LEFT
            _repeat_header(grid.rows[0])
            for cell, header, numeric in zip(
                grid.rows[0].cells, table.headers, table.numeric, strict=True
            ):
                cell.text = header
                if numeric:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for row in table.display_rows:
                cells = grid.add_row().cells
                for cell, value, numeric in zip(cells, row, table.numeric, strict=True):
                    cell.text = value
                    if numeric:
                        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if charts:
        document.add_heading(_("Charts"), level=1)
        for chart in charts:
            document.add_picture(io.BytesIO(chart_png(chart.svg)), width=Cm(chart_width_cm))
            document.add_paragraph(xml_text(chart.caption), style="Caption")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def emblem_png() -> bytes:
    from django.conf import settings

    svg = (settings.BASE_DIR / "static" / "img" / "eu-emblem.svg").read_bytes()
    return chart_png(svg, width_px=450)


# --- Excel --------------------------------------------------------------------------------

MONEY_FORMAT = "[$€-813] #,##0.00;-[$€-813] #,##0.00"
SHARE_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
DAYS_FORMAT = "0"
DATE_FORMAT = "dd/mm/yyyy"


def _append(sheet: Any, values: list[Any]) -> None:
    """Every cell of the workbook is written here, through the one rule for spreadsheet cells:
    a name such as ``=HYPERLINK(…)`` is shown as text, never evaluated."""
    sheet.append([spreadsheet_cell(value) if isinstance(value, str) else value for value in values])


def _cell_value(value: Any, kind: Kind) -> Any:
    """The value a spreadsheet calculates with: a number, a date, or text."""
    if value is None or value == "":
        return None
    if kind == Kind.COUNT:
        return int(value)
    if kind == Kind.MONEY:
        return Decimal(value)
    if kind == Kind.SHARE:
        return float(Decimal(str(value)))  # the exact fraction; the format shows one decimal
    if kind == Kind.DAYS:
        return whole_days(value)
    if kind == Kind.DATE:
        return value if isinstance(value, dt.date) else str(value)
    if kind == Kind.VALUE:
        return value
    return str(value)


FORMATS = {
    Kind.COUNT: COUNT_FORMAT,
    Kind.MONEY: MONEY_FORMAT,
    Kind.SHARE: SHARE_FORMAT,
    Kind.DAYS: DAYS_FORMAT,
    Kind.DATE: DATE_FORMAT,
}


def sheet_name(name: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts, unique in the book; names are written to fit, so this
    only shortens a translation that came out too long, at a word boundary."""
    for bad in "[]:*?/\\":
        name = name.replace(bad, "-")
    if len(name) > SHEET_NAME_MAX:
        name = name[:SHEET_NAME_MAX].rsplit(" ", 1)[0]
    candidate, n = name, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate = name[: SHEET_NAME_MAX - len(suffix)] + suffix
        n += 1
    taken.add(candidate.lower())
    return candidate


def _write_table(
    sheet: Any, caption: str, headers: list[str], kinds: list[Kind], rows: list[list[Any]]
) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    _append(sheet, [caption])
    sheet["A1"].font = Font(bold=True, size=12)
    _append(sheet, headers)
    for index, cell in enumerate(sheet[2]):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(
            horizontal="right" if kinds[index] in NUMERIC else "left", wrap_text=True
        )
    for row in rows:
        _append(sheet, [_cell_value(v, k) for v, k in zip(row, kinds, strict=True)])
    for column, kind in enumerate(kinds, start=1):
        fmt = FORMATS.get(kind)
        if fmt:
            for (cell,) in sheet.iter_rows(min_row=3, min_col=column, max_col=column):
                cell.number_format = fmt
        shown = [headers[column - 1]] + [show(row[column - 1], kind) for row in rows]
        width = max(len(text) for text in shown) + 2
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width, 10), 70)
    sheet.freeze_panes = "A3"
    sheet.sheet_view.zoomScale = 100


def figure_rows(figures: Figures) -> list[tuple[str, Any, Kind]]:
    """Every figure of the answer with its description, value and kind."""
    rows: list[tuple[str, Any, Kind]] = [
        (labels.reach_figure(key), value, Kind.COUNT) for key, value in figures.reach.items()
    ]
    for code, label in Phase.choices:
        rows.append(
            (
                _("Trajectories in phase on the reference date: %(phase)s") % {"phase": label},
                figures.phases.get(code, 0),
                Kind.COUNT,
            )
        )
    rows += [
        (_("Trajectories started"), figures.started, Kind.COUNT),
        (_("Trajectories completed"), figures.completed, Kind.COUNT),
        (_("Trajectories stopped"), figures.stopped, Kind.COUNT),
        (_("Advice reports and action plans delivered"), figures.advice_count, Kind.COUNT),
        (_("SME share requested"), figures.sme_requested, Kind.MONEY),
        (_("SME share paid"), figures.sme_paid, Kind.MONEY),
        (_("Committed in total"), figures.totals.get("committed"), Kind.MONEY),
        (_("Subsidy committed"), figures.totals.get("subsidy_committed"), Kind.MONEY),
        (_("Spent in total"), figures.totals.get("spent"), Kind.MONEY),
    ]
    for lead in figures.lead_times:
        name = labels.lead_time(lead.label)
        rows.append((_("%(stretch)s: median (days)") % {"stretch": name}, lead.median, Kind.DAYS))
        rows.append(
            (_("%(stretch)s: 90th percentile (days)") % {"stretch": name}, lead.p90, Kind.DAYS)
        )
    return rows


def to_xlsx(figures: Figures, sections: list[Section]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    taken: set[str] = set()
    sheet = book.active
    sheet.title = sheet_name(_("Figures"), taken)
    period = _period(figures)
    caption = (
        _("Figures on %(day)s, period %(start)s – %(end)s")
        % {"day": fmt_date(figures.on), "start": period[0], "end": period[1]}
        if period
        else _("Figures on %(day)s") % {"day": fmt_date(figures.on)}
    )
    rows = figure_rows(figures)
    _write_table(
        sheet,
        caption,
        [_("Figure"), _("Value")],
        [Kind.TEXT, Kind.VALUE],
        [[label, _cell_value(value, kind)] for label, value, kind in rows],
    )
    # The value column holds counts, amounts and days: each cell its own format.
    for (cell,), (_label, _value, kind) in zip(
        sheet.iter_rows(min_row=3, min_col=2, max_col=2), rows, strict=True
    ):
        cell.number_format = FORMATS[kind]
    sheet.column_dimensions["B"].width = 18
    for section in sections:
        for table in section.tables:
            if not table.rows:
                continue
            ws = book.create_sheet(sheet_name(table.sheet, taken))
            _write_table(ws, table.caption, table.headers, table.kinds, table.rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def comparison_xlsx(first: Figures, second: Figures, rows: list[Any]) -> bytes:
    """The figures at two reference dates and their difference, as one sheet."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name(_("Comparison"), set())
    first_day, second_day = fmt_date(first.on), fmt_date(second.on)
    _write_table(
        sheet,
        _("Figures on %(first)s and %(second)s") % {"first": first_day, "second": second_day},
        [_("Figure"), first_day, second_day, _("Difference")],
        [Kind.TEXT, Kind.VALUE, Kind.VALUE, Kind.VALUE],
        [
            [
                row.label,
                _cell_value(row.first, row.kind),
                _cell_value(row.second, row.kind),
                _cell_value(row.difference, row.kind),
            ]
            for row in rows
        ],
    )
    for cells, row in zip(sheet.iter_rows(min_row=3, min_col=2, max_col=4), rows, strict=True):
        for cell in cells:
            cell.number_format = FORMATS[row.kind]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
