from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digihub.companies.models import Company
from digihub.core.access import can, get_visible_or_404, visible
from digihub.core.forms import add_errors
from digihub.core.page_cache import cached_page
from digihub.network.models import Hub
from digihub.trajectories.models import Trajectory

from . import charts, exports, kpi, services
from .forms import DimensionForm, InvestmentForm, KpiForm, ReasonForm, StartForm
from .links import LinkInvalid, read_token
from .models import Answer, Assessment, Moment, Status
from .policies import can_read_kpis


# Filling in: one dimension per page, saved as you go ----------------------------------------
def _answers(a: Assessment) -> dict[int, tuple[list[int], bool]]:
    return {
        answer.question_id: ([o.pk for o in answer.options.all()], answer.skipped)
        for answer in Answer.objects.filter(assessment=a).prefetch_related("options")
    }


def _step(
    a: Assessment, request: HttpRequest, base: str, via_link: bool, actor: Any
) -> HttpResponse:
    dimensions = services.dimensions_of(a.questionnaire)
    try:
        index = int(request.GET.get("d") or request.POST.get("d") or 1)
    except ValueError:
        index = 1
    if a.status == Status.SUBMITTED:
        return render(
            request, "assessments/fill_done.html", {"assessment": a, "via_link": via_link}
        )
    if not a.is_open:
        return render(
            request,
            "assessments/fill_closed.html",
            {"reason": _("This assessment was cancelled.")},
            status=410,
        )
    total = len(dimensions)
    if index > total:  # the review page
        return _review(a, request, base, via_link, actor, dimensions)
    index = max(index, 1)
    dimension = dimensions[index - 1]
    form = DimensionForm(request.POST or None, dimension=dimension, initial_answers=_answers(a))
    saved = False
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_answers(
                    assessment=a,
                    dimension=dimension,
                    given=form.given(),
                    actor=actor,
                    via_link=via_link,
                )
            except ValidationError as exc:
                add_errors(form, exc)
                status = 400
            else:
                saved = True
        else:
            status = 400
        if getattr(request, "htmx", False):
            return render(
                request,
                "assessments/_saved.html",
                {"saved": saved, "form": form, "now": timezone.now()},
                status=status,
            )
        if saved:
            target = index - 1 if "previous" in request.POST else index + 1
            return redirect(f"{base}?d={max(target, 1)}")
    return render(
        request,
        "assessments/fill.html",
        {
            "assessment": a,
            "dimension": dimension,
            "form": form,
            "index": index,
            "total": total,
            "steps": range(1, total + 2),
            "base": base,
            "via_link": via_link,
        },
        status=status,
    )


def _review(
    a: Assessment,
    request: HttpRequest,
    base: str,
    via_link: bool,
    actor: Any,
    dimensions: list[Any],
) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            services.submit(assessment=a, actor=actor, via_link=via_link)
        except (ValidationError, PermissionDenied) as exc:
            error = " ".join(getattr(exc, "messages", [str(exc)]))
        else:
            return redirect(f"{base}?d={len(dimensions) + 1}")
    answered = set(
        Answer.objects.filter(assessment=a).values_list("question__dimension_id", flat=True)
    )
    return render(
        request,
        "assessments/fill_review.html",
        {
            "assessment": a,
            "dimensions": [(i, d, d.pk in answered) for i, d in enumerate(dimensions, start=1)],
            "missing": services.missing_dimensions(a),
            "error": error,
            "base": base,
            "index": len(dimensions) + 1,
            "total": len(dimensions),
            "via_link": via_link,
        },
        status=400 if error else 200,
    )


