"""What awaits a person, per role: the "To do" page and the count in the navigation.

Every source is a queryset limited by ``visible(user, …)`` (the one permission rule) and a way to
turn one row into an :class:`Item`. The page reads each source once (a fixed number of queries,
whatever the number of items); the navigation only counts.

Deadlines: a new or running question is due ``DIGIHUB_STALE_DAYS`` after its last action (after
that it is "stale"), a trajectory likewise after it entered its phase, a quote to sign by its
"valid until" date, a payment ``PAYMENT_DAYS`` after it was requested. The list shows the most
pressing first: overdue items on top, then the nearest deadline; items without one last.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, overload

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digihub.accounts.roles import Role
from digihub.core.access import visible
from digihub.core.links import object_path
from digihub.core.money import ZERO

PAYMENT_DAYS = 30  # an SME pays its share within a month of signing
BUDGET_WARNING = Decimal("0.9")  # a budget is "near its limit" from 90 % committed
MAX_ITEMS = 1_000_000  # the end of an open slice of the to-do list


@dataclass(frozen=True)
class Item:
    kind: str  # a stable code ("sign_quote"), never matched on the label
    label: Any  # what to do, translated
    subject: str  # what it is about: a reference and a company
    url: str
    due: dt.date | None = None
    amount: Decimal | None = None  # money the person acts on (the SME's own share, …)
    detail: str = ""

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()


@dataclass(frozen=True)
class Source:
    kind: str
    roles: frozenset[str]
    rows: Callable[[Any], QuerySet[Any]]
    items: Callable[[Any, list[Any]], Iterable[Item]]
    # The column the items' due date follows (never against it), so the database returns a
    # source's most pressing rows first and a page reads only as many as it shows.
    due_field: str | None = None


def _day(moment: dt.datetime | None, days: int = 0) -> dt.date | None:
    if moment is None:
        return None
    return timezone.localtime(moment).date() + dt.timedelta(days=days)


def _stale_days() -> int:
    return int(settings.DIGIHUB_STALE_DAYS)


def _ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


# --- questions (advisor, officer, coordinator) ---------------------------------------------


QUESTION_ITEM_FIELDS = (
    "reference",
    "text",
    "last_activity_at",
    "validated_at",
    "company__name",
)
TRAJECTORY_ITEM_FIELDS = (
    "reference",
    "phase_changed_at",
    "quote_signed_at",
    "completed_at",
    "company__name",
    "partner__short_name",
)


def _questions(user: Any) -> QuerySet[Any]:
    from digihub.intake.models import Question

    # Only what an item shows: whole rows of three tables for the first items of each source
    # were most of the page's CPU.
    return visible(user, Question).select_related("company").only(*QUESTION_ITEM_FIELDS)


def _question_items(label: Any, *, due_from: str = "last_activity_at") -> Callable[..., Any]:
    def build(user: Any, rows: list[Any]) -> Iterable[Item]:
        for q in rows:
            yield Item(
                kind="",
                label=label,
                subject=f"{q.reference} · {q.company.name}",
                url=object_path("intake:detail", q.pk),
                due=_day(getattr(q, due_from), 0 if due_from == "validated_at" else _stale_days()),
                detail=q.text[:140],
            )

    return build


def _new_questions(user: Any) -> QuerySet[Any]:
    from digihub.intake.models import Status

    return _questions(user).filter(status=Status.NEW, chamber_id=user.chamber_id)


def _stale_questions(user: Any) -> QuerySet[Any]:
    from digihub.intake.models import Status

    return _questions(user).filter(
        advisor=user,
        status__in=[Status.IN_PROGRESS, Status.WAITING_SME],
        last_activity_at__lt=_ago(_stale_days()),
    )


def _rejected_validations(user: Any) -> QuerySet[Any]:
    from digihub.intake.models import Status, Validation

    return _questions(user).filter(
        advisor=user,
        validation=Validation.REJECTED,
        status__in=[Status.IN_PROGRESS, Status.WAITING_SME],
    )


def _validations_to_do(user: Any) -> QuerySet[Any]:
    from digihub.intake.models import Status

    return _questions(user).filter(status=Status.AWAITING_VALIDATION)


def _exceptions_to_allow(user: Any) -> QuerySet[Any]:
    from digihub.intake.models import OPEN_STATUSES

    return _questions(user).filter(
        outside_target_group=True,
        target_group_allowed_by__isnull=True,
        status__in=OPEN_STATUSES,
    )


# --- trajectories (advisor, partner, SME) --------------------------------------------------


def _trajectories(user: Any) -> QuerySet[Any]:
    from digihub.trajectories.models import Trajectory

    return (
        visible(user, Trajectory).select_related("company", "partner").only(*TRAJECTORY_ITEM_FIELDS)
    )


def _trajectory_items(label: Any, *, since: str = "phase_changed_at") -> Callable[..., Any]:
    def build(user: Any, rows: list[Any]) -> Iterable[Item]:
        for t in rows:
            yield Item(
                kind="",
                label=label,
                subject=f"{t.reference} · {t.company.name}",
                url=object_path("trajectories:detail", t.pk),
                due=_day(getattr(t, since), _stale_days()),
            )

    return build


def _unmoved_trajectories(user: Any) -> QuerySet[Any]:
    from digihub.trajectories.models import OPEN_PHASES

    return _trajectories(user).filter(
        advisor=user, phase__in=OPEN_PHASES, phase_changed_at__lt=_ago(_stale_days())
    )


def _quotes_to_write(user: Any) -> QuerySet[Any]:
    """Start-up or quote phase and no version issued to the SME yet (a draft may exist)."""
    from digihub.trajectories.models import Phase, Quote, QuoteStatus

    waiting = Quote.objects.filter(
        trajectory=OuterRef("pk"), status__in=[QuoteStatus.ISSUED, QuoteStatus.SIGNED]
    )
    return (
        _trajectories(user)
        .filter(partner_id=user.partner_id, phase__in=[Phase.STARTUP, Phase.QUOTE])
        .filter(~Exists(waiting))
    )


def _sessions_to_plan(user: Any) -> QuerySet[Any]:
    """In execution and nothing planned from now on, and no advice delivered yet."""
    from digihub.trajectories.models import Advice, Phase, Session

    return (
        _trajectories(user)
        .filter(partner_id=user.partner_id, phase=Phase.EXECUTION)
        .filter(~Exists(Session.objects.filter(trajectory=OuterRef("pk"))))
        .filter(~Exists(Advice.objects.filter(trajectory=OuterRef("pk"))))
    )


def _advice_to_deliver(user: Any) -> QuerySet[Any]:
    """In execution, sessions held, none ahead: the advice or action plan is next."""
    from digihub.trajectories.models import Advice, Phase, Session

    sessions = Session.objects.filter(trajectory=OuterRef("pk"))
    return (
        _trajectories(user)
        .filter(partner_id=user.partner_id, phase=Phase.EXECUTION)
        .filter(Exists(sessions))
        .filter(~Exists(sessions.filter(ends_at__gte=timezone.now())))
        .filter(~Exists(Advice.objects.filter(trajectory=OuterRef("pk"))))
    )


def _quotes_to_sign(user: Any) -> QuerySet[Any]:
    from digihub.trajectories.models import Phase, Quote, QuoteStatus

    return (
        visible(user, Quote)
        .filter(status=QuoteStatus.ISSUED, trajectory__phase=Phase.QUOTE)
        .select_related("trajectory", "trajectory__company", "trajectory__hub")
    )


def sme_share_of(
    quote: Any, _cache: dict[tuple[int, str, Decimal], Decimal] | None = None
) -> Decimal:
    """The SME's own part of a quote's total, as the funding engine splits it (not a copy)."""
    from digihub.funding.services import FundingRefused, guidance_split

    key = (quote.trajectory.hub_id, quote.trajectory.service_type, quote.total)
    if _cache is not None and key in _cache:
        return _cache[key]
    try:
        share = guidance_split(
            hub=quote.trajectory.hub,
            amount=quote.total,
            service_type=quote.trajectory.service_type,
        ).private
    except FundingRefused:
        share = quote.total
    if _cache is not None:
        _cache[key] = share
    return share


def _sign_items(user: Any, rows: list[Any]) -> Iterable[Item]:
    cache: dict[tuple[int, str, Decimal], Decimal] = {}
    for quote in rows:
        t = quote.trajectory
        yield Item(
            kind="",
            label=_("Sign the quote"),
            subject=f"{t.reference} · {_('version')} {quote.number}",
            url=object_path("trajectories:detail", t.pk) + "#sign",
            due=quote.valid_until,
            amount=sme_share_of(quote, cache),
        )


def _payments_to_make(user: Any) -> QuerySet[Any]:
    from digihub.funding.models import OUTSTANDING, PaymentRequest

    return visible(user, PaymentRequest).filter(status__in=OUTSTANDING)


def _payment_items(user: Any, rows: list[Any]) -> Iterable[Item]:
    for payment in rows:
        yield Item(
            kind="",
            label=_("Pay your share"),
            subject=f"{payment.document_label} · {payment}",
            url=reverse("funding:payments"),
            due=_day(payment.created_at, PAYMENT_DAYS),
            amount=payment.amount,
        )


def _surveys_to_answer(user: Any) -> QuerySet[Any]:
    from digihub.trajectories.models import Phase, Survey

    return (
        _trajectories(user)
        .filter(phase=Phase.COMPLETED)
        .filter(~Exists(Survey.objects.filter(trajectory=OuterRef("pk"))))
    )


def _survey_items(user: Any, rows: list[Any]) -> Iterable[Item]:
    for t in rows:
        yield Item(
            kind="",
            label=_("Tell us how it went"),
            subject=f"{t.reference} · {t.partner}",
            url=object_path("trajectories:detail", t.pk) + "#survey",
            due=_day(t.completed_at, _stale_days()),
        )


# --- budgets (coordinator) -----------------------------------------------------------------


def _current_budgets(user: Any) -> QuerySet[Any]:
    from digihub.funding.models import HubBudget

    today = timezone.localdate()
    return (
        visible(user, HubBudget)
        .filter(programme__start__lte=today, programme__end__gte=today, amount__gt=0)
        .select_related("hub", "programme", "project_type")
    )


def _committed(budgets: list[Any]) -> dict[tuple[int, int, int], Decimal]:
    """Net commitments per (programme, hub, project type), all sources, in one grouped query."""
    from digihub.funding.models import EntryKind, LedgerEntry

    if not budgets:
        return {}
    rows = (
        LedgerEntry.objects.filter(
            programme_id__in={b.programme_id for b in budgets},
            hub_id__in={b.hub_id for b in budgets},
        )
        .values("programme_id", "hub_id", "project_type_id")
        .annotate(
            commit=Sum("amount", filter=Q(kind=EntryKind.COMMIT), default=ZERO),
            release=Sum("amount", filter=Q(kind=EntryKind.RELEASE), default=ZERO),
        )
    )
    return {
        (r["programme_id"], r["hub_id"], r["project_type_id"]): r["commit"] - r["release"]
        for r in rows
    }


def budgets_near_limit(user: Any) -> list[tuple[Any, Decimal]]:
    """Current hub budgets committed for ``BUDGET_WARNING`` or more, with what is left.

    The commitments are summed over the whole ledger (2.5 million entries at the network's
    scale, a second of database time) and the count sits in the menu of every page: readers of
    one scope share the answer for the report's cache period."""
    seconds = settings.DIGIHUB_REPORT_CACHE_SECONDS
    if not seconds:
        return _budgets_near_limit(user)
    scope = (user.role, user.chamber_id, user.partner_id, user.company_id, user.is_superuser)
    key = "inbox:budgets:" + "|".join(str(v) for v in (*scope, timezone.localdate()))
    found = cache.get(key)
    if not isinstance(found, list):
        found = _budgets_near_limit(user)
        cache.set(key, found, seconds)
    return found


