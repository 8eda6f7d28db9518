from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from digihub.accounts.models import User
from digihub.accounts.roles import Role
from digihub.audit.visibility import sees_internal, shown_events
from digihub.core.access import can, get_visible_or_404, visible
from digihub.core.forms import add_errors
from digihub.core.lists import Column, Table
from digihub.core.money import ZERO
from digihub.core.page_cache import cached_page
from digihub.core.pagination import paginate
from digihub.core.uploads import serve
from digihub.core.workflow import NotNow
from digihub.funding.models import PaymentRequest
from digihub.funding.services import FundingRefused, guidance_split
from digihub.network.models import KnowledgePartner
from digihub.trajectories.policies import trajectory_condition

from . import selectors, services
from .calendar import to_ics
from .forms import (
    AdviceForm,
    CompleteForm,
    OutcomeForm,
    PartnerForm,
    QuoteForm,
    QuoteLineFormSet,
    ReasonForm,
    SessionForm,
    SignedCopyForm,
    SignForm,
    SurveyForm,
    TrajectoryFilter,
    line_dicts,
)
from .models import OPEN_PHASES, Phase, Quote, QuoteStatus, Session, Trajectory


def _trajectory(request: HttpRequest, pk: int, *related: str) -> Trajectory:
    return get_visible_or_404(
        request.user,
        Trajectory.objects.select_related(
            "company", "hub", "chamber", "partner", "advisor", "question", *related
        ),
        pk=pk,
    )


@login_required
@cached_page
def trajectory_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.role == Role.PARTNER:
        return redirect("trajectories:partner_workspace")
    if user.role == Role.SME:
        return redirect("trajectories:sme_workspace")
    form = TrajectoryFilter(request.GET or None)
    # Offer only the partners this user's trajectories run with: a handful for an advisor,
    # instead of every partner of the network rendered as an option.
    if trajectory_condition(user) is not None:
        partner_ids = visible(user, Trajectory).order_by().values_list("partner_id", flat=True)
        form.fields["partner"].queryset = KnowledgePartner.objects.filter(  # type: ignore[attr-defined]
            pk__in=list(partner_ids.distinct())
        ).order_by("short_name")
    qs = visible(user, Trajectory).select_related("company", "partner", "advisor", "hub")
    if form.is_valid():
        if form.cleaned_data.get("phase"):
            qs = qs.filter(phase=form.cleaned_data["phase"])
        if form.cleaned_data.get("partner"):
            qs = qs.filter(partner=form.cleaned_data["partner"])
        if form.cleaned_data.get("q"):
            term = form.cleaned_data["q"]
            qs = qs.filter(Q(reference__icontains=term) | Q(company__name__icontains=term))
    # Open trajectories that have not moved for the longest time come first when one open phase
    # is shown; otherwise the most recently moved ones.
    open_phase = form.is_valid() and form.cleaned_data.get("phase") in OPEN_PHASES
    table = Table(
        request,
        qs,
        TRAJECTORY_COLUMNS,
        default="phase_since" if open_phase else "-phase_since",
    )
    if table.export_format:
        return table.export(_("trajectories"))
    # The page reads only the columns it shows, as values; the export above reads whole rows.
    rows = selectors.TableRows()
    page = paginate(request, table.rows.values_list(*LIST_COLUMNS.values()))
    page.object_list = _with_advisor(rows.trajectories(page.object_list, LIST_COLUMNS))
    if getattr(request, "htmx", False):
        return render(request, "trajectories/_list_rows.html", {"page": page, "table": table})
    counts = dict(
        visible(user, Trajectory)
        .values_list("phase")
        .annotate(n=Count("pk"))
        .values_list("phase", "n")
    )
    stale = rows.trajectories(
        visible(user, Trajectory).filter(phase__in=OPEN_PHASES).order_by("phase_changed_at")[:5],
        ROW_COLUMNS,
    )
    return render(
        request,
        "trajectories/list.html",
        {
            "form": form,
            "page": page,
            "table": table,
            "counts": counts,
            "phases": Phase,
            "stale": stale,
        },
    )