def fill(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The customer's link: no account needed; the signed token is the proof."""
    try:
        a = read_token(token, pk)
    except LinkInvalid as exc:
        return render(request, "assessments/fill_closed.html", {"reason": str(exc)}, status=403)
    base = reverse("assessments:fill", args=[pk, token])
    response = _step(a, request, base, via_link=True, actor=None)
    # The token must not leak to other sites. Not "no-referrer": under it browsers send
    # "Origin: null" with the page's own form posts, which the CSRF check refuses.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response


@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The same pages for a signed-in respondent: the company's user, or the advisor."""
    a = get_visible_or_404(
        request.user, Assessment.objects.select_related("questionnaire", "company"), pk=pk
    )
    try:
        services.check_respondent(request.user, a)
    except PermissionDenied:
        raise
    return _step(
        a, request, reverse("assessments:answer", args=[pk]), via_link=False, actor=request.user
    )


# Results ---------------------------------------------------------------------------------------
@login_required
@cached_page
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_visible_or_404(
        request.user,
        Assessment.objects.select_related("company", "questionnaire", "baseline", "trajectory"),
        pk=pk,
    )
    scores = list(a.scores.select_related("dimension"))  # type: ignore[attr-defined]
    base = {s.code: s.score for s in a.baseline.scores.all()} if a.baseline else {}  # type: ignore[attr-defined]
    rows = [
        {
            "name": s.dimension.name,
            "score": s.score,
            "t0": base.get(s.code),
            "change": s.score - base[s.code] if s.code in base else None,
        }
        for s in scores
    ]
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": a,
            "rows": rows,
            "can_manage": can(request.user, "manage", a),
            "can_invite": can(request.user, "invite", a),
            "can_cancel": can(request.user, "cancel", a),
            "can_answer": can(request.user, "submit", a)
            if a.status == Status.IN_PROGRESS
            else can(request.user, "start", a),
            "cancel_form": ReasonForm(),
        },
    )


