from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from digihub.accounts.roles import Role
from digihub.audit.visibility import sees_internal, shown_events
from digihub.core import throttle
from digihub.core.access import can, get_visible_or_404, visible
from digihub.core.forms import add_errors
from digihub.core.lists import Column, Table, bulk
from digihub.core.page_cache import cached_page
from digihub.core.pagination import paginate
from digihub.core.uploads import serve
from digihub.core.workflow import NotNow

from . import selectors, services
from .forms import (
    AdvisorQuestionForm,
    AttachmentForm,
    ConversationForm,
    HandOverForm,
    PartnerQuestionForm,
    PublicQuestionForm,
    QuestionForm,
    ReasonForm,
    RouteDecisionForm,
    TrajectoryDecisionForm,
    ValidationForm,
)
from .models import Attachment, Channel, Question, Shared, Status
from .policies import can_register
from .workflow import funding_agency

RATE_LIMIT = 5  # public questions per address per ten minutes


def _client_ip(request: HttpRequest) -> str:
    # The same address resolution as the login throttling (django-axes, proxy-aware).
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or "unknown"


def _known_sme(request: HttpRequest) -> dict[str, Any]:
    """A signed-in SME contact does not retype what the platform already knows."""
    user: Any = request.user
    company = getattr(user, "company", None) if getattr(user, "role", "") == Role.SME else None
    if company is None:
        return {}
    return {
        "enterprise_number": company.enterprise_number,
        "company_name": company.name,
        "street": company.street,
        "postcode": company.postcode,
        "city": company.city,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
    }


def public_form(request: HttpRequest) -> HttpResponse:
    form = PublicQuestionForm(request.POST or None, initial=_known_sme(request))
    actor = request.user if request.user.is_authenticated else None
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("website"):
            # A bot filled in the hidden field: answer as if all went well, store nothing.
            return redirect("intake:public_thanks", token="0")  # noqa: S106 - not a secret
        key = f"intake:public:{_client_ip(request)}"
        token = form.cleaned_data.get("token")
        # Sending the same form again is answered without counting; anything else counts first,
        # in one atomic step in the database that every worker shares (no check-then-count race).
        replay = bool(token) and Question.objects.filter(submission_token=token).exists()
        if not replay and not throttle.hit(key, limit=RATE_LIMIT, period=600):
            form.add_error(
                None,
                _(
                    "You sent several questions in a short time. Please wait a few minutes and try again."
                ),
            )
            return render(request, "intake/public_form.html", {"form": form}, status=429)
        try:
            question, created = services.register_question(
                actor=actor,
                data=services.Registration.from_data(
                    form.cleaned_data,
                    channel=Channel.PUBLIC_FORM,
                    token=form.cleaned_data.get("token") or None,
                ),
            )
        except ValidationError as exc:
            if not replay:
                throttle.give_back(key, period=600)
            add_errors(form, exc)
        else:
            if not created and not replay:
                throttle.give_back(key, period=600)
            return redirect("intake:public_thanks", token=question.submission_token or "0")
    return render(
        request, "intake/public_form.html", {"form": form}, status=400 if form.errors else 200
    )


def public_thanks(request: HttpRequest, token: str) -> HttpResponse:
    question = (
        Question.objects.filter(submission_token=token).select_related("chamber").first()
        if len(token) == 32
        else None
    )
    return render(request, "intake/public_thanks.html", {"question": question})


@login_required
def register(request: HttpRequest) -> HttpResponse:
    decision = can_register(request.user)
    if not decision:
        raise PermissionDenied(decision.reason)
    partner = getattr(request.user, "partner", None) if request.user.role == Role.PARTNER else None  # type: ignore[union-attr]
    form_class: type[QuestionForm] = PartnerQuestionForm if partner else AdvisorQuestionForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        channel = Channel.PARTNER if partner else Channel.ADVISOR
        try:
            question, _created = services.register_question(
                actor=request.user,
                data=services.Registration.from_data(form.cleaned_data, channel=channel),
                passed_on_by=partner,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("Question %(ref)s registered.") % {"ref": question.reference}
            )
            return (
                redirect("intake:detail", pk=question.pk)
                if not partner
                else redirect("intake:queue")
            )
    return render(
        request,
        "intake/register.html",
        {"form": form, "partner": partner},
        status=400 if form.errors else 200,
    )


