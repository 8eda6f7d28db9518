from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from digihub.core.page_cache import cached_page
from digihub.core.pdf import render_pdf
from digihub.funding.models import HubBudget, Programme, ProjectKind
from digihub.funding.selectors import budget_overview
from digihub.network.models import Hub

from . import charts, labels
from .access import readable
from .compare import compare_rows
from .document import Chart, build_sections, forecast_sentences, to_docx, to_xlsx
from .figures import Figures, ReportFilters, compute_figures
from .forecast import Forecast, forecast
from .forms import CompareForm, ReportForm

T = TypeVar("T")

CHARTS = ("funnel", "phases", "budget", "lead_times", "partners")


def chart_texts() -> dict[str, tuple[str, str]]:
    """Each chart's caption and its text alternative, in the active language."""
    return {
        "funnel": (
            _("From question to completion"),
            _("Funnel from question to completion; the figures are in the tables of the answer."),
        ),
        "phases": (
            _("Trajectories per phase at each month end"),
            _("Trajectories per phase at each month end over the last year."),
        ),
        "budget": (
            _("Budget per source: committed and spent"),
            _("Budget per source with what is committed and spent; see the budget table."),
        ),
        "lead_times": (
            _("Lead times in days"),
            _("Lead times in days: median and 90th percentile; see the lead time table."),
        ),
        "partners": (
            _("Knowledge partners: running trajectories against capacity"),
            _("Knowledge partners: running trajectories against capacity; see the partner table."),
        ),
    }


@dataclass(frozen=True)
class Computed:
    form: ReportForm
    figures: Figures
    forecast: Forecast | None
    trajectories: Any
    filters: ReportFilters
    budget_rows: list[dict[str, Any]]
    computed_at: dt.datetime
    key: str


class Computation(NamedTuple):
    """What the readers of one scope and filter set share (kept in the cache)."""

    figures: Figures
    forecast: Forecast | None
    budget_rows: list[dict[str, Any]]
    computed_at: dt.datetime


# Out-of-date figures are kept this many cache periods, to serve while one reader recomputes.
KEEP_OUT_OF_DATE = 10
RECOMPUTE_LOCK_SECONDS = 600


def _cache_key(user: Any, form: ReportForm) -> str:
    """Readers with the same role and organisation see the same rows, so they share figures."""
    scope = (user.role, user.chamber_id, user.partner_id, user.company_id, user.is_superuser)
    parts = [str(v) for v in (*scope, *form.values())]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return f"reporting:figures:{digest}"


def _compute(request: HttpRequest) -> Computed:
    """The figures and forecast for the request's filters, computed once per cache period.

    The page, each of its charts and each download ask for the same figures; without sharing
    one computation, opening the page computed them six times. ``?fresh=1`` recomputes."""
    user: Any = request.user
    trajectories, questions, entries = readable(user)
    form = ReportForm(request.GET or None)
    on, start, end, filters = form.values()
    seconds = settings.DIGIHUB_REPORT_CACHE_SECONDS
    key = _cache_key(user, form)
    stored = cache.get(key) if seconds and not request.GET.get("fresh") else None
    if not isinstance(stored, Computation):  # nothing yet, or left by an older release
        stored = None
    busy = f"{key}:busy"
    out_of_date = stored is not None and timezone.now() - stored.computed_at > dt.timedelta(
        seconds=seconds
    )
    # Out of date: one reader recomputes while the others keep the previous figures, which the
    # page dates, instead of every reader starting the same computation at once.
    if out_of_date and cache.add(busy, 1, RECOMPUTE_LOCK_SECONDS):
        stored = None
    if stored is None:
        figures = compute_figures(
            on=on,
            start=start,
            end=end,
            filters=filters,
            trajectories=trajectories,
            questions=questions,
            entries=entries,
            reader=user,
        )
        stored = Computation(
            figures,
            forecast(figures, filters.trajectories(trajectories)),
            _budget_rows(user, filters),
            timezone.now(),
        )
        if seconds:
            cache.set(key, stored, seconds * KEEP_OUT_OF_DATE)
            cache.delete(busy)
    return Computed(
        form,
        stored.figures,
        stored.forecast,
        trajectories,
        filters,
        stored.budget_rows,
        stored.computed_at,
        key,
    )