@login_required
def start(request: HttpRequest, company_pk: int) -> HttpResponse:
    company = get_visible_or_404(request.user, Company, pk=company_pk)
    form = StartForm(request.POST or None, company=company)
    if request.method == "POST" and form.is_valid():
        try:
            a = services.start_assessment(
                actor=request.user,
                company=company,
                by_advisor=form.cleaned_data["how"] == "advisor",
                respondent_contact=form.cleaned_data.get("respondent"),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if a.status == Status.IN_PROGRESS:
                return redirect("assessments:answer", pk=a.pk)
            messages.success(request, _("The link to the assessment was sent."))
            return redirect("companies:detail", pk=company.pk)
    elif request.method == "GET":
        from .workflow import chamber

        decision = chamber(request.user, Assessment(company=company, chamber_id=company.chamber_id))
        if not decision:
            raise PermissionDenied(decision.reason)
    return render(
        request,
        "assessments/start.html",
        {"form": form, "company": company},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_visible_or_404(request.user, Assessment, pk=pk)
    try:
        services.invite(actor=request.user, assessment=a)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The link to the assessment was sent."))
    return redirect("assessments:detail", pk=a.pk)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_visible_or_404(request.user, Assessment, pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.cancel(actor=request.user, assessment=a, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The assessment was cancelled."))
    else:
        messages.error(request, _("Say why the assessment is cancelled."))
    return redirect("assessments:detail", pk=a.pk)


def company_pair(user: Any, company: Company) -> tuple[Assessment | None, Assessment | None]:
    """The latest submitted T1 the reader may see and the T0 it compares with (else the latest T0)."""
    submitted = visible(user, Assessment).filter(company=company, status=Status.SUBMITTED)
    t1 = (
        submitted.filter(moment=Moment.T1)
        .select_related("baseline")
        .order_by("-submitted_at")
        .first()
    )
    t0 = (
        t1.baseline
        if t1 and t1.baseline
        else submitted.filter(moment=Moment.T0).order_by("-submitted_at").first()
    )
    return t0, t1


@login_required
def company_chart(request: HttpRequest, company_pk: int) -> HttpResponse:
    company = get_visible_or_404(request.user, Company, pk=company_pk)
    t0, t1 = company_pair(request.user, company)
    if t0 is None and t1 is None:
        raise Http404
    return HttpResponse(charts.radar(t0, t1), content_type="image/svg+xml")


@login_required
@require_POST
def investment(request: HttpRequest, trajectory_pk: int) -> HttpResponse:
    t = get_visible_or_404(request.user, Trajectory, pk=trajectory_pk)
    form = InvestmentForm(request.POST)
    if form.is_valid():
        try:
            services.record_investment(
                actor=request.user, trajectory=t, amount=form.cleaned_data["amount"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Investment facilitated recorded."))
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("amount", [])))
    return redirect("companies:detail", pk=t.company_id)


# The hub's view and its KPI export ------------------------------------------------------------
def _kpi_request(request: HttpRequest) -> tuple[KpiForm, kpi.Period, Any, Any]:
    decision = can_read_kpis(request.user)
    if not decision:
        raise PermissionDenied(decision.reason)
    user: Any = request.user
    hubs = Hub.objects.order_by("name")
    if not user.is_network_wide:
        hubs = hubs.filter(chamber_id=user.chamber_id) | Hub.objects.filter(
            pk__in=visible(user, Trajectory).values("hub")
        )
    form = KpiForm(request.GET or None, hubs=hubs.distinct())
    period = kpi.Period.default()
    hub = None
    if form.is_bound and form.is_valid():
        default = kpi.Period.default()
        period = kpi.Period(
            form.cleaned_data.get("start") or default.start,
            form.cleaned_data.get("end") or default.end,
        )
        hub = form.cleaned_data.get("hub")
    return form, period, hub, visible(user, Trajectory)


@login_required
@cached_page
def hub_view(request: HttpRequest) -> HttpResponse:
    form, period, hub, trajectories = _kpi_request(request)
    k = kpi.compute(trajectories, period, hub=hub)
    labels = {code: exports.dimension_label(code) for code in kpi.DIMENSION_CODES}
    return render(
        request,
        "assessments/hub.html",
        {
            "form": form,
            "k": k,
            "hub": hub,
            "query": request.GET.urlencode(),
            "change_rows": [dict(r, label=labels.get(r["code"], r["code"])) for r in k.change],
            "services": [(label, k.services.get(code, {})) for code, label in _service_choices()],
        },
        status=400 if form.errors else 200,
    )


def _service_choices() -> list[tuple[str, str]]:
    from digihub.network.models import ServiceType

    return [(code, str(label)) for code, label in ServiceType.choices]


@login_required
def kpi_download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "csv", "micro.csv"):
        raise Http404
    form, period, hub, trajectories = _kpi_request(request)
    if form.errors:
        return HttpResponse(" ".join(str(e) for e in form.errors.values()), status=400)
    k = kpi.compute(trajectories, period, hub=hub)
    micro = kpi.micro_data(trajectories, period, hub=hub)
    stem = f"kpi-{hub.pk if hub else 'all'}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    if fmt == "xlsx":
        title = _("EDIH indicators %(hub)s, %(start)s – %(end)s") % {
            "hub": hub or _("all hubs"),
            "start": period.start,
            "end": period.end,
        }
        response = HttpResponse(
            exports.to_xlsx(k, micro, title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return response
    text = exports.indicators_csv(k) if fmt == "csv" else exports.micro_csv(micro)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{stem}{"-micro" if fmt != "csv" else ""}.csv"'
    )
    return response


@login_required
def hub_chart(request: HttpRequest) -> HttpResponse:
    """The hub view's charts as SVG images (``?chart=bands`` or ``change``, same filters)."""
    _form, period, hub, trajectories = _kpi_request(request)
    k = kpi.compute(trajectories, period, hub=hub)
    if request.GET.get("chart") == "change":
        labels = {code: exports.dimension_label(code) for code in kpi.DIMENSION_CODES}
        svg = charts.change(k.change, labels)
    else:
        svg = charts.bands(k.bands)
    return HttpResponse(svg, content_type="image/svg+xml")