def _budgets_near_limit(user: Any) -> list[tuple[Any, Decimal]]:
    budgets = list(_current_budgets(user))
    committed = _committed(budgets)
    near = []
    for budget in budgets:
        used = committed.get((budget.programme_id, budget.hub_id, budget.project_type_id), ZERO)
        if used >= budget.amount * BUDGET_WARNING:
            near.append((budget, budget.amount - used))
    return near


def _budget_items(user: Any, rows: list[Any]) -> Iterable[Item]:
    for budget, left in rows:
        yield Item(
            kind="",
            label=_("Budget near its limit"),
            subject=f"{budget.hub} · {budget.project_type} · {budget.programme}",
            url=reverse("funding:dashboard") + f"?programme={budget.programme_id}",
            due=budget.programme.end,
            amount=left,
        )


# --- the table of sources ------------------------------------------------------------------


def _src(
    kind: str,
    roles: Iterable[str],
    rows: Callable[[Any], Any],
    items: Callable[[Any, list[Any]], Iterable[Item]],
    due_field: str | None = None,
) -> Source:
    return Source(kind, frozenset(roles), rows, items, due_field)


SOURCES: tuple[Source, ...] = (
    _src(
        "new_question",
        [Role.ADVISOR],
        _new_questions,
        _question_items(_("Take up the new question")),
        "last_activity_at",
    ),
    _src(
        "stale_question",
        [Role.ADVISOR],
        _stale_questions,
        _question_items(_("Waiting too long: act on the question")),
        "last_activity_at",
    ),
    _src(
        "validation_rejected",
        [Role.ADVISOR],
        _rejected_validations,
        _question_items(_("Partner choice rejected: decide again"), due_from="validated_at"),
        "validated_at",
    ),
    _src(
        "trajectory_unmoved",
        [Role.ADVISOR],
        _unmoved_trajectories,
        _trajectory_items(_("Trajectory not moving: follow it up")),
        "phase_changed_at",
    ),
    _src(
        "validate",
        [Role.OFFICER],
        _validations_to_do,
        _question_items(_("Validate the partner choice")),
        "last_activity_at",
    ),
    _src(
        "write_quote",
        [Role.PARTNER],
        _quotes_to_write,
        _trajectory_items(_("Write and issue the quote")),
        "phase_changed_at",
    ),
    _src(
        "plan_session",
        [Role.PARTNER],
        _sessions_to_plan,
        _trajectory_items(_("Plan the test days and sessions"), since="quote_signed_at"),
        "quote_signed_at",
    ),
    _src(
        "deliver_advice",
        [Role.PARTNER],
        _advice_to_deliver,
        _trajectory_items(_("Deliver the advice and complete")),
        "phase_changed_at",
    ),
    _src("sign_quote", [Role.SME], _quotes_to_sign, _sign_items, "valid_until"),
    _src("pay", [Role.SME], _payments_to_make, _payment_items, "created_at"),
    _src("survey", [Role.SME], _surveys_to_answer, _survey_items, "completed_at"),
    _src(
        "allow_exception",
        [Role.COORDINATOR],
        _exceptions_to_allow,
        _question_items(_("Allow a trajectory outside the SME target group?")),
        "last_activity_at",
    ),
    _src("budget_limit", [Role.COORDINATOR], budgets_near_limit, _budget_items),
)