def _budget_rows(user: Any, filters: Any) -> list[dict[str, Any]]:
    programme = (
        Programme.objects.filter(project_types__kind=ProjectKind.GUIDANCE).order_by("-end").first()
    )
    if programme is None:
        return []
    from digihub.core.access import visible

    hubs = Hub.objects.filter(pk__in=visible(user, HubBudget).values("hub_id"))
    # One hub, or every hub for a network-wide reader: the ledger's sums from the report facts
    # (summing the network's 2.5 million ledger entries took 2 s).
    if filters.hub:
        overview = budget_overview(
            programme=programme, hubs=hubs.filter(pk=filters.hub), from_facts=True
        )
    elif user.is_network_wide:
        overview = budget_overview(programme=programme, from_facts=True)
    else:
        overview = budget_overview(programme=programme, hubs=hubs)
    return [
        {
            "type": row.project_type.number,
            "type_name": row.project_type.name_nl,
            "type_name_en": row.project_type.name_en,
            "type_name_fr": row.project_type.name_fr,
            "source": row.source_code,
            "source_name": row.source_name,
            "budget": row.budget,
            "committed": row.committed,
            "spent": row.spent,
        }
        for row in overview.rows
    ]


def _title() -> str:
    return _("Digihubs — state of play")


def _intro(figures: Figures) -> str:
    from digihub.core.formatting import date as fmt_date

    text = _("Figures computed by the Digihub platform on %(day)s.") % {
        "day": fmt_date(figures.on, "long")
    }
    if figures.start:
        text += " " + _("Period: %(start)s – %(end)s.") % {
            "start": fmt_date(figures.start, "long"),
            "end": fmt_date(min(figures.end or figures.on, figures.on), "long"),
        }
    return text + " " + _("Shares are rounded to one decimal and durations to whole days.")


@login_required
@cached_page(bypass=("fresh",))
def report(request: HttpRequest) -> HttpResponse:
    computed = _compute(request)
    params = request.GET.copy()
    params.pop("fresh", None)
    query = params.urlencode()

    def body() -> str:
        form, figures, prediction = computed.form, computed.figures, computed.forecast
        sections = _sections(request, computed)
        return render_to_string(
            "reporting/_report_body.html",
            {
                "form": form,
                "figures": figures,
                "forecast": prediction,
                "sections": sections,
                "query": query,
                "charts": CHARTS,
                "title": _title(),
                "forecast_sentences": forecast_sentences(prediction),
                "lead_rows": _lead_rows(sections),
                "chart_texts": chart_texts(),
                "budget_rows": _named_budget_rows(computed.budget_rows),
                "computed_at": computed.computed_at,
                "cached_for": settings.DIGIHUB_REPORT_CACHE_SECONDS,
                "document_languages": _other_document_languages(),
            },
            request=request,
        )

    # The body shows one computation of the figures (for this reader scope, filters and
    # language): drawn once per computation, while the page around it (menu, to-do count)
    # follows the data. Rendering the network's body costs ~300 ms of CPU.
    digest = hashlib.sha256(query.encode()).hexdigest()[:16]
    return render(
        request,
        "reporting/report.html",
        {
            "title": _title(),
            # drawn by our own template, escaped there
            "body": mark_safe(_shared(request, computed, f"page-{digest}", body)),
        },
    )


def _lead_rows(sections: list[Any]) -> list[list[tuple[str, bool]]]:
    for section in sections:
        for table in section.tables:
            if table.sheet == _("Lead times"):
                return table.display_cells  # type: ignore[no-any-return]
    return []


def _draw(name: str, computed: Computed) -> bytes:
    figures = computed.figures
    if name == "funnel":
        return charts.funnel(figures)
    if name == "phases":
        return charts.phases_over_time(
            computed.filters.trajectories(computed.trajectories), figures.on
        )
    if name == "budget":
        return charts.budget_burn(_named_budget_rows(computed.budget_rows))
    if name == "lead_times":
        return charts.lead_times(figures)
    if name == "partners":
        return charts.partner_load(figures)
    raise Http404


