"""The "stand van zaken" as it comes out can be published: grammar, rounding, names instead of
codes, honest statements, readable charts, typed spreadsheets, EU visibility, tagged PDFs.

The documents are read back (PDF text with pypdf, DOCX with python-docx, XLSX with openpyxl)
and every generated sentence is checked, for figures of 0, 1 and 2 of everything."""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from digihub.core.formatting import date as fmt_date
from digihub.core.formatting import days, eur, share
from digihub.intake.models import Conversation, Question
from digihub.reporting import charts, labels
from digihub.reporting.document import Kind, build_sections, forecast_sentences, to_xlsx
from digihub.reporting.figures import Figures, LeadTime, compute_figures
from digihub.reporting.forecast import Forecast
from digihub.trajectories.models import Advice

from .test_reporting import world  # noqa: F401  (the hand-counted fixture)

TOO_PRECISE = re.compile(r"\d[.,]\d{2,}\s?%")
CODE_KEYS = re.compile(
    r"\b(efro|flemish|private_sme|private_chamber|first_contact_to_\w+|signed_to_completed|"
    r"route_\w+|decision_\w+|registered_\w+|phase_\w+|Type \d)\b"
)
# "1 trajecten", "1 questions", "2 trajectory": a count and a noun of the wrong number.
PLURAL_NOUNS = {
    "trajectories",
    "questions",
    "companies",
    "conversations",
    "contacts",
    "reports",
    "plans",
    "answers",
    "days",
    "partners",
    "quotes",
    "trajecten",
    "vragen",
    "bedrijven",
    "gesprekken",
    "contacten",
    "rapporten",
    "plannen",
    "antwoorden",
    "dagen",
    "kennispartners",
    "offertes",
}
SINGULAR_NOUNS = {
    "trajectory",
    "question",
    "company",
    "conversation",
    "contact",
    "report",
    "plan",
    "answer",
    "day",
    "partner",
    "quote",
    "traject",
    "vraag",
    "bedrijf",
    "gesprek",
    "rapport",
    "antwoord",
    "dag",
    "kennispartner",
    "offerte",
}
# A reference such as TR-2026-00115 is not a count.
COUNT = re.compile(r"(?<![\d.,\w-])(\d[\d.,]*\d|\d)(?=\s)")
PREPOSITIONS = {"in", "of", "out", "van", "op", "uit"}