TABS = ("new", "mine", "waiting", "stale", "decided", "all")


@login_required
@cached_page
def queue(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.role == Role.SME:
        return redirect("intake:mine")
    tab = request.GET.get("tab") or ("new" if user.role == Role.ADVISOR else "all")
    if tab not in TABS:
        tab = "all"
    qs = visible(user, Question)
    filters = {
        "new": Q(status=Status.NEW),
        "mine": Q(advisor=user) & ~Q(status=Status.DECIDED),
        "waiting": Q(status=Status.WAITING_SME),
        "stale": selectors.stale_condition(settings.DIGIHUB_STALE_DAYS),
        "decided": Q(status=Status.DECIDED),
        "all": Q(),
    }
    q = (request.GET.get("q") or "").strip()
    listing = qs.filter(filters[tab])
    if q:
        listing = listing.filter(
            Q(reference__icontains=q) | Q(company__name__icontains=q) | Q(text__icontains=q)
        )
    table = Table(
        request,
        # Only what the rows and the export show: whole rows of the question, its company, chamber
        # and partner were a third of the page's CPU.
        listing.select_related("company", "advisor")
        .only(*QUEUE_ROW_FIELDS)
        .prefetch_related("themes"),
        QUEUE_COLUMNS,
        default="last_action" if tab == "stale" else "-registered",
    )
    if table.export_format:
        return table.export(_("questions"))
    page = paginate(request, table.rows)
    # One pass over the reader's questions for every tab's count, instead of a query per tab.
    counts = qs.order_by().aggregate(
        **{
            name: Count("pk", filter=condition)
            for name, condition in filters.items()
            if name != "all"
        }
    )
    template = "intake/_queue_rows.html" if getattr(request, "htmx", False) else "intake/queue.html"
    return render(
        request,
        template,
        {
            "tab": tab,
            "tabs": TABS,
            "page": page,
            "counts": counts,
            "q": q,
            "stale_days": settings.DIGIHUB_STALE_DAYS,
            "may_register": can_register(user),
            "table": table,
            "may_take": user.role in (Role.ADVISOR, Role.COORDINATOR) and tab in ("new", "all"),
        },
    )


QUEUE_ROW_FIELDS = (
    "reference",
    "status",
    "decision",
    "outside_target_group",
    "text",
    "registered_at",
    "last_activity_at",
    "company__name",
    "company__city",
    "advisor__first_name",
    "advisor__last_name",
    "advisor__email",
)
QUEUE_COLUMNS = [
    Column("reference", _lazy("Reference"), "reference", lambda q: q.reference),
    Column("company", _lazy("Company"), "company__name", lambda q: q.company.name),
    Column("municipality", _lazy("Municipality"), "company__city", lambda q: q.company.city),
    Column("question", _lazy("Question"), None, lambda q: q.text),
    Column("themes", _lazy("Themes"), None, lambda q: ", ".join(t.name for t in q.themes.all())),
    Column("registered", _lazy("Registered"), "registered_at", lambda q: q.registered_at),
    Column("status", _lazy("Status"), "status", lambda q: q.get_status_display()),
    Column("advisor", _lazy("Advisor"), "advisor__last_name", lambda q: q.advisor or ""),
    Column("last_action", _lazy("Last action"), "last_activity_at", lambda q: q.last_activity_at),
]


@login_required
@require_POST
def bulk_take(request: HttpRequest) -> HttpResponse:
    """Take several new questions at once: the same service as one "Take up", per question, in
    one transaction; a question someone else took meanwhile is reported, the others are taken."""
    ids = [int(pk) for pk in request.POST.getlist("pick") if pk.isdigit()][:200]
    rows = list(visible(request.user, Question).filter(pk__in=ids).order_by("registered_at"))
    result = bulk(rows, lambda q: services.take_question(actor=request.user, question=q))
    if result.done:
        messages.success(
            request,
            ngettext(
                "You took %(n)s question: %(refs)s.",
                "You took %(n)s questions: %(refs)s.",
                len(result.done),
            )
            % {"n": len(result.done), "refs": ", ".join(q.reference for q in result.done)},
        )
    for q, why in result.refused:
        messages.error(request, _("%(ref)s not taken: %(why)s") % {"ref": q.reference, "why": why})
    if not rows:
        messages.error(request, _("Select at least one question."))
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/questions/") else "intake:queue")


@login_required
@cached_page
def mine(request: HttpRequest) -> HttpResponse:
    qs = (
        visible(request.user, Question)
        .select_related("advisor", "chosen_partner")
        .order_by("-registered_at")
    )
    return render(request, "intake/mine.html", {"questions": qs[:100]})


@login_required
def validations(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    decision = funding_agency(user, Question())
    if not decision:
        raise PermissionDenied(decision.reason)
    qs = (
        visible(user, Question)
        .filter(status=Status.AWAITING_VALIDATION)
        .select_related("company", "chosen_partner", "advisor")
    )
    table = Table(request, qs, VALIDATION_COLUMNS, default="asked")
    if table.export_format:
        return table.export(_("validations"))
    return render(request, "intake/validations.html", {"questions": table.rows, "table": table})


VALIDATION_COLUMNS = [
    Column("question", _lazy("Question"), "reference", lambda q: q.reference),
    Column("company", _lazy("Company"), "company__name", lambda q: q.company.name),
    Column(
        "partner",
        _lazy("Chosen partner"),
        "chosen_partner__short_name",
        lambda q: str(q.chosen_partner or ""),
    ),
    Column("advisor", _lazy("Advisor"), "advisor__last_name", lambda q: str(q.advisor or "")),
    Column("asked", _lazy("Asked"), "last_activity_at", lambda q: q.last_activity_at),
]


# Each action form on the detail page gets its own id prefix, so labels stay unique.
FORM_IDS = {
    "conversation_form": "conv_%s",
    "trajectory_form": "traj_%s",
    "route_form": "route_%s",
    "close_form": "close_%s",
    "wait_form": "wait_%s",
    "reopen_form": "reopen_%s",
    "allow_form": "allow_%s",
    "validation_form": "val_%s",
    "attachment_form": "att_%s",
    "handover_form": "handover_%s",
}


def _detail_context(request: HttpRequest, question: Question, **bound: Any) -> dict[str, Any]:
    user = request.user
    blank = {
        "conversation_form": lambda: ConversationForm(),
        "trajectory_form": lambda: TrajectoryDecisionForm(hub=question.hub),
        "route_form": lambda: RouteDecisionForm(),
        "close_form": lambda: ReasonForm(),
        "wait_form": lambda: ReasonForm(),
        "reopen_form": lambda: ReasonForm(),
        "allow_form": lambda: ReasonForm(),
        "validation_form": lambda: ValidationForm(),
        "attachment_form": lambda: AttachmentForm(),
        "handover_form": lambda: HandOverForm(question=question),
    }
    forms: dict[str, Any] = {}
    for name, make in blank.items():
        form = bound.get(name) or make()
        form.auto_id = FORM_IDS[name]
        forms[name] = form
    internal = sees_internal(user)
    if question.status == Status.WAITING_SME:
        forms["wait_form"].fields["reason"].required = False
        forms["wait_form"].fields["reason"].label = _("What did the SME answer? (optional)")
    return {
        "question": question,
        "conversations": visible(user, question.conversations.all()),
        "attachments": visible(user, question.attachments.all()),
        "events": shown_events(user, question),
        "transitions": question.transitions.select_related("actor") if internal else [],
        "internal": internal,
        "themes": question.themes.all(),
        "can_take": can(user, "take", question),
        "can_work": can(user, "work", question),
        "can_validate": can(user, "approve", question),
        "can_allow": can(user, "allow_target_group", question),
        "trajectory": question.trajectories.first() if hasattr(question, "trajectories") else None,
        "Status": Status,
        **_recommendations(user, question),
        "validation_figures": (
            _validation_figures(question)
            if question.status == Status.AWAITING_VALIDATION and internal
            else None
        ),
        **forms,
    }


def _validation_figures(question: Question) -> dict[str, Any]:
    """What the officer needs to validate a partner choice, summed in the database by the
    funding engine and the trajectories' own reads: what is left of the hub's guidance budget
    per source, the company's de minimis headroom, and the chosen partner's free capacity."""
    from django.apps import apps
    from django.utils import timezone

    from digihub.core.money import ZERO
    from digihub.funding.services import (
        FundingRefused,
        committed_by_source,
        de_minimis_received,
        guidance_budget,
        split_amount,
    )

    figures: dict[str, Any] = {"budget": None, "sources": [], "de_minimis": None, "load": None}
    today = timezone.localdate()
    if question.hub is not None:
        try:
            budget = guidance_budget(hub=question.hub, on=today)
        except FundingRefused as exc:
            figures["budget_refused"] = " ".join(exc.messages)
        else:
            used = committed_by_source(
                programme=budget.programme, hub=budget.hub, project_type=budget.project_type
            )
            figures["budget"] = budget
            figures["sources"] = [
                {
                    "name": line.source_name,
                    "budget": line.amount,
                    "left": line.amount - used.get(line.source_code, ZERO),
                }
                for line in split_amount(budget.project_type, budget.amount).lines
            ]
            programme = budget.programme
            received = de_minimis_received(
                question.company, on=today, years=programme.de_minimis_years
            )
            figures["de_minimis"] = {
                "ceiling": programme.de_minimis_ceiling,
                "received": received,
                "left": max(programme.de_minimis_ceiling - received, ZERO),
                "years": programme.de_minimis_years,
            }
    if question.chosen_partner is not None and apps.is_installed("digihub.trajectories"):
        from digihub.trajectories.selectors import partner_load

        load = partner_load(question.chosen_partner)
        figures["load"] = {**load, "free": max(load["capacity"] - load["running"], 0)}
    return figures


def _recommendations(user: Any, question: Question) -> dict[str, Any]:
    """The ranked partners with their reasons, where the advisor decides and the officer
    validates (the matching context ranks them and records what was shown)."""
    from django.apps import apps

    if not apps.is_installed("digihub.matching"):
        return {}
    from digihub.matching.services import for_question_page

    return for_question_page(user, question)


def _question(request: HttpRequest, pk: int) -> Question:
    return get_visible_or_404(
        request.user,
        Question.objects.select_related(
            "company",
            "contact",
            "chamber",
            "hub",
            "advisor",
            "chosen_partner",
            "commercial_partner",
        ),
        pk=pk,
    )


@login_required
@cached_page
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    return render(request, "intake/detail.html", _detail_context(request, question))


def _act(
    request: HttpRequest, question: Question, form: Any, action: Any, success: str, form_name: str
) -> HttpResponse:
    if form is None or form.is_valid():
        try:
            action(form.cleaned_data if form is not None else {})
        except ValidationError as exc:
            if form is None or isinstance(exc, NotNow):
                # The action does not fit the question's state (any more): say why on the page.
                messages.error(request, " ".join(exc.messages))
                return redirect("intake:detail", pk=question.pk)
            add_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("intake:detail", pk=question.pk)
    question.refresh_from_db()
    return render(
        request,
        "intake/detail.html",
        _detail_context(request, question, **{form_name: form}),
        status=400,
    )


@login_required
@require_POST
def take(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    return _act(
        request,
        question,
        None,
        lambda d: services.take_question(actor=request.user, question=question),
        _("You are now the single point of contact for this question."),
        "",
    )


@login_required
@require_POST
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    form = ConversationForm(request.POST, request.FILES)

    def run(d: dict[str, Any]) -> None:
        services.record_conversation(
            actor=request.user,
            question=question,
            kind=d["kind"],
            held_on=d["held_on"],
            participants=d["participants"],
            current_situation=d["current_situation"],
            desired_situation=d["desired_situation"],
            concrete_questions=d["concrete_questions"],
            notes=d["notes"],
            attachments=[d["attachment"]] if d.get("attachment") else None,
        )

    return _act(request, question, form, run, _("Conversation recorded."), "conversation_form")


@login_required
@require_POST
def waiting(request: HttpRequest, pk: int) -> HttpResponse:
    """Put the question on hold until the SME answers, or take it up again."""
    question = _question(request, pk)
    if question.status == Status.WAITING_SME:
        form = ReasonForm(request.POST)
        form.fields["reason"].required = False
        return _act(
            request,
            question,
            form,
            lambda d: services.resume_question(
                actor=request.user, question=question, reason=d["reason"]
            ),
            _("The question is back in progress."),
            "wait_form",
        )
    form = ReasonForm(request.POST)
    return _act(
        request,
        question,
        form,
        lambda d: services.set_waiting_on_sme(
            actor=request.user, question=question, reason=d["reason"]
        ),
        _("Marked as waiting on the SME."),
        "wait_form",
    )


@login_required
@require_POST
def hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    form = HandOverForm(request.POST, question=question)
    return _act(
        request,
        question,
        form,
        lambda d: services.hand_over_question(
            actor=request.user, question=question, to=d["advisor"], reason=d["reason"]
        ),
        _("The question is handed over."),
        "handover_form",
    )


@login_required
@require_POST
def decide_trajectory(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    form = TrajectoryDecisionForm(request.POST, hub=question.hub)
    return _act(
        request,
        question,
        form,
        lambda d: services.decide_trajectory(
            actor=request.user,
            question=question,
            partner=d["partner"],
            reason=d["reason"],
            ask_validation=d["ask_validation"],
            service_type=d["service_type"],
        ),
        _("Decision recorded."),
        "trajectory_form",
    )


@login_required
@require_POST
def decide_route(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    form = RouteDecisionForm(request.POST)
    return _act(
        request,
        question,
        form,
        lambda d: services.decide_no_trajectory(
            actor=request.user,
            question=question,
            route=d["route"],
            reason=d["reason"],
            commercial_partner=d["commercial_partner"],
        ),
        _("Decision recorded."),
        "route_form",
    )


@login_required
@require_POST
def close_info(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    form = ReasonForm(request.POST)
    return _act(
        request,
        question,
        form,
        lambda d: services.close_info_only(
            actor=request.user, question=question, reason=d["reason"]
        ),
        _("Question closed as information only."),
        "close_form",
    )


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    form = ReasonForm(request.POST)
    return _act(
        request,
        question,
        form,
        lambda d: services.reopen_question(
            actor=request.user, question=question, reason=d["reason"]
        ),
        _("Question reopened."),
        "reopen_form",
    )


@login_required
@require_POST
def allow(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    form = ReasonForm(request.POST)

    return _act(
        request,
        question,
        form,
        lambda d: services.allow_outside_target_group(
            actor=request.user, question=question, reason=d["reason"]
        ),
        _("Exception recorded."),
        "allow_form",
    )


@login_required
@require_POST
def validate(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    form = ValidationForm(request.POST)
    approve = request.POST.get("verdict") == "approve"

    def run(d: dict[str, Any]) -> None:
        if approve:
            services.approve_partner_validation(
                actor=request.user, question=question, comment=d["comment"]
            )
        else:
            services.reject_partner_validation(
                actor=request.user, question=question, comment=d["comment"]
            )

    return _act(request, question, form, run, _("Validation recorded."), "validation_form")


@login_required
@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    return _act(
        request,
        question,
        form,
        lambda d: services.add_attachment(
            actor=request.user,
            question=question,
            upload=d["file"],
            shared_with=d.get("shared_with") or Shared.INTERNAL,
        ),
        _("Attachment added."),
        "attachment_form",
    )


@login_required
def attachment(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    item = get_visible_or_404(request.user, Attachment, pk=pk)
    if not item.file:
        raise Http404
    return serve(item.file, item.name, item.content_type)
