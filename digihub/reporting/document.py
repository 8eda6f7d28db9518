"""The answer to the parliamentary question, as structured sections rendered to HTML/PDF, Word and Excel.

The text follows questions 1a–1e and 2 of the seed; the descriptive parts are generated from the
configured process (phases, routes) and funding rules (programmes, project types, rates)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from digihub.companies.sme import SizeClass
from digihub.core.formatting import date as fmt_date
from digihub.core.formatting import eur, number, percent
from digihub.core.outbound import spreadsheet_cell, xml_text
from digihub.funding.models import Programme, ProjectKind
from digihub.intake.models import Route
from digihub.trajectories.models import Phase

from .figures import Figures
from .forecast import Forecast


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    title: str
    question: str = ""
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def _days(value: float | None) -> str:
    return _("%(n)s days") % {"n": number(round(value))} if value is not None else "–"


def _scope(figures: Figures, scope_label: str) -> str:
    if figures.start:
        return _("in the period %(start)s – %(end)s") % {
            "start": fmt_date(figures.start),
            "end": fmt_date(min(figures.end or figures.on, figures.on)),
        }
    return _("up to %(day)s") % {"day": fmt_date(figures.on)}


def build_sections(
    figures: Figures, forecast: Forecast | None, scope_label: str = ""
) -> list[Section]:
    r = figures.reach
    p = figures.phases
    when = _scope(figures, scope_label)
    sections: list[Section] = []

    sections.append(
        Section(
            _("1. What is the state of play today?"),
            _(
                "a) How many companies of the target group have been reached (intake conversations, exchanges of information and so on)?"
            ),
            [
                _(
                    "%(scope)s the chambers formally registered %(questions)s info and advice questions from %(companies)s companies %(when)s. "
                    "Advisors held %(conversations)s exploratory conversations and %(followups)s follow-up contacts."
                )
                % {
                    "scope": scope_label or _("Across the network"),
                    "questions": number(r.get("registered", 0)),
                    "companies": number(r.get("companies", 0)),
                    "when": when,
                    "conversations": number(r.get("conversations", 0)),
                    "followups": number(r.get("follow_ups", 0)),
                },
                _(
                    "%(n)s questions came from companies outside the SME target group (EU definition); they count as reach but only start a trajectory with a coordinator's permission."
                )
                % {"n": number(r.get("outside_target_group", 0))},
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
                    [_("Province"), _("Companies")],
                    [[row["name"] or "–", number(row["n"])] for row in figures.by_province],
                )
            ],
        )
    )
    sections.append(
        Section(
            "",
            _("b) How many guidance trajectories have been started?"),
            [
                _(
                    "On %(day)s, %(execution)s trajectories are in execution (quote formally signed) and %(quote)s are in the quote phase; %(startup)s are starting up. "
                    "%(started)s trajectories started %(when)s."
                )
                % {
                    "day": fmt_date(figures.on),
                    "execution": number(p.get(Phase.EXECUTION, 0)),
                    "quote": number(p.get(Phase.QUOTE, 0)),
                    "startup": number(p.get(Phase.STARTUP, 0)),
                    "started": number(figures.started),
                    "when": when,
                },
            ],
            [
                Table(
                    _("Trajectories per phase on the reference date"),
                    [_("Phase"), _("Trajectories")],
                    [[str(label), number(p.get(code, 0))] for code, label in Phase.choices],
                )
            ],
        )
    )
    lead = {lt.label: lt for lt in figures.lead_times}
    sections.append(
        Section(
            "",
            _("c) How many trajectories have been finalised?"),
            [
                _(
                    "%(completed)s guidance trajectories have been completed in total on %(day)s; %(period)s were completed %(when)s, and %(stopped)s were stopped."
                )
                % {
                    "completed": number(p.get(Phase.COMPLETED, 0)),
                    "day": fmt_date(figures.on),
                    "period": number(figures.completed),
                    "when": when,
                    "stopped": number(figures.stopped),
                },
                _(
                    "From first contact to a signed quote takes a median of %(sign)s (90th percentile %(sign90)s); from signature to completion %(done)s (90th percentile %(done90)s)."
                )
                % {
                    "sign": _days(lead["first_contact_to_signed"].median),
                    "sign90": _days(lead["first_contact_to_signed"].p90),
                    "done": _days(lead["signed_to_completed"].median),
                    "done90": _days(lead["signed_to_completed"].p90),
                },
            ],
        )
    )
    routes = [[str(label), number(r.get(f"route_{code}", 0))] for code, label in Route.choices]
    sections.append(
        Section(
            "",
            _(
                "d) How does the guidance work in practice? Is it given by the knowledge partners or are SMEs referred to private providers?"
            ),
            [
                _(
                    "An advisor of the chamber discusses the question with the SME in an exploratory conversation about the current and the desired situation, "
                    "and stays the single point of contact throughout. With the SME the advisor chooses a knowledge partner; the funding agency can validate that choice. "
                    "The partner drafts a quote for the technical analysis with its own methodology; once the SME signs it, the partner leads the execution with test days and sessions, "
                    "and closes with an action plan or advice report."
                ),
                _(
                    "%(partner)s questions led to a trajectory with a knowledge partner. For %(referred)s questions no trajectory started and the advisor took another route; %(info)s were information only."
                )
                % {
                    "partner": number(figures.guided_by_partner),
                    "referred": number(figures.referred),
                    "info": number(r.get("decision_info_only", 0)),
                },
            ],
            [
                Table(
                    _("Routes taken when no trajectory started"),
                    [_("Route"), _("Questions")],
                    routes,
                )
            ],
        )
    )
    funding_paragraphs = []
    rate_rows: list[list[str]] = []
    for programme in Programme.objects.prefetch_related("project_types__rates__source").order_by(
        "-start"
    ):
        for project_type in programme.project_types.all():
            rates = list(project_type.rates.all())
            subsidy = sum((rate.rate for rate in rates if rate.source.is_subsidy), Decimal(0))
            rate_rows.append(
                [
                    programme.name,
                    f"{project_type.number} · {project_type.name}",
                    ", ".join(f"{rate.source.name} {percent(rate.rate)}" for rate in rates),
                    percent(subsidy),
                ]
            )
            if project_type.kind == ProjectKind.GUIDANCE:
                sme = sum((rate.rate for rate in rates if rate.source.payer == "sme"), Decimal(0))
                funding_paragraphs.append(
                    _(
                        "In %(programme)s the guidance itself (project type %(n)s) is subsidised at %(subsidy)s; the remaining %(sme)s of private co-financing comes directly from the SME."
                    )
                    % {
                        "programme": programme.name,
                        "n": project_type.number,
                        "subsidy": percent(subsidy),
                        "sme": percent(sme),
                    }
                )
    committed = [
        [f"{row['type']}", row["source_name"], eur(row["committed"]), eur(row["spent"])]
        for row in figures.funding
    ]
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
                    "Requested so far: %(requested)s, of which %(paid)s has been paid. Committed in total: %(committed)s (of which subsidy %(subsidy)s); spent: %(spent)s."
                )
                % {
                    "requested": eur(figures.sme_requested),
                    "paid": eur(figures.sme_paid),
                    "committed": eur(figures.totals["committed"]),
                    "subsidy": eur(figures.totals["subsidy_committed"]),
                    "spent": eur(figures.totals["spent"]),
                },
            ],
            [
                Table(
                    _("Rates per source and project type"),
                    [_("Programme"), _("Project type"), _("Rates"), _("Subsidy")],
                    rate_rows,
                ),
                Table(
                    _("Committed and spent per source"),
                    [_("Type"), _("Source"), _("Committed"), _("Spent")],
                    committed,
                ),
            ],
        )
    )
    sizes = dict(SizeClass.choices)
    full = [row for row in figures.partners if row["running"] >= row["capacity"]]
    brakes = [
        _(
            "Two factors slow the reach down: the lead time between first contact and the signed quote (median %(sign)s), and the limited capacity of knowledge partners: %(full)s of %(all)s partners run at or above their stated capacity."
        )
        % {
            "sign": _days(lead["first_contact_to_signed"].median),
            "full": number(len(full)),
            "all": number(len(figures.partners)),
        },
    ]
    if forecast:
        brakes.append(
            _(
                "If today's conversion rates (signing %(sign)s, completion %(done)s) and lead times hold, about %(expected)s trajectories will be completed by %(end)s, and about %(extra)s more will be committed."
            )
            % {
                "sign": percent(forecast.signing_rate),
                "done": percent(forecast.completion_rate),
                "expected": number(forecast.expected_completed),
                "end": fmt_date(forecast.end),
                "extra": eur(forecast.expected_extra_commitment),
            }
        )
    sections.append(
        Section(
            _(
                "2. How can the working of the digihubs be evaluated today in terms of reach of the target group and concrete advice delivered?"
            ),
            "",
            [
                _("%(advice)s concrete advice reports and action plans were delivered %(when)s.")
                % {"advice": number(figures.advice_count), "when": when},
                (
                    _(
                        "SMEs rated the completed trajectories %(score)s out of 5 on average (%(n)s answers)."
                    )
                    % {
                        "score": number(round(figures.satisfaction["average"], 1)),
                        "n": number(figures.satisfaction["answers"]),
                    }
                )
                if figures.satisfaction["answers"]
                else _("No satisfaction scores yet."),
                *brakes,
            ],
            [
                Table(
                    _("Reach by SME size class"),
                    [_("Size class"), _("Companies")],
                    [
                        [str(sizes.get(row["size"], row["size"])), number(row["n"])]
                        for row in figures.by_size
                    ],
                ),
                Table(
                    _("Reach by sector (NACE section)"),
                    [_("Section"), _("Companies")],
                    [[row["section"] or "–", number(row["n"])] for row in figures.by_section],
                ),
                Table(
                    _("Advice delivered by theme"),
                    [_("Theme"), _("Advice")],
                    [[row["theme"], number(row["n"])] for row in figures.advice_themes],
                ),
                Table(
                    _("Latest advice delivered"),
                    [_("Date"), _("Trajectory"), _("Company"), _("Partner")],
                    [
                        [fmt_date(row["delivered_on"]), row["ref"], row["company"], row["partner"]]
                        for row in figures.advice_list
                    ],
                ),
                Table(
                    _("Knowledge partners: capacity and load"),
                    [
                        _("Partner"),
                        _("Capacity"),
                        _("Running"),
                        _("Waiting to start"),
                        _("Completed"),
                    ],
                    [
                        [
                            row["short_name"],
                            number(row["capacity"]),
                            number(row["running"]),
                            number(row["backlog"]),
                            number(row["done"]),
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
                [xml_text(header) for header in table.headers],
                [[xml_text(cell) for cell in row] for row in table.rows],
            )
            for table in section.tables
        ],
    )


def to_docx(title: str, sections: list[Section]) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(xml_text(title), level=0)
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
            document.add_paragraph(table.caption).runs[0].bold = True
            grid = document.add_table(rows=1, cols=len(table.headers))
            grid.style = "Light Grid Accent 1"
            for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
                cell.text = header
            for row in table.rows:
                cells = grid.add_row().cells
                for cell, value in zip(cells, row, strict=True):
                    cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _append(sheet: Any, values: list[Any]) -> None:
    """Every cell of the workbook is written here, through the one rule for spreadsheet cells:
    a name such as ``=HYPERLINK(…)`` is shown as text, never evaluated."""
    sheet.append([spreadsheet_cell(value) for value in values])


def to_xlsx(figures: Figures, sections: list[Section]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Figures")[:31]
    _append(sheet, [_("Figure"), _("Value")])
    for key, value in sorted(figures.reach.items()):
        _append(sheet, [key, value])
    for code, count in figures.phases.items():
        _append(sheet, [f"phase_{code}", count])
    _append(sheet, ["started_in_period", figures.started])
    _append(sheet, ["completed_in_period", figures.completed])
    _append(sheet, ["sme_requested", figures.sme_requested])
    _append(sheet, ["sme_paid", figures.sme_paid])
    for lead in figures.lead_times:
        _append(sheet, [f"{lead.label}_median_days", lead.median])
        _append(sheet, [f"{lead.label}_p90_days", lead.p90])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for section in sections:
        for table in section.tables:
            if not table.rows:
                continue
            ws = book.create_sheet(table.caption[:31].replace("/", "-").replace(":", ""))
            _append(ws, table.headers)
            for cell in ws[1]:
                cell.font = Font(bold=True)
            for row in table.rows:
                _append(ws, row)
    funding = book.create_sheet(_("Funding")[:31])
    _append(funding, [_("Type"), _("Source"), _("Committed"), _("Spent")])
    for entry in figures.funding:
        _append(funding, [entry["type"], entry["source"], entry["committed"], entry["spent"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
