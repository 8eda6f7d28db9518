"""Which partner fits this question: a score out of 100 and the reasons in words.

The score adds up, for each partner, points for what fits the question and for what it did
before ("learned from what worked"):

========================  ======  ==========================================================
what                      points  how
========================  ======  ==========================================================
themes                    30      share of the question's themes the partner works on,
                                  squared: half of a two-theme need is a quarter of the
                                  points, as it leaves a second partner to find
province                  20      in the consortium of the question's hub 20, same region 3
                                  (the hub's consortium is where its trajectories run)
words                     12      fit of the question's words (text, the conversations'
                                  concrete questions and desired situation) with the
                                  partner's expertise (``text``)
free capacity             10      room for the question: full points from a quarter of its
                                  capacity free (or one place), less below; fully booked −10
lead time                  6      median days from start to signed quote: 14 or less 6, 90 or
                                  more 0
completion                 6      share of finished trajectories completed (not stopped)
satisfaction               6      mean survey score, 1 → 0, 5 → 6
sector                     5      companies of the question's NACE division guided (5 or more)
track record on themes     5      completed trajectories on the question's themes (5 or more)
========================  ======  ==========================================================

The weights were set by replaying decisions (``evaluate_matching``, figures in
bench/README.md): with the province at 10 and the words at 20, partners outside the hub whose
expertise repeated the question's words outranked the consortium partner advisors chose.

Lead time, completion and satisfaction are weighed against ``PRIOR`` imaginary average
trajectories (half the points), so that a partner without a track record is neither rewarded
nor punished and one good survey is a hint rather than a record; their line is shown from the
first trajectory on, with how many it rests on. A partner declared related
to the company is flagged (its choice goes to the funding agency). Equal scores are ordered by
fit (themes and words), then by name, so the same question always gives the same list.
Commercial partners (the referral route) are ranked on themes, words, the chamber and the
introductions made before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from digihub.core.formatting import number, share

from . import history as history_module
from . import text
from .history import History
from .models import Relation, RelationKind

W_THEMES, W_TEXT, W_CAPACITY, W_DISTANCE = 30.0, 12.0, 10.0, 20.0
W_LEAD, W_COMPLETION, W_SATISFACTION, W_SECTOR, W_TRACK = 6.0, 6.0, 6.0, 5.0, 5.0
W_INTRODUCTIONS = 10.0  # commercial partners: introductions made before
PRIOR = 2  # imaginary neutral trajectories a partner's own figures are weighed against
FAST_DAYS, SLOW_DAYS = 14.0, 90.0
TEXT_REASON = 0.25  # a words fit from which the words are named as a reason
LOAD_BATCH = 40  # partners whose load is counted at a time
CLEAR_FIT = 0.6  # a content fit (themes and words) from which a partner clearly fits
# Free capacity counts up to this share of the capacity: a partner that has room takes the
# question, and more idle room does not make it fit better (the replay: partners with all
# places free outranked the chosen one with two of eight free).
ROOM = 0.25


@dataclass(frozen=True)
class Reason:
    code: str  # stable: themes, words, capacity, distance, lead_time, completion, ...
    text: str  # in the reader's language
    points: float
    good: bool = True


@dataclass
class Candidate:
    partner: Any
    score: float
    fit: float  # themes and words only, 0..1
    reasons: list[Reason] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # relation kinds, in words
    in_hub: bool = False
    rank: int = 0
    covers: bool = False  # works on every theme of the question (which has themes)

    @property
    def conflict(self) -> bool:
        return bool(self.conflicts)


@dataclass(frozen=True)
class QuestionFacts:
    """What the ranking reads of a question."""

    text: str
    theme_ids: frozenset[int]
    theme_names: Mapping[int, str]
    nace_division: str
    nace_section: str
    hub_id: int | None
    chamber_id: int | None
    region: str
    enterprise_number: str


@dataclass
class PartnerFacts:
    """What the ranking reads of a knowledge partner."""

    theme_ids: frozenset[int]
    text_fit: float
    words: list[str]
    capacity: int
    running: int | None  # None: not counted (cannot reach the list)
    history: History
    distance: str  # "hub", "region" or ""


def question_facts(question: Any) -> QuestionFacts:
    company = question.company
    conversations = question.conversations.values_list("concrete_questions", "desired_situation")
    words = text.joined([question.text, *(t for pair in conversations for t in pair)])
    themes = {t.pk: t.name for t in question.themes.all()}
    hub = question.hub or getattr(company, "hub", None)
    region = hub.province.region if hub is not None else ""
    nace = (company.nace_main or "").strip()
    return QuestionFacts(
        text=words,
        theme_ids=frozenset(themes),
        theme_names=themes,
        nace_division=nace[:2] if nace[:2].isdigit() else "",
        nace_section=company.nace_section or "",
        hub_id=hub.pk if hub is not None else None,
        chamber_id=question.chamber_id,
        region=region,
        enterprise_number=company.enterprise_number,
    )


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


_EXPLAIN: ContextVar[bool] = ContextVar("matching_explain", default=True)


def _say(text: Callable[[], str]) -> str:
    """A reason's words, written only when they will be read (not while bounding the scores
    of a thousand partners)."""
    return text() if _EXPLAIN.get() else "…"


def theme_reason(q: QuestionFacts, partner_themes: frozenset[int]) -> Reason | None:
    matched = sorted(q.theme_ids & partner_themes, key=lambda pk: q.theme_names[pk])
    if not q.theme_ids:
        return None
    points = theme_points(len(matched), len(q.theme_ids))
    if not matched:
        return Reason("themes", _("works on none of the question's themes"), 0.0, good=False)
    names = ", ".join(q.theme_names[pk] for pk in matched)
    return Reason(
        "themes",
        _say(
            lambda: (
                ngettext(
                    "works on %(themes)s (%(count)s theme matches)",
                    "works on %(themes)s (%(count)s themes match)",
                    len(matched),
                )
                % {"themes": names, "count": number(len(matched))}
            )
        ),
        points,
    )


def theme_points(matched: int, wanted: int) -> float:
    """Squared share: a partner covering the whole need outranks one covering part of it
    that is closer by (the replay: advisors take the partner that covers the need, of the hub
    if there is one, not the hub's partner that covers half of it)."""
    return W_THEMES * (matched / wanted) ** 2 if wanted else 0.0


def capacity_points(capacity: int, free: int) -> float:
    if not free:
        return -W_CAPACITY
    enough = max(1.0, capacity * ROOM)
    return W_CAPACITY * min(1.0, free / enough)


def text_reason(fit: float, words: list[str]) -> Reason | None:
    points = W_TEXT * fit
    if fit < TEXT_REASON:
        return Reason("words", "", points) if points else None
    if words:
        quoted = ", ".join(f"“{w}”" for w in words)
        return Reason(
            "words", _say(lambda: _("expertise mentions %(words)s") % {"words": quoted}), points
        )
    return Reason("words", _say(lambda: _("expertise fits the question's words")), points)


def capacity_reason(capacity: int, running: int | None) -> Reason | None:
    if running is None or capacity <= 0:
        return None
    free = max(0, capacity - running)
    if not free:
        return Reason(
            "capacity",
            _say(
                lambda: (
                    _("fully booked: %(running)s running for a capacity of %(capacity)s")
                    % {"running": number(running), "capacity": number(capacity)}
                )
            ),
            -W_CAPACITY,
            good=False,
        )
    return Reason(
        "capacity",
        _say(
            lambda: (
                _("capacity %(free)s of %(capacity)s free")
                % {"free": number(free), "capacity": number(capacity)}
            )
        ),
        capacity_points(capacity, free),
    )


def _smoothed(value: float, count: int, neutral: float) -> float:
    """A partner's figure drawn towards the neutral one while it rests on few trajectories
    (``PRIOR`` imaginary neutral ones): one good survey is a hint, not a record."""
    return (neutral * PRIOR + value * count) / (PRIOR + count)


def lead_time_reason(history: History) -> Reason:
    if history.median_quote_days is None or not history.signed:
        return Reason("lead_time", "", W_LEAD / 2)
    days = round(history.median_quote_days)
    share = _clamp((SLOW_DAYS - history.median_quote_days) / (SLOW_DAYS - FAST_DAYS))
    return Reason(
        "lead_time",
        _say(
            lambda: (
                ngettext(
                    "median %(days)s day to a signed quote",
                    "median %(days)s days to a signed quote",
                    days,
                )
                % {"days": number(days)}
            )
        ),
        W_LEAD * _smoothed(share, history.signed, 0.5),
        good=history.median_quote_days < SLOW_DAYS,
    )


def completion_reason(history: History) -> Reason:
    if not history.finished:
        return Reason("completion", "", W_COMPLETION / 2)
    rate = history.completed / history.finished
    return Reason(
        "completion",
        _say(
            lambda: (
                ngettext(
                    "completed %(done)s of %(finished)s finished trajectory (%(rate)s)",
                    "completed %(done)s of %(finished)s finished trajectories (%(rate)s)",
                    history.finished,
                )
                % {
                    "done": number(history.completed),
                    "finished": number(history.finished),
                    "rate": share(rate),
                }
            )
        ),
        W_COMPLETION * _smoothed(rate, history.finished, 0.5),
        good=rate >= 0.5,
    )


def satisfaction_reason(history: History) -> Reason:
    if history.satisfaction is None or not history.surveys:
        return Reason("satisfaction", "", W_SATISFACTION / 2)
    score = round(history.satisfaction, 1)
    return Reason(
        "satisfaction",
        _say(
            lambda: (
                ngettext(
                    "satisfaction %(score)s from %(count)s SME",
                    "satisfaction %(score)s from %(count)s SMEs",
                    history.surveys,
                )
                % {"score": number(score), "count": number(history.surveys)}
            )
        ),
        W_SATISFACTION * _smoothed(_clamp((history.satisfaction - 1) / 4), history.surveys, 0.5),
        good=history.satisfaction >= 3,
    )


def sector_reason(q: QuestionFacts, history: History) -> Reason | None:
    if not q.nace_division:
        return None
    count, section = history.sectors.get(q.nace_division, (0, ""))
    if not count:
        return None
    code = f"{section or q.nace_section}{q.nace_division}"
    return Reason(
        "sector",
        _say(
            lambda: (
                ngettext(
                    "has guided %(count)s company in NACE %(code)s",
                    "has guided %(count)s companies in NACE %(code)s",
                    count,
                )
                % {"count": number(count), "code": code}
            )
        ),
        W_SECTOR * _clamp(count / 5),
    )


def track_reason(q: QuestionFacts, history: History) -> Reason | None:
    count = max((history.themes.get(pk, 0) for pk in q.theme_ids), default=0)
    if not count:
        return None
    return Reason(
        "track_record",
        _say(
            lambda: (
                ngettext(
                    "completed %(count)s trajectory on these themes",
                    "completed %(count)s trajectories on these themes",
                    count,
                )
                % {"count": number(count)}
            )
        ),
        W_TRACK * _clamp(count / 5),
    )


def distance_reason(distance: str) -> Reason:
    if distance == "hub":
        return Reason("distance", _("same province"), W_DISTANCE)
    if distance == "region":
        return Reason("distance", _("same region, outside the hub"), W_DISTANCE * 0.15)
    return Reason("distance", _("outside the hub"), 0.0, good=False)


def score_knowledge(q: QuestionFacts, p: PartnerFacts) -> tuple[float, float, list[Reason]]:
    """The score (0–100), the content fit (0–1) and the reasons of one knowledge partner."""
    reasons = [
        theme_reason(q, p.theme_ids),
        text_reason(p.text_fit, p.words),
        capacity_reason(p.capacity, p.running),
        distance_reason(p.distance),
        lead_time_reason(p.history),
        completion_reason(p.history),
        satisfaction_reason(p.history),
        sector_reason(q, p.history),
        track_reason(q, p.history),
    ]
    kept = [r for r in reasons if r is not None]
    score = round(sum(r.points for r in kept), 1)
    theme_share = len(q.theme_ids & p.theme_ids) / len(q.theme_ids) if q.theme_ids else 0.0
    fit = content_fit(q, theme_share, p.text_fit)
    return score, fit, [r for r in kept if r.text]


def points_knowledge(q: QuestionFacts, p: PartnerFacts) -> float:
    """The score of ``score_knowledge`` without its words, for bounding a thousand partners
    quickly (a test keeps the two equal)."""
    h = p.history
    total = 0.0
    if q.theme_ids:
        total += theme_points(len(q.theme_ids & p.theme_ids), len(q.theme_ids))
    total += W_TEXT * p.text_fit
    if p.running is not None and p.capacity > 0:
        free = max(0, p.capacity - p.running)
        total += capacity_points(p.capacity, free)
    total += {"hub": W_DISTANCE, "region": W_DISTANCE * 0.15}.get(p.distance, 0.0)
    if h.quality is None:
        h.quality = quality_points(h)
    total += h.quality
    if q.nace_division:
        total += W_SECTOR * _clamp(h.sectors.get(q.nace_division, (0, ""))[0] / 5)
    if q.theme_ids and h.themes:
        total += W_TRACK * _clamp(max(h.themes.get(pk, 0) for pk in q.theme_ids) / 5)
    return round(total, 1)


def quality_points(h: History) -> float:
    """Lead time, completion and satisfaction: the same for every question."""
    total = 0.0
    if h.median_quote_days is None or not h.signed:
        total += W_LEAD / 2
    else:
        lead = _clamp((SLOW_DAYS - h.median_quote_days) / (SLOW_DAYS - FAST_DAYS))
        total += W_LEAD * _smoothed(lead, h.signed, 0.5)
    if h.finished:
        total += W_COMPLETION * _smoothed(h.completed / h.finished, h.finished, 0.5)
    else:
        total += W_COMPLETION / 2
    if h.satisfaction is None or not h.surveys:
        total += W_SATISFACTION / 2
    else:
        total += W_SATISFACTION * _smoothed(_clamp((h.satisfaction - 1) / 4), h.surveys, 0.5)
    return total


def content_fit(q: QuestionFacts, theme_share: float, text_fit: float) -> float:
    if not q.theme_ids:
        return text_fit
    return (W_THEMES * theme_share + W_TEXT * text_fit) / (W_THEMES + W_TEXT)


def order(candidates: list[Candidate]) -> list[Candidate]:
    """Best first; equal scores by fit, then by name (stable for the same question)."""
    ranked = sorted(
        candidates,
        key=lambda c: (-c.score, -round(c.fit, 6), str(c.partner).casefold(), c.partner.pk),
    )
    for index, candidate in enumerate(ranked, start=1):
        candidate.rank = index
    return ranked


# Reading the facts from the database --------------------------------------------------------
def _relations(enterprise_number: str, side: str) -> dict[int, list[str]]:
    column = "knowledge_partner_id" if side == "knowledge" else "commercial_partner_id"
    found: dict[int, list[str]] = {}
    for pk, kind in Relation.objects.filter(
        enterprise_number=enterprise_number,
        withdrawn_at__isnull=True,
        **{f"{column}__isnull": False},
    ).values_list(column, "kind"):
        label = str(RelationKind(kind).label)
        if label not in found.setdefault(pk, []):
            found[pk].append(label)
    return found


def _theme_map(through: Any, owner: str) -> tuple[dict[int, set[int]], dict[int, list[str]]]:
    from digihub.network.models import Theme

    names = {t.pk: t.every_name for t in Theme.objects.all()}
    themes: dict[int, set[int]] = {}
    words: dict[int, list[str]] = {}
    for pk, theme_id in through.objects.values_list(owner, "theme_id"):
        themes.setdefault(pk, set()).add(theme_id)
        words.setdefault(pk, []).append(names.get(theme_id, ""))
    return themes, words


def partner_documents(
    side: str = "knowledge", theme_words: dict[int, list[str]] | None = None
) -> dict[int, tuple[str, str]]:
    """Each active partner's words for the text fit: (display name, document). ``theme_words``:
    the partners' theme names when the caller has read them already (``_theme_map``)."""
    from digihub.network.models import CommercialPartner, KnowledgePartner

    if side == "knowledge":
        if theme_words is None:
            _themes, theme_words = _theme_map(
                KnowledgePartner.themes.through, "knowledgepartner_id"
            )
        return {
            pk: (short, text.joined([short, name, expertise, *theme_words.get(pk, [])]))
            for pk, short, name, expertise in KnowledgePartner.objects.filter(
                active=True
            ).values_list("pk", "short_name", "name", "expertise")
        }
    if theme_words is None:
        _themes, theme_words = _theme_map(CommercialPartner.themes.through, "commercialpartner_id")
    return {
        pk: (name, text.joined([name, description, *theme_words.get(pk, [])]))
        for pk, name, description in CommercialPartner.objects.values_list(
            "pk", "name", "description"
        )
    }


@dataclass
class Catalogue:
    """What every ranking reads of the active knowledge partners and does not depend on the
    question: names, capacity, themes, text documents (with their token index) and hubs."""

    names: dict[int, str]
    capacity: dict[int, int]
    themes: dict[int, frozenset[int]]
    documents: dict[int, str]
    index: text.TokenIndex
    hubs: list[tuple[int, int, str]]  # hub, partner, the hub's region


# Kept per process: reading and indexing a thousand partners was a third of a ranking. Valid
# while the stamp (rows and highest id of partners, their themes, hubs and the themes, one
# query) is unchanged — a rolled-back or new partner changes it — and edits in this process
# drop it at once (``forget_catalogue``, on save); edits made by another process show within
# ``CATALOGUE_SECONDS``.
CATALOGUE_SECONDS = 60.0
_catalogue: tuple[tuple[Any, ...], float, Catalogue] | None = None


def forget_catalogue(*_args: Any, **_kwargs: Any) -> None:
    global _catalogue
    _catalogue = None


def _catalogue_stamp() -> tuple[Any, ...]:
    from django.db import connection

    from digihub.network.models import Hub, KnowledgePartner, Theme

    tables = [
        KnowledgePartner._meta.db_table,
        KnowledgePartner.themes.through._meta.db_table,
        Hub.partners.through._meta.db_table,
        Theme._meta.db_table,
    ]
    # Table names of the models only, no values.
    parts = [
        f"(SELECT COUNT(*) FROM {t}), (SELECT MAX(id) FROM {t})"  # noqa: S608
        for t in tables
    ]
    sql = "SELECT " + ", ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone() or ())


def knowledge_catalogue() -> Catalogue:
    global _catalogue
    import time

    from digihub.network.models import Hub, KnowledgePartner

    stamp = _catalogue_stamp()
    now = time.monotonic()
    if (
        _catalogue is not None
        and _catalogue[0] == stamp
        and now - _catalogue[1] < CATALOGUE_SECONDS
    ):
        return _catalogue[2]
    themes, theme_words = _theme_map(KnowledgePartner.themes.through, "knowledgepartner_id")
    names: dict[int, str] = {}
    capacity: dict[int, int] = {}
    documents: dict[int, str] = {}
    for pk, short, name, expertise, cap in KnowledgePartner.objects.filter(active=True).values_list(
        "pk", "short_name", "name", "expertise", "capacity"
    ):
        names[pk] = str(KnowledgePartner(pk=pk, short_name=short, name=name))
        capacity[pk] = cap
        documents[pk] = text.joined([short, name, expertise, *theme_words.get(pk, [])])
    catalogue = Catalogue(
        names=names,
        capacity=capacity,
        themes={pk: frozenset(themes.get(pk, ())) for pk in names},
        documents=documents,
        index=text.TokenIndex(documents),
        hubs=list(
            Hub.partners.through.objects.values_list(
                "hub_id", "knowledgepartner_id", "hub__province__region"
            )
        ),
    )
    _catalogue = (stamp, now, catalogue)
    return catalogue


def rank_knowledge_partners(
    question: Any,
    *,
    limit: int | None = 10,
    as_of: dt.datetime | None = None,
    method: str | None = None,
) -> list[Candidate]:
    """The active knowledge partners ranked for ``question``, best first (``limit`` of them).

    ``as_of`` replays a past decision with the history and load of that moment."""
    from digihub.network.models import KnowledgePartner

    q = question_facts(question)
    catalogue = knowledge_catalogue()
    documents = catalogue.documents
    fits = text.fit(q.text, documents, using=method, index=catalogue.index)
    histories = history_module.for_ranking(as_of)
    distance: dict[int, str] = {}
    for hub_id, partner_id, region in catalogue.hubs:
        if hub_id == q.hub_id:
            distance[partner_id] = "hub"
        elif region == q.region and q.region and distance.get(partner_id) != "hub":
            distance[partner_id] = "region"
    relations = _relations(q.enterprise_number, "knowledge")
    empty = History()
    facts = {
        pk: PartnerFacts(
            theme_ids=catalogue.themes[pk],
            text_fit=fits.get(pk, 0.0),
            words=[],
            capacity=catalogue.capacity[pk],
            running=None,
            history=histories.get(pk, empty),
            distance=distance.get(pk, ""),
        )
        for pk in catalogue.names
    }
    # Count the load only of the partners that can still reach the list. Without its load a
    # partner's score is known up to the capacity line (at most W_CAPACITY more): take the
    # partners by that score, best first, a batch at a time, until the next one cannot reach
    # the list any more. Exact for any load, and a few batches instead of a thousand counts.
    token = _EXPLAIN.set(False)
    try:
        base = {pk: points_knowledge(q, f) for pk, f in facts.items()}
        queue = sorted(base, key=lambda pk: -base[pk])
        exact: dict[int, float] = {}
        cutoff = float("-inf")
        for start in range(0, len(queue), LOAD_BATCH):
            if (
                limit is not None
                and len(exact) >= limit
                and base[queue[start]] + W_CAPACITY + 0.1 < cutoff  # 0.1: scores are rounded
            ):
                break
            batch = queue[start : start + LOAD_BATCH]
            running = history_module.load(batch, as_of=as_of)
            for pk in batch:
                facts[pk].running = running.get(pk, 0)
                exact[pk] = points_knowledge(q, facts[pk])
            if limit is not None and len(exact) >= limit:
                cutoff = sorted(exact.values(), reverse=True)[limit - 1]
        # Model instances only for the partners that reached the list (their names order ties).
        partners = KnowledgePartner.objects.in_bulk(list(exact))
        candidates = [
            Candidate(
                partner=partners[pk],
                score=exact[pk],
                fit=content_fit(
                    q,
                    len(q.theme_ids & facts[pk].theme_ids) / len(q.theme_ids) if q.theme_ids else 0,
                    facts[pk].text_fit,
                ),
                conflicts=relations.get(pk, []),
                in_hub=facts[pk].distance == "hub",
                covers=bool(q.theme_ids) and q.theme_ids <= facts[pk].theme_ids,
            )
            for pk in exact
            if pk in partners
        ]
    finally:
        _EXPLAIN.reset(token)
    ranked = order(candidates)
    if limit is not None:
        ranked = ranked[:limit]
    for candidate in ranked:  # the reasons in words, only for the partners shown
        pk = candidate.partner.pk
        if facts[pk].text_fit >= TEXT_REASON:
            facts[pk].words = text.shared_words(q.text, documents[pk])
        candidate.reasons = score_knowledge(q, facts[pk])[2]
    return ranked


def rank_commercial_partners(
    question: Any, *, limit: int | None = 10, as_of: dt.datetime | None = None
) -> list[Candidate]:
    """The commercial partners ranked for the referral route: themes (50), words (30), the
    question's chamber (10) and introductions made before (10)."""
    from digihub.intake.models import Question
    from digihub.network.models import CommercialPartner

    q = question_facts(question)
    partners = {p.pk: p for p in CommercialPartner.objects.all()}
    themes, theme_words = _theme_map(CommercialPartner.themes.through, "commercialpartner_id")
    documents = {
        pk: doc for pk, (_name, doc) in partner_documents("commercial", theme_words).items()
    }
    fits = text.fit(q.text, documents)
    before = Q(commercial_partner__isnull=False) & ~Q(pk=question.pk)
    if as_of is not None:
        before &= Q(decided_at__lt=as_of)
    introductions = {
        row["commercial_partner"]: row["n"]
        for row in Question.objects.filter(before)
        .values("commercial_partner")
        .annotate(n=Count("pk"))
    }
    relations = _relations(q.enterprise_number, "commercial")
    candidates = []
    for pk, partner in partners.items():
        reasons: list[Reason] = []
        mine = frozenset(themes.get(pk, ()))
        theme = theme_reason(q, mine)
        if theme is not None:
            reasons.append(Reason(theme.code, theme.text, theme.points * 50 / W_THEMES, theme.good))
        fit = fits.get(pk, 0.0)
        words = text.shared_words(q.text, documents[pk]) if fit >= TEXT_REASON else []
        reason = text_reason(fit, words)
        if reason is not None:
            reasons.append(Reason(reason.code, reason.text, reason.points * 30 / W_TEXT))
        if partner.chamber_id and partner.chamber_id == q.chamber_id:
            reasons.append(Reason("distance", _("works with the question's chamber"), 10.0))
        count = introductions.get(pk, 0)
        if count:
            reasons.append(
                Reason(
                    "introductions",
                    ngettext(
                        "%(count)s SME introduced before",
                        "%(count)s SMEs introduced before",
                        count,
                    )
                    % {"count": number(count)},
                    W_INTRODUCTIONS * _clamp(count / 5),
                )
            )
        theme_share = len(q.theme_ids & mine) / len(q.theme_ids) if q.theme_ids else 0.0
        candidates.append(
            Candidate(
                partner=partner,
                score=round(sum(r.points for r in reasons), 1),
                fit=content_fit(q, theme_share, fit),
                reasons=[r for r in reasons if r.text],
                conflicts=relations.get(pk, []),
                in_hub=partner.chamber_id == q.chamber_id,
                covers=bool(q.theme_ids) and q.theme_ids <= mine,
            )
        )
    ranked = order(candidates)
    return ranked if limit is None else ranked[:limit]


def clear_fit(candidates: Iterable[Candidate]) -> bool:
    """Whether a clear fit exists, so that a ranking can be judged on the decision: the
    question names its themes and some partner works on all of them with a content fit (themes
    and words) of at least ``CLEAR_FIT``."""
    return any(c.covers and c.fit >= CLEAR_FIT for c in candidates)