def _named_budget_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Budget rows with the project type and source named in the active language."""
    # The rows are kept for every reader; Dutch is the name a missing translation falls back to.
    language = (translation.get_language() or "nl")[:2]
    sources = labels.source_names()
    return [
        {
            **row,
            "source_name": sources.get(row.get("source", ""), row["source_name"]),
            "type_name": (row.get(f"type_name_{language}") if language != "nl" else None)
            or row.get("type_name")
            or row["type"],
        }
        for row in rows
    ]


def _shared(request: HttpRequest, computed: Computed, part: str, make: Callable[[], T]) -> T:
    """A part derived from the figures (a chart, the answer's sections), made once per
    computation and language."""
    seconds = settings.DIGIHUB_REPORT_CACHE_SECONDS
    stamp = computed.computed_at.timestamp()
    key = f"{computed.key}:{stamp}:{part}:{translation.get_language()}"
    value = cache.get(key) if seconds and not request.GET.get("fresh") else None
    if value is None:
        value = make()
        if seconds:
            cache.set(key, value, seconds * KEEP_OUT_OF_DATE)
    return value


def _chart(name: str, request: HttpRequest, computed: Computed) -> bytes:
    return _shared(request, computed, f"chart-{name}", lambda: _draw(name, computed))


def _sections(request: HttpRequest, computed: Computed) -> Any:
    return _shared(
        request, computed, "sections", lambda: build_sections(computed.figures, computed.forecast)
    )


@login_required
def chart(request: HttpRequest, name: str) -> HttpResponse:
    if name not in CHARTS:
        raise Http404
    computed = _compute(request)
    response = HttpResponse(
        _chart(name, request, computed),
        content_type="image/svg+xml",
    )
    response["Cache-Control"] = "private, max-age=60"
    return response


DOWNLOAD_TOKEN = re.compile(r"[a-z0-9]{8,32}")

# The answer is given in Dutch; a reader may download it in any language the platform speaks.
ANSWER_LANGUAGE = "nl"


def _document_language(request: HttpRequest) -> str:
    asked = request.GET.get("lang", "")
    return asked if asked in dict(settings.LANGUAGES) else ANSWER_LANGUAGE


def _other_document_languages() -> list[tuple[str, str]]:
    return [(code, name) for code, name in settings.LANGUAGES if code != ANSWER_LANGUAGE]


@login_required
def download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("pdf", "docx", "xlsx"):
        raise Http404
    language = _document_language(request)
    with translation.override(language):
        computed = _compute(request)
        figures = computed.figures
        sections = _sections(request, computed)
        title = _title()
        texts = chart_texts()
        if fmt == "pdf":
            images = [
                {
                    "src": "data:image/svg+xml;base64,"
                    + base64.b64encode(_chart(name, request, computed)).decode(),
                    "caption": texts[name][0],
                    "alt": texts[name][1],
                }
                for name in CHARTS
            ]
            data = render_pdf(
                "reporting/report_pdf.html",
                {
                    "figures": figures,
                    "sections": sections,
                    "title": title,
                    "intro": _intro(figures),
                    "images": images,
                    "language": language,
                    "chart_width_cm": charts.PRINT_WIDTH_CM,
                },
                accessible=True,
            )
            content_type = "application/pdf"
        elif fmt == "docx":
            data = to_docx(
                title,
                sections,
                [Chart(texts[name][0], _chart(name, request, computed)) for name in CHARTS],
                intro=_intro(figures),
                language=language,
                cofunded=_("Co-funded by the European Union"),
                chart_width_cm=charts.PRINT_WIDTH_CM,
            )
            content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        else:
            data = to_xlsx(figures, sections)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="stand-van-zaken-{figures.on.isoformat()}.{fmt}"'
    )
    token = request.GET.get("dl", "")
    if DOWNLOAD_TOKEN.fullmatch(token):
        # Tells the page the document has arrived, so it can stop showing progress.
        response.set_cookie(
            f"dl_{token}", "1", max_age=120, samesite="Strict", secure=request.is_secure()
        )
    return response


def _comparison(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    trajectories, questions, entries = readable(user)
    form = CompareForm(request.GET or None)
    first_day, second_day, filters = form.dates()
    answers = []
    for day in (first_day, second_day):
        figures = compute_figures(
            on=day,
            filters=filters,
            trajectories=trajectories,
            questions=questions,
            entries=entries,
            reader=user,
        )
        prediction = forecast(figures, filters.trajectories(trajectories))
        answers.append((figures, build_sections(figures, prediction)))
    (first, first_sections), (second, second_sections) = answers
    return {
        "form": form,
        "first": first,
        "second": second,
        "rows": compare_rows(first, second),
        "pairs": list(zip(first_sections, second_sections, strict=True)),
    }


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    """The same answer at two reference dates side by side, with the differences."""
    context = _comparison(request)
    if request.GET.get("format") == "xlsx":
        from .document import comparison_xlsx

        data = comparison_xlsx(context["first"], context["second"], context["rows"])
        response = HttpResponse(
            data,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="stand-van-zaken-{context["first"].on.isoformat()}'
            f'-{context["second"].on.isoformat()}.xlsx"'
        )
        return response
    params = request.GET.copy()
    params.pop("format", None)
    return render(
        request,
        "reporting/compare.html",
        {**context, "title": _("Compare two dates"), "query": params.urlencode()},
    )