TRAJECTORY_COLUMNS = [
    Column("reference", _lazy("Trajectory"), "reference", lambda t: t.reference),
    Column("company", _lazy("Company"), "company__name", lambda t: t.company.name),
    Column("municipality", _lazy("Municipality"), "company__city", lambda t: t.company.city),
    Column("phase", _lazy("Phase"), "phase", lambda t: t.get_phase_display()),
    Column("partner", _lazy("Partner"), "partner__short_name", lambda t: t.partner.short_name),
    Column("advisor", _lazy("Advisor"), "advisor__last_name", lambda t: str(t.advisor or "")),
    Column("hub", _lazy("Hub"), "hub__name", lambda t: t.hub.name),
    Column("started", _lazy("Started"), "started_at", lambda t: t.started_at),
    Column(
        "phase_since",
        _lazy("In this phase since"),
        "phase_changed_at",
        lambda t: t.phase_changed_at,
    ),
]


# The columns of trajectories/_list_rows.html (name in the template: field).
LIST_COLUMNS = {
    "pk": "pk",
    "reference": "reference",
    "phase": "phase",
    "phase_changed_at": "phase_changed_at",
    "started_at": "started_at",
    "company": "company__name",
    "city": "company__city",
    "partner": "partner__short_name",
    "advisor_first_name": "advisor__first_name",
    "advisor_last_name": "advisor__last_name",
    "advisor_email": "advisor__email",
    "hub": "hub__name",
}

# The columns of trajectories/_rows.html.
ROW_COLUMNS = {
    "pk": "pk",
    "reference": "reference",
    "phase": "phase",
    "phase_changed_at": "phase_changed_at",
    "company": "company__name",
    "partner": "partner__short_name",
}

# The coming sessions of partner_workspace.html.
SESSION_COLUMNS = {
    "trajectory_id": "trajectory_id",
    "title": "title",
    "starts_at": "starts_at",
    "place": "place",
    "company": "trajectory__company__name",
}