def _sources(user: Any) -> list[Source]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [s for s in SOURCES if user.role in s.roles]


def _sort_key(item: Item) -> tuple[int, dt.date]:
    return (item.due is None, item.due or dt.date.max)


def items_for(user: Any, first: int | None = None) -> list[Item]:
    """What awaits ``user``, the most pressing first (see the module's docstring): everything,
    or only the ``first`` most pressing.

    An advisor of a busy hub has thousands of items; building and sorting them all took a second
    per page. Each source's rows come from the database in due order, so the ``first`` most
    pressing of all are among the ``first`` of each source."""
    found: list[Item] = []
    for source in _sources(user):
        rows = source.rows(user)
        if first is not None and source.due_field and isinstance(rows, QuerySet):
            rows = rows.order_by(F(source.due_field).asc(nulls_last=True), "pk")[:first]
        for item in source.items(user, list(rows)):
            found.append(replace(item, kind=source.kind))
    found.sort(key=_sort_key)
    return found if first is None else found[:first]


class Pending(Sequence[Item]):
    """The items of ``user`` as a list that a paginator slices: a slice reads only as many rows
    of each source as it reaches, and ``count`` only counts."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self._count: int | None = None

    def count(self) -> int:  # type: ignore[override]
        if self._count is None:
            self._count = count_for(self.user)
        return self._count

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> Item: ...
    @overload
    def __getitem__(self, index: slice) -> list[Item]: ...
    def __getitem__(self, index: int | slice) -> Item | list[Item]:
        if isinstance(index, int):
            return items_for(self.user, first=index + 1)[index]
        start, stop, step = index.indices(MAX_ITEMS)
        return items_for(self.user, first=stop)[start:stop:step]


def count_for(user: Any) -> int:
    """How many things await ``user`` (the badge in the navigation): counting queries only."""
    total = 0
    for source in _sources(user):
        rows = source.rows(user)
        total += rows.count() if isinstance(rows, QuerySet) else len(rows)
    return total


def next_for_company(company: Any) -> str:
    """The page an SME of ``company`` should land on: the quote to sign if there is one, else the
    trajectory waiting for a survey, else the to-do list."""
    from digihub.trajectories.models import Phase, QuoteStatus, Trajectory

    if company is None:
        return reverse("inbox:index")
    waiting = (
        Trajectory.objects.filter(company=company)
        .filter(
            Q(phase=Phase.QUOTE, quotes__status=QuoteStatus.ISSUED)
            | Q(phase=Phase.COMPLETED, survey__isnull=True)
        )
        .order_by("phase_changed_at")
        .values_list("pk", flat=True)
        .first()
    )
    return reverse("trajectories:detail", args=[waiting]) if waiting else reverse("inbox:index")