def number_errors(sentence: str) -> list[str]:
    """Each count followed (within three words) by a noun of the wrong grammatical number."""
    found = []
    for match in COUNT.finditer(sentence):
        if re.fullmatch(r"\d{4}", match.group(1)):
            continue  # a year: a count of a thousand or more is written grouped
        count = int(match.group(1).replace(".", "").replace(",", ""))
        for word in sentence[match.end() :].split()[:3]:
            word = word.strip(".,;:()?!").lower()
            if word in PREPOSITIONS:
                break  # "2 in the quote phase", "1 of the 3 partners": the noun went before
            if word in SINGULAR_NOUNS or word in PLURAL_NOUNS:
                if (word in PLURAL_NOUNS) == (count == 1):
                    found.append(f"{match.group(1)} {word}: {sentence}")
                break
    return found


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph (a full stop, question or exclamation mark, then a space
    and the next sentence)."""
    parts = re.split(r"(?<=[.?!])\s+(?=\S)", text.strip())
    return [part for part in parts if part]


def problems(text: str) -> list[str]:
    found = []
    for sentence in sentences(text):
        first = re.sub(r"^[a-z]\)\s+", "", sentence).lstrip("(\"'“‘")[:1]
        if first.isalpha() and first.islower():
            found.append(f"lower case: {sentence}")
        if TOO_PRECISE.search(sentence):
            found.append(f"too many decimals: {sentence}")
        found += number_errors(sentence)
        if match := CODE_KEYS.search(sentence):
            found.append(f"code {match.group(0)}: {sentence}")
    return found


def _figures(count: int, *, period: bool = False) -> Figures:
    """Figures with ``count`` of everything the answer counts."""
    n = count
    on = dt.date(2026, 11, 27)
    return Figures(
        on=on,
        start=dt.date(2026, 1, 1) if period else None,
        end=dt.date(2026, 6, 30) if period else None,
        reach={
            "registered": n,
            "companies": n,
            "conversations": n,
            "follow_ups": n,
            "outside_target_group": n,
            "decision_trajectory": n,
            "decision_no_trajectory": n,
            "decision_info_only": n,
            "route_agency_referral": n,
        },
        phases={"startup": n, "quote": n, "execution": n, "completed": n, "stopped": n},
        started=n,
        completed=n,
        stopped=n,
        funding=[],
        sme_requested=Decimal("1200.00") * n,
        sme_paid=Decimal("600.00") * n,
        by_province=[{"name": "Antwerpen", "n": n}],
        by_section=[{"section": "J", "n": n}, {"section": "", "n": n}],
        by_size=[{"size": "micro", "n": n}],
        advice_count=n,
        advice_themes=[{"theme": "AI", "n": n}],
        advice_list=[],
        lead_times=[
            LeadTime(
                "first_contact_to_signed", n, 194.9999997 if n else None, 300.5 if n else None
            ),
            LeadTime("signed_to_completed", n, 1.2 if n else None, 2.4 if n else None),
            LeadTime("first_contact_to_completed", n, 200.0 if n else None, 310.0 if n else None),
        ],
        partners=[
            {
                "short_name": f"Partner {i}",
                "capacity": 1,
                "running": 1,
                "backlog": 0,
                "done": 0,
                "load": Decimal(1),
            }
            for i in range(n)
        ]
        + [
            {
                "short_name": "Ruim",
                "capacity": 10,
                "running": 1,
                "backlog": 0,
                "done": 0,
                "load": Decimal("0.1"),
            }
        ],
        satisfaction={"answers": n, "average": (Decimal(25) / 6) if n else None},
        totals={
            "committed": Decimal("3000.00") * n,
            "spent": Decimal(0),
            "subsidy_committed": Decimal("2100.00") * n,
        },
    )


def _forecast(count: int) -> Forecast:
    return Forecast(
        end=dt.date(2027, 6, 30),
        days_left=215,
        completion_rate=Decimal(5) / 6,
        signing_rate=Decimal(2) / 3,
        median_to_sign=90.0,
        median_to_complete=61.0,
        average_signed=Decimal("3000.00"),
        expected_completed=1 + count,
        expected_new_signings=count,
        expected_extra_commitment=Decimal("3000.00") * count,
        completed_now=1,
        completion_measured_on=6,
        signing_measured_on=3,
    )


def _text(sections: list[Any]) -> list[str]:
    out = []
    for section in sections:
        out += [section.title, section.question, *section.paragraphs]
        for table in section.tables:
            out += [table.caption, *table.headers]
            out += [cell for row in table.display_rows for cell in row]
    return [text for text in out if text]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("count", [0, 1, 2])
@pytest.mark.parametrize("period", [False, True])
def test_every_generated_sentence_reads_right(
    people: Any, language: str, count: int, period: bool
) -> None:
    from digihub.funding import demo as funding_demo

    funding_demo.build()
    with translation.override(language):
        figures = _figures(count, period=period)
        sections = build_sections(figures, _forecast(count))
        texts = _text(sections)
        found = [problem for text in texts for problem in problems(text)]
        assert not found, found
        joined = "\n".join(texts)
        # a period is only mentioned when one was chosen
        period_words = {"nl": "In de periode", "en": "In the period"}[language]
        assert (period_words.lower() in joined.lower()) == period or not _translated(language)
        # names instead of codes
        assert "J – " in joined and labels.nace_section("") in joined
        assert "Type 2" not in joined


def _translated(language: str) -> bool:
    """Whether the active catalogue translates the answer's new sentences yet (the Dutch
    catalogue is filled in after the English source strings are written)."""
    if language == "en":
        return True
    with translation.override(language):
        return translation.gettext("In that period, %(n)s trajectory was stopped.") != (
            "In that period, %(n)s trajectory was stopped."
        )


@pytest.mark.django_db
def test_capacity_and_forecast_say_only_what_the_figures_support(people: Any) -> None:
    with translation.override("en"):
        none_full = _figures(0)
        text = " ".join(build_sections(none_full, None)[-1].paragraphs)
        assert "None of the 1 knowledge partner" not in text
        assert "does not hold the reach back" in text
        assert "limited capacity" not in text
        two_full = _figures(2)
        text = " ".join(build_sections(two_full, None)[-1].paragraphs)
        assert "2 of the 3 knowledge partners with trajectories run at or above" in text
        assert "Partner 0, Partner 1" in text
        # the forecast: silent without a basis, no "€ 0,00 more"
        assert forecast_sentences(None) == []
        unmeasured = _forecast(2)
        object.__setattr__(unmeasured, "signing_measured_on", 0)
        assert forecast_sentences(unmeasured) == []
        nothing_more = _forecast(0)
        assert forecast_sentences(nothing_more) == []
        ended = _forecast(2)
        object.__setattr__(ended, "days_left", 0)
        assert forecast_sentences(ended) == []
        said = forecast_sentences(_forecast(2))
        assert said[0] == (
            f"If today's signing rate ({share(Decimal(2) / 3)}) and completion rate "
            f"({share(Decimal(5) / 6)}) and the median lead times hold, about 3 trajectories "
            f"will be completed by {fmt_date(dt.date(2027, 6, 30))}, 2 more than today."
        )
        assert said[1] == (
            "About 2 more quotes would be signed before then, committing about "
            f"{eur(Decimal(6000))} more."
        )


def test_one_rounding_rule() -> None:
    with translation.override("nl"):
        assert share(Decimal("0.8333333333333333")) == "83,3%"
        assert share(Decimal("0.005023423423")) == "0,5%"
        assert share(Decimal("0.8335")) == "83,4%"  # half up
        assert share(1) == "100,0%"
        assert days(194.9999997) == days(195)
        assert days(2.5) == days(3)
    with translation.override("en"):
        assert days(1) == "1 day" and days(0) == "0 days" and days(2) == "2 days"


# --- The documents read back -----------------------------------------------------------------


def _pdf_text(content: bytes) -> tuple[str, Any]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages), reader


def _paragraph_checks(text: str) -> list[str]:
    found = []
    for line in re.split(r"\n\s*\n|\n", text):
        line = line.strip()
        if TOO_PRECISE.search(line):
            found.append(f"too many decimals: {line}")
        if CODE_KEYS.search(line):
            found.append(f"code: {line}")
        found += number_errors(line)
    return found


@pytest.mark.django_db
def test_pdf_docx_xlsx_read_back(world: Any, client_for: Any) -> None:  # noqa: F811
    client = client_for(world.coordinator)
    pdf = client.get(reverse("reporting:download", args=["pdf"]))
    text, reader = _pdf_text(pdf.content)
    assert "Medegefinancierd door de Europese Unie" in text or (
        "Co-funded by the European Union" in text and not _translated("nl")
    )
    assert not _paragraph_checks(text), _paragraph_checks(text)
    # tagged, with language and title
    root = reader.trailer["/Root"]
    assert root.get("/Lang") == "nl"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title
    # the same charts are in the PDF as on the page
    assert pdf.content.count(b"/Subtype /Form") + pdf.content.count(b"/Subtype/Form") >= 1

    docx = client.get(reverse("reporting:download", args=["docx"]))
    from docx import Document

    document = Document(io.BytesIO(docx.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert len(headings) >= 5
    assert len(document.tables) >= 5
    assert len(document.inline_shapes) >= 1 + 5  # the emblem and five charts
    body = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert not _paragraph_checks(body + "\n" + cells)
    for paragraph in document.paragraphs:
        for sentence in sentences(re.sub(r"^[a-z]\)\s+", "", paragraph.text)):
            assert not (sentence[:1].isalpha() and sentence[:1].islower()), sentence

    xlsx = client.get(reverse("reporting:download", args=["xlsx"]))
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    assert len(book.sheetnames) == len(set(book.sheetnames)) >= 8
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A3"
        assert len(sheet.title) <= 31
        headers = [cell.value for cell in sheet[2]]
        for header in headers:
            assert isinstance(header, str) and not CODE_KEYS.search(header), header
        for column in range(1, sheet.max_column + 1):
            letter = sheet.cell(row=2, column=column).column_letter
            assert sheet.column_dimensions[letter].width >= 10
        for row in sheet.iter_rows(min_row=3):
            for cell in row:
                if isinstance(cell.value, str):
                    # text is a name, never a figure stored as text
                    assert not re.fullmatch(r"[€\s\d.,%-]+", cell.value), (sheet.title, cell.value)
                    assert not CODE_KEYS.search(cell.value), cell.value
                if cell.number_format.endswith("%"):
                    assert cell.number_format == "0.0%"
    figures = book.worksheets[0]
    values = {row[0].value: row[1] for row in figures.iter_rows(min_row=3)}
    with translation.override("nl"):
        registered = values[labels.reach_figure("registered")]
        committed = values[translation.gettext("Committed in total")]
        median = values[
            translation.gettext("%(stretch)s: median (days)")
            % {"stretch": labels.lead_time("signed_to_completed")}
        ]
    assert registered.value == 5 and registered.number_format == "#,##0"
    assert committed.value == 3000 and "€" in committed.number_format
    assert median.value == 61 and isinstance(median.value, int)


@pytest.mark.django_db
def test_chart_text_prints_at_nine_points_or_more(world: Any, client_for: Any) -> None:  # noqa: F811
    client = client_for(world.coordinator)
    for name in ("funnel", "phases", "budget", "lead_times", "partners"):
        svg = client.get(reverse("reporting:chart", args=[name])).content
        root = ET.fromstring(svg)  # noqa: S314  (our own chart)
        width = float(root.get("width") or root.get("viewBox", "0 0 0 0").split()[2])
        style = "".join(node.text or "" for node in root.iter("{http://www.w3.org/2000/svg}style"))
        style = re.sub(r"#chart-[\w-]+\s*", "", style)
        sizes = [float(size) for size in re.findall(r"font-size:\s*([\d.]+)px", style)]
        sizes += [
            float(node.get("font-size").rstrip("px"))
            for node in root.iter()
            if node.get("font-size") is not None
        ]
        assert sizes, name
        assert min(charts.printed_pt(size, width) for size in sizes) >= 9, (name, min(sizes))
        # relative sizes (tooltips, box-plot bounds) style no text of these charts
        for selector in re.findall(r"([^{}]+)\{[^}]*font-size:\s*[\d.]+em", style):
            classes = re.findall(r"\.([\w-]+)", selector)
            for outer in root.iter():
                if classes[0] in (outer.get("class") or "").split():
                    inner = [
                        node
                        for node in outer.iter()
                        if classes[-1] in (node.get("class") or "").split()
                    ]
                    assert not inner, (name, selector)
        # no label is cut short with an ellipsis
        texts = [node.text or "" for node in root.iter("{http://www.w3.org/2000/svg}text")]
        assert not any(text.endswith("…") for text in texts), texts
        # axes in the reader's locale: no run of 5+ digits without grouping
        assert not any(re.fullmatch(r"\d{5,}(\.\d+)?", text.strip()) for text in texts), texts


# --- A hand-counted answer, sentence by sentence -----------------------------------------------


@pytest.fixture
def dated(world: Any) -> Any:  # noqa: F811
    """The hand-counted world with its questions registered on known days: q1 on 1 December
    2025 (signed 1 March 2026: 90 days; completed 1 May: 61 days after signing)."""
    for index, question in enumerate(Question.objects.order_by("pk")):
        Question.objects.filter(pk=question.pk).update(
            registered_at=timezone.make_aware(dt.datetime(2025, 12, 1 + index, 12))
        )
    Conversation.objects.update(held_on=dt.date(2025, 12, 10))
    Advice.objects.update(delivered_on=dt.date(2026, 5, 1))
    from digihub.reporting import facts

    facts.rebuild()  # the dates above were rewritten in SQL, as an import does
    return world


EXPECTED_EN = [
    # 1a
    "Up to {T}, the chambers formally registered 5 info and advice questions from 2 companies.",
    "Advisors held 5 exploratory conversations and 0 follow-up contacts.",
    "0 questions came from companies outside the SME target group (EU definition); such a question counts as reach but only starts a trajectory with a coordinator's permission.",
    # 1b
    "On {T} the trajectories stand as follows: 0 in execution (quote formally signed), 0 in the quote phase and 1 in start-up.",
    "Up to {T}, 3 trajectories were started.",
    # 1c
    "On {T}, 1 guidance trajectory has been completed in total.",
    "1 trajectory was stopped.",
    "From first contact to a signed quote takes a median of 90 days (90th percentile 90 days), measured over 1 trajectory.",
    "From signature to completion takes a median of 61 days (90th percentile 61 days), measured over 1 trajectory.",
    # 1d
    "3 questions led to a trajectory with a knowledge partner.",
    "For 1 question no trajectory started and the advisor took another route.",
    "1 question was answered with information only.",
    # 2
    "Up to {T}, 1 concrete advice report or action plan was delivered.",
    "No SME has rated a completed trajectory yet.",
    "The time between first contact and a signed quote (median 90 days) slows the reach down: a question becomes a trajectory in execution only after it.",
    "The only knowledge partner with trajectories runs below its stated capacity; partner capacity does not hold the reach back at present.",
]

# The same answer as the minister signs it, in Dutch.
EXPECTED_NL = [
    "Tot en met {T} registreerden de kamers formeel 5 info- en adviesvragen van 2 bedrijven.",
    "Adviseurs voerden 5 verkennende gesprekken en 0 opvolgcontacten.",
    "0 vragen kwamen van bedrijven buiten de kmo-doelgroep (EU-definitie); zo'n vraag telt mee voor het bereik, maar start pas een traject met toestemming van een coördinator.",
    "Op {T} staan de trajecten zo: 0 in uitvoering (offerte formeel ondertekend), 0 in de offertefase en 1 in de opstartfase.",
    "Tot en met {T} werden 3 trajecten opgestart.",
    "Op {T} werd in totaal 1 begeleidingstraject afgerond.",
    "1 traject werd stopgezet.",
    "Van eerste contact tot ondertekende offerte duurt het mediaan 90 dagen (90e percentiel 90 dagen), gemeten over 1 traject.",
    "Van ondertekening tot afronding duurt het mediaan 61 dagen (90e percentiel 61 dagen), gemeten over 1 traject.",
    "3 vragen leidden tot een traject met een kennispartner.",
    "Voor 1 vraag startte geen traject en koos de adviseur een andere weg.",
    "1 vraag werd beantwoord met enkel informatie.",
    "Tot en met {T} werd 1 concreet adviesrapport of actieplan opgeleverd.",
    "Nog geen enkele kmo gaf een score aan een afgerond traject.",
    "De tijd tussen eerste contact en een ondertekende offerte (mediaan 90 dagen) remt het bereik af: een vraag wordt pas daarna een traject in uitvoering.",
    "De enige kennispartner met trajecten werkt onder zijn opgegeven capaciteit; de capaciteit van de kennispartners houdt het bereik op dit moment niet tegen.",
]


def _generated(language: str) -> list[str]:
    with translation.override(language):
        today = timezone.localdate()
        figures = compute_figures(on=today)
        from digihub.reporting.forecast import forecast
        from digihub.trajectories.models import Trajectory

        sections = build_sections(figures, forecast(figures, Trajectory.objects.all()))
        return [s for section in sections for p in section.paragraphs for s in sentences(p)]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "nl"])
def test_hand_counted_answer_sentence_by_sentence(dated: Any, language: str) -> None:
    if not _translated(language):
        pytest.skip("the Dutch catalogue does not translate the answer's sentences yet")
    expected = EXPECTED_NL if language == "nl" else EXPECTED_EN
    with translation.override(language):
        day = fmt_date(timezone.localdate())
    generated = _generated(language)
    for sentence in expected:
        assert sentence.format(T=day) in generated, (sentence.format(T=day), generated)
    # and the forecast says nothing: no expected signing (1 × 50 % rounds to 0), no completion
    # beyond today's
    assert not any("more than today" in s or "would be signed" in s for s in generated)


@pytest.mark.django_db
def test_compare_two_dates(dated: Any, client_for: Any) -> None:
    client = client_for(dated.coordinator)
    url = reverse("reporting:compare")
    page = client.get(
        url, {"first": "2026-02-20", "second": "2026-06-01"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    with translation.override("en"):
        quote_row = translation.gettext(
            "Trajectories in phase on the reference date: %(phase)s"
        ) % {"phase": "Quote phase"}
    # on 20 Feb two trajectories were in the quote phase, on 1 June none: −2
    row = re.search(
        re.escape(quote_row) + r"</th><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td>",
        page,
    )
    assert row and row.groups() == ("2", "0", "-2"), row and row.groups()
    completed = re.search(
        r"Trajectories in phase on the reference date: Completed</th><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td>",
        page,
    )
    assert completed and completed.groups() == ("0", "1", "+1")
    assert page.count("The answer at both dates") == 1
    bad = client.get(
        url, {"first": "2026-06-01", "second": "2026-02-20"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Choose a second date after the first." in bad.content.decode()
    xlsx = client.get(url, {"first": "2026-02-20", "second": "2026-06-01", "format": "xlsx"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    numbers = [c.value for row in sheet.iter_rows(min_row=3, min_col=2) for c in row]
    assert all(v is None or isinstance(v, int | float) for v in numbers)
    assert client_for(dated.partner_p).get(url).status_code == 403


def test_emblem_is_shipped_and_drawn_the_same_everywhere() -> None:
    from pathlib import Path

    from django.conf import settings

    svg = (Path(settings.BASE_DIR) / "static" / "img" / "eu-emblem.svg").read_text()
    include = (Path(settings.BASE_DIR) / "templates" / "_eu_cofunded.html").read_text()
    drawing = svg[svg.index("<rect") : svg.rindex("</svg>")]
    assert drawing in include
    root = ET.fromstring(svg)  # noqa: S314  (our own file)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}rect").get("fill").upper() == "#003399"
    stars = list(root.iter(f"{ns}polygon"))
    assert len(stars) == 12 and all(len(s.get("points").split()) == 10 for s in stars)
    # the stars stand on a circle whose radius is a third of the flag's height
    _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
    for star in stars:
        tip = [float(v) for v in star.get("points").split()[0].split(",")]
        # the upper tip is one eighteenth of the height above the star's centre
        centre = (tip[0], tip[1] + height / 18)
        radius = ((centre[0] - width / 2) ** 2 + (centre[1] - height / 2) ** 2) ** 0.5
        assert abs(radius - height / 3) < 0.05


@pytest.mark.django_db
def test_xlsx_cells_are_typed_for_every_kind(people: Any) -> None:
    from openpyxl import load_workbook

    with translation.override("en"):
        figures = _figures(2)
        sections = build_sections(figures, None)
        book = load_workbook(io.BytesIO(to_xlsx(figures, sections)))
    kinds = {
        table.sheet: table.kinds for section in sections for table in section.tables if table.rows
    }
    for sheet in book.worksheets[1:]:
        for row in sheet.iter_rows(min_row=3):
            for cell, kind in zip(row, kinds[sheet.title], strict=False):
                if (
                    kind in (Kind.COUNT, Kind.MONEY, Kind.SHARE, Kind.DAYS)
                    and cell.value is not None
                ):
                    assert isinstance(cell.value, int | float), (sheet.title, cell.value)