def _with_advisor(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row's advisor as a user's name shows (``User.__str__``) from the three columns read,
    built once per advisor of the page rather than once per row."""
    names: dict[tuple[str, str, str], str] = {}
    for row in rows:
        person = (
            row.pop("advisor_first_name"),
            row.pop("advisor_last_name"),
            row.pop("advisor_email"),
        )
        if person not in names:
            first, last, email = person
            names[person] = str(User(first_name=first, last_name=last, email=email))
        row["advisor"] = names[person]
    return rows


@login_required
@cached_page
def partner_workspace(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.role != Role.PARTNER:
        raise PermissionDenied(_("This is the knowledge partners' workspace."))
    # Only what the rows show, as values (see selectors.TableRows): whole rows of five tables for
    # 100 trajectories were a third of the page's CPU.
    mine = visible(user, Trajectory)
    load = selectors.partner_load(user.partner)
    rows = selectors.TableRows()
    return render(
        request,
        "trajectories/partner_workspace.html",
        {
            "partner": user.partner,
            "load": load,
            "to_quote": rows.trajectories(
                mine.filter(phase__in=[Phase.STARTUP, Phase.QUOTE]).order_by("phase_changed_at")[
                    :50
                ],
                ROW_COLUMNS,
            ),
            "running": rows.trajectories(
                mine.filter(phase=Phase.EXECUTION).order_by("phase_changed_at")[:50], ROW_COLUMNS
            ),
            # Only of running trajectories: a day dated after completion is not "coming".
            "sessions": rows.sessions(
                visible(user, Session).filter(
                    starts_at__gte=timezone.now(), trajectory__phase__in=OPEN_PHASES
                )[:20],
                SESSION_COLUMNS,
            ),
        },
    )


def _with_own_share(quotes: Any) -> list[Any]:
    """Quotes to sign, each with the SME's own share as the funding engine splits the total."""
    rows = list(quotes)
    for quote in rows:
        try:
            quote.own_share = guidance_split(
                hub=quote.trajectory.hub,
                amount=quote.total,
                service_type=quote.trajectory.service_type,
            ).private
        except FundingRefused:
            quote.own_share = quote.total
    return rows


@login_required
@cached_page
def sme_workspace(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.role != Role.SME:
        raise PermissionDenied(_("This is the SMEs' workspace."))
    trajectories = visible(user, Trajectory).order_by("-started_at")
    return render(
        request,
        "trajectories/sme_workspace.html",
        {
            "trajectories": selectors.TableRows().trajectories(trajectories, ROW_COLUMNS),
            "to_sign": _with_own_share(
                visible(user, Quote)
                .filter(status=QuoteStatus.ISSUED, trajectory__phase=Phase.QUOTE)
                .select_related("trajectory", "trajectory__hub")
            ),
            "sessions": visible(user, Session)
            .filter(starts_at__gte=timezone.now(), trajectory__phase__in=OPEN_PHASES)
            .select_related("trajectory")[:20],
            "payments": visible(user, PaymentRequest).order_by("-created_at")[:20],
            "surveys": trajectories.filter(phase=Phase.COMPLETED, survey__isnull=True),
        },
    )


def _detail_context(request: HttpRequest, t: Trajectory, **bound: Any) -> dict[str, Any]:
    user = request.user
    quotes = visible(user, t.quotes.all()).prefetch_related("lines")  # type: ignore[attr-defined]
    current = next((q for q in quotes if q.status != QuoteStatus.SUPERSEDED), None)
    split = None
    if current is not None:
        try:
            split = guidance_split(hub=t.hub, amount=current.total, service_type=t.service_type)
        except FundingRefused:
            split = None
    # Each action form gets its own id prefix so labels stay unique on the page; a form that
    # was sent and refused comes back bound, with what was typed and the errors at its fields.
    blank: dict[str, Any] = {
        "sign_form": lambda: SignForm(
            initial={"pdf_sha256": current.pdf_sha256 if current else ""}
        ),
        "copy_form": SignedCopyForm,
        "session_form": SessionForm,
        "advice_form": AdviceForm,
        "complete_form": CompleteForm,
        "reason_form": ReasonForm,
        "partner_form": PartnerForm,
        "survey_form": SurveyForm,
        "outcome_form": OutcomeForm,
    }
    forms: dict[str, Any] = {}
    for name, make in blank.items():
        form = bound.get(name) or make()
        form.auto_id = f"{name.removesuffix('_form')}_%s"
        forms[name] = form
    sessions = list(t.sessions.all())  # type: ignore[attr-defined]
    may_steer, may_execute, may_sign = (can(user, a, t) for a in ("steer", "execute", "sign"))
    final_cost = current.total if current and current.status == QuoteStatus.SIGNED else None
    if "complete_form" not in bound and final_cost is not None:
        # The final cost starts at the signed amount; the partner changes it when it differs.
        forms["complete_form"] = CompleteForm(initial={"final_cost": final_cost})
        forms["complete_form"].auto_id = "complete_%s"
    return {
        "t": t,
        "brief": _brief(t),
        "contact": t.question.contact if t.question_id and t.question else None,
        "next_step": _next_step(t, current, sessions, may_execute, may_sign),
        "quotes": quotes,
        "current": current,
        "split": split,
        "spans": t.spans.all(),  # type: ignore[attr-defined]
        "sessions": sessions,
        "advice": getattr(t, "advice", None),
        "survey": getattr(t, "survey", None),
        "events": shown_events(user, t),
        "internal": sees_internal(user),
        "themes": t.themes.all(),
        "may_steer": may_steer,
        "may_execute": may_execute,
        "may_sign": may_sign,
        "Phase": Phase,
        "QuoteStatus": QuoteStatus,
        "sme_share": selectors.sme_share(t),
        # Signing asks for the SME's share: it sees what to pay, and how, on the same page.
        "payment": (
            selectors.quote_payment(user, current)
            if current is not None and current.status == QuoteStatus.SIGNED
            else None
        ),
        **forms,
    }


def _brief(t: Trajectory) -> dict[str, str]:
    """What the SME told in the exploratory conversations: the situation now, the one it wants and
    its concrete questions. Only these three fields are read; the advisor's notes stay inside."""
    if not t.question_id:
        return {}
    from digihub.intake.models import ContactKind, Conversation

    rows = (
        Conversation.objects.filter(question_id=t.question_id, kind=ContactKind.EXPLORATORY)
        .order_by("held_on", "pk")
        .values_list("current_situation", "desired_situation", "concrete_questions")
    )
    current, desired, concrete = ([r[i] for r in rows if r[i]] for i in range(3))
    return {
        "current": "\n\n".join(current),
        "desired": "\n\n".join(desired),
        "concrete": t.concrete_questions or "\n\n".join(concrete),
    }


def _next_step(
    t: Trajectory, current: Quote | None, sessions: list[Session], may_execute: Any, may_sign: Any
) -> dict[str, str] | None:
    """The one thing the reader does next on this page, shown as the primary button
    (``may_execute`` and ``may_sign``: the reader's decisions for these steps on ``t``)."""
    if may_execute:
        if t.phase == Phase.STARTUP or (
            t.phase == Phase.QUOTE and (current is None or current.status == QuoteStatus.DRAFT)
        ):
            if current is not None and current.status == QuoteStatus.DRAFT:
                return {
                    "key": "issue",
                    "href": "#sign",
                    "label": _("Check the draft and send it to the SME"),
                }
            return {
                "key": "quote",
                "href": reverse("trajectories:quote_new", args=[t.pk]),
                "label": _("Draft the quote"),
            }
        if t.phase == Phase.EXECUTION:
            if not sessions:
                return {"key": "plan", "href": "#plan", "label": _("Plan a test day or session")}
            if getattr(t, "advice", None) is None:
                return {"key": "advice", "href": "#advice", "label": _("Deliver the advice")}
            return {"key": "complete", "href": "#complete", "label": _("Complete the trajectory")}
    if (
        may_sign
        and t.phase == Phase.QUOTE
        and current is not None
        and current.status == QuoteStatus.ISSUED
    ):
        return {"key": "sign", "href": "#sign", "label": _("Sign the quote")}
    return None


@login_required
@cached_page
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    # The SME's contact, the advice and the survey come with the trajectory: one query, not four.
    t = _trajectory(request, pk, "question__contact", "advice", "survey")
    return render(request, "trajectories/detail.html", _detail_context(request, t))


def _post(
    request: HttpRequest, t: Trajectory, form: Any, run: Any, success: str, form_name: str
) -> HttpResponse:
    """Run a step from a form: done -> back to the page; refused -> the page again, with the
    form as typed and the reasons at its fields; not possible now -> back, saying why."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except NotNow as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("trajectories:detail", pk=t.pk)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("trajectories:detail", pk=t.pk)
    t.refresh_from_db()
    return render(
        request,
        "trajectories/detail.html",
        _detail_context(request, t, **{form_name: form}),
        status=400,
    )


@login_required
def quote_edit(request: HttpRequest, pk: int, quote_pk: int | None = None) -> HttpResponse:
    t = _trajectory(request, pk)
    decision = can(request.user, "quote", t)
    if not decision:
        raise PermissionDenied(decision.reason)
    quote = get_visible_or_404(request.user, t.quotes.all(), pk=quote_pk) if quote_pk else None  # type: ignore[attr-defined]
    source = quote or t.quotes.exclude(status=QuoteStatus.SUPERSEDED).order_by("-number").first()  # type: ignore[attr-defined]
    if request.method == "POST":
        form = QuoteForm(request.POST)
        lines = QuoteLineFormSet(request.POST, prefix="lines")
        if form.is_valid() and lines.is_valid():
            try:
                saved = services.save_quote(
                    actor=request.user,
                    trajectory=t,
                    scope=form.cleaned_data["scope"],
                    methodology=form.cleaned_data["methodology"],
                    valid_until=form.cleaned_data["valid_until"],
                    lines=line_dicts(lines),
                    quote=quote if quote and quote.status == QuoteStatus.DRAFT else None,
                    expected_revision=form.cleaned_data.get("revision"),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Quote version %(n)s saved.") % {"n": saved.number})
                return redirect("trajectories:detail", pk=t.pk)
    else:
        initial = (
            {
                "scope": source.scope,
                "methodology": source.methodology,
                "valid_until": source.valid_until,
                "revision": source.revision,
            }
            if source
            else {}
        )
        form = QuoteForm(initial=initial)
        line_initial = (
            [
                {"description": line.description, "days": line.days, "day_rate": line.day_rate}
                for line in source.lines.all()
            ]
            if source
            else []
        )
        lines = QuoteLineFormSet(prefix="lines", initial=line_initial)
    return render(
        request,
        "trajectories/quote_form.html",
        {"t": t, "form": form, "lines": lines, "quote": quote},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def quote_split(request: HttpRequest, pk: int) -> HttpResponse:
    """The total of the lines being typed and who pays it: the funding engine's own split for the
    trajectory's hub and service type (htmx, while the partner edits the quote)."""
    t = _trajectory(request, pk)
    decision = can(request.user, "quote", t)
    if not decision:
        raise PermissionDenied(decision.reason)
    lines = QuoteLineFormSet(request.GET, prefix="lines")
    total = split = None
    problem = ""
    if lines.is_valid():
        typed = line_dicts(lines)
        try:
            # The same line arithmetic (cents, limits) as saving the quote.
            priced = services._clean_lines(typed) if typed else []
            total = sum((line.amount for line in priced), ZERO)
            split = guidance_split(hub=t.hub, amount=total, service_type=t.service_type)
        except ValidationError as exc:
            problem = " ".join(exc.messages)
    else:
        problem = _("Check the days and day rates: they must be numbers of 0 or more.")
    return render(
        request,
        "trajectories/_quote_split.html",
        {"t": t, "total": total, "split": split, "problem": problem},
    )


@login_required
@require_POST
def quote_issue(request: HttpRequest, pk: int, quote_pk: int) -> HttpResponse:
    t = _trajectory(request, pk)
    quote = get_visible_or_404(request.user, t.quotes.all(), pk=quote_pk)  # type: ignore[attr-defined]
    try:
        services.issue_quote(actor=request.user, quote=quote)
        messages.success(request, _("The quote was sent to the SME to sign."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("trajectories:detail", pk=t.pk)


@login_required
def quote_pdf(request: HttpRequest, pk: int, quote_pk: int) -> HttpResponse:
    t = _trajectory(request, pk)
    quote = get_visible_or_404(request.user, t.quotes.all(), pk=quote_pk)  # type: ignore[attr-defined]
    data = quote.pdf.read() if quote.pdf else services.quote_pdf(quote)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{t.reference}-v{quote.number}.pdf"'
    return response


@login_required
@require_POST
def quote_sign(request: HttpRequest, pk: int, quote_pk: int) -> HttpResponse:
    t = _trajectory(request, pk)
    quote = get_visible_or_404(request.user, t.quotes.all(), pk=quote_pk)  # type: ignore[attr-defined]
    return _post(
        request,
        t,
        SignForm(request.POST),
        lambda d: services.sign_quote_online(
            actor=request.user,
            quote=quote,
            signer_name=d["signer_name"],
            pdf_sha256=d["pdf_sha256"],
        ),
        _("Quote signed. Thank you! Below you find what you pay, to whom and by when."),
        "sign_form",
    )


@login_required
@require_POST
def quote_signed_copy(request: HttpRequest, pk: int, quote_pk: int) -> HttpResponse:
    t = _trajectory(request, pk)
    quote = get_visible_or_404(request.user, t.quotes.all(), pk=quote_pk)  # type: ignore[attr-defined]
    return _post(
        request,
        t,
        SignedCopyForm(request.POST, request.FILES),
        lambda d: services.upload_signed_copy(
            actor=request.user, quote=quote, upload=d["file"], signer_name=d["signer_name"]
        ),
        _("Signed copy recorded; funding committed."),
        "copy_form",
    )


@login_required
def quote_copy_file(request: HttpRequest, pk: int, quote_pk: int) -> StreamingHttpResponse:
    t = _trajectory(request, pk)
    quote = get_visible_or_404(request.user, t.quotes.all(), pk=quote_pk)  # type: ignore[attr-defined]
    if not quote.signed_copy:
        raise Http404
    return serve(quote.signed_copy, f"{t.reference}-signed.pdf", "application/pdf")


@login_required
@require_POST
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    t = _trajectory(request, pk)
    return _post(
        request,
        t,
        SessionForm(request.POST),
        lambda d: services.plan_session(actor=request.user, trajectory=t, **d),
        _("Planned; the invitation was sent."),
        "session_form",
    )


@login_required
@require_POST
def session_outcome(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    t = _trajectory(request, pk)
    session = get_visible_or_404(request.user, t.sessions.all(), pk=session_pk)  # type: ignore[attr-defined]
    return _post(
        request,
        t,
        OutcomeForm(request.POST),
        lambda d: services.record_outcome(
            actor=request.user, session=session, outcome=d["outcome"]
        ),
        _("Outcome recorded."),
        "outcome_form",
    )


@login_required
def session_ics(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    t = _trajectory(request, pk)
    session = get_visible_or_404(
        request.user, t.sessions.select_related("trajectory"), pk=session_pk
    )  # type: ignore[attr-defined]
    response = HttpResponse(to_ics([session]), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{t.reference}-{session.pk}.ics"'
    return response


@login_required
def calendar_ics(request: HttpRequest) -> HttpResponse:
    sessions = (
        visible(request.user, Session)
        .select_related("trajectory")
        .filter(starts_at__gte=timezone.now() - dt.timedelta(days=90))
    )
    response = HttpResponse(to_ics(sessions[:500]), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="digihub.ics"'
    return response


@login_required
@require_POST
def advice(request: HttpRequest, pk: int) -> HttpResponse:
    t = _trajectory(request, pk)
    return _post(
        request,
        t,
        AdviceForm(request.POST, request.FILES),
        lambda d: services.deliver_advice(
            actor=request.user,
            trajectory=t,
            kind=d["kind"],
            delivered_on=d["delivered_on"],
            summary=d["summary"],
            upload=d.get("file"),
        ),
        _("Advice delivered."),
        "advice_form",
    )


@login_required
def advice_file(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    t = _trajectory(request, pk)
    item = getattr(t, "advice", None)
    if item is None or not item.file:
        raise Http404
    return serve(item.file, item.file.name.rsplit("/", 1)[-1], "application/octet-stream")


@login_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    t = _trajectory(request, pk)
    return _post(
        request,
        t,
        CompleteForm(request.POST),
        lambda d: services.complete(
            actor=request.user, trajectory=t, final_cost=d["final_cost"], reason=d["reason"]
        ),
        _("Trajectory completed."),
        "complete_form",
    )


@login_required
@require_POST
def stop(request: HttpRequest, pk: int) -> HttpResponse:
    t = _trajectory(request, pk)
    return _post(
        request,
        t,
        ReasonForm(request.POST),
        lambda d: services.stop(actor=request.user, trajectory=t, reason=d["reason"]),
        _("Trajectory stopped."),
        "reason_form",
    )


@login_required
@require_POST
def change_partner(request: HttpRequest, pk: int) -> HttpResponse:
    t = _trajectory(request, pk)
    return _post(
        request,
        t,
        PartnerForm(request.POST),
        lambda d: services.change_partner(
            actor=request.user, trajectory=t, partner=d["partner"], reason=d["reason"]
        ),
        _("Partner changed."),
        "partner_form",
    )


@login_required
@require_POST
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    t = _trajectory(request, pk)
    return _post(
        request,
        t,
        SurveyForm(request.POST),
        lambda d: services.answer_survey(
            actor=request.user, trajectory=t, score=d["score"], comment=d["comment"]
        ),
        _("Thank you for your answer."),
        "survey_form",
    )
