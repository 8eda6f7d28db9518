"""Does the ranking agree with what advisors chose? Replays past decisions.

``replay()`` takes every decided question with a chosen partner (knowledge partners, and
commercial partners on the referral route), ranks the partners as they stood just before the
decision (history and load as of that moment, ``as_of``), and counts how often the chosen
partner was first or in the first three — for the decisions where a clear fit existed (some
partner whose themes and words fit the question, ``ranking.CLEAR_FIT``) and for the others.

``generate()`` writes a history with a known structure to replay: partners with two or three
themes, an expertise in their themes' words and a hidden quality (which sets their lead time,
completion and satisfaction); questions written in the words of one or two needed themes, tagged
with them most of the time; an advisor who picks a partner covering the need — one of the hub
if there is one, otherwise the best one known so far, among those with free capacity — and, in
``noise`` of the cases, any partner at all. Each decision opens a trajectory whose quote is
signed, completed or stopped and surveyed according to the partner's quality, so later decisions
have a track record to learn from.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import ranking

VOCABULARY = {
    "ai": ["machine learning", "beeldherkenning", "voorspellend model", "computer vision"],
    "iot": ["sensoren", "IoT", "trillingsmeting", "meetdata van machines"],
    "data": ["dashboard", "data-analyse", "rapportering", "datakwaliteit"],
    "cyber": ["cybersecurity", "phishing", "ransomware", "toegangsbeheer"],
    "robotics": ["robot", "cobot", "automatisering", "lasrobot"],
    "ecommerce": ["webshop", "online verkoop", "e-commerce", "betaalplatform"],
    "erp": ["ERP", "planning", "voorraadbeheer", "orderverwerking"],
    "cloud": ["cloud", "servers", "migratie", "hosting"],
    "xr": ["digitale tweeling", "augmented reality", "VR-training", "simulatie"],
    "3dprint": ["3D-printen", "additieve productie", "prototypes", "wisselstukken"],
}
OPENERS = [
    "Wij willen graag weten hoe we {a} kunnen inzetten in ons bedrijf.",
    "Hoe begin je als kmo met {a} en {b}?",
    "Onze klanten vragen naar {a}; wij zoeken hulp bij {b}.",
    "We overwegen {a}. Is dat iets voor onze productie?",
]
NACE = [("25", "C", "25.620"), ("62", "J", "62.010"), ("47", "G", "47.910"), ("10", "C", "10.710")]


@dataclass
class Outcome:
    decisions: int = 0
    clear: int = 0
    clear_top1: int = 0
    clear_top3: int = 0
    other: int = 0
    other_top3: int = 0
    ranks: list[int] = field(default_factory=list)

    @property
    def share_top3(self) -> float:
        return self.clear_top3 / self.clear if self.clear else 0.0


def _rank_of(candidates: list[ranking.Candidate], partner_id: int) -> int | None:
    return next((c.rank for c in candidates if c.partner.pk == partner_id), None)


def replay(
    questions: Iterable[Any] | None = None, *, method: str | None = None
) -> dict[str, Outcome]:
    """Rank each past decision as of its moment; count where the chosen partner came."""
    from digihub.intake.models import Question

    if questions is None:
        questions = (
            (
                Question.objects.filter(decided_at__isnull=False).filter(
                    chosen_partner__isnull=False
                )
                | Question.objects.filter(
                    decided_at__isnull=False, commercial_partner__isnull=False
                )
            )
            .select_related("company", "hub__province", "chosen_partner")
            .order_by("decided_at")
        )
    outcomes = {"knowledge": Outcome(), "commercial": Outcome()}
    for question in questions:
        if question.decided_at is None:
            continue
        as_of: dt.datetime = question.decided_at - dt.timedelta(seconds=1)
        if question.chosen_partner_id:
            candidates = ranking.rank_knowledge_partners(
                question, limit=None, as_of=as_of, method=method
            )
            _count(outcomes["knowledge"], candidates, question.chosen_partner_id)
        if question.commercial_partner_id:
            candidates = ranking.rank_commercial_partners(question, limit=None, as_of=as_of)
            _count(outcomes["commercial"], candidates, question.commercial_partner_id)
    return outcomes


def _count(outcome: Outcome, candidates: list[ranking.Candidate], chosen: int) -> None:
    rank = _rank_of(candidates, chosen)
    outcome.decisions += 1
    if rank is not None:
        outcome.ranks.append(rank)
    if ranking.clear_fit(candidates):
        outcome.clear += 1
        outcome.clear_top1 += rank == 1
        outcome.clear_top3 += rank is not None and rank <= 3
    else:
        outcome.other += 1
        outcome.other_top3 += rank is not None and rank <= 3


def generate(
    *, decisions: int = 300, partners: int = 24, noise: float = 0.10, seed: int = 19
) -> list[Any]:
    """Write a history with a known structure (see the module docstring); returns the
    generated questions, oldest first. Call inside a transaction that is rolled back."""
    from digihub.accounts.models import User
    from digihub.accounts.roles import Role
    from digihub.companies.demo import enterprise_number
    from digihub.companies.models import Company
    from digihub.intake.models import Decision, Question, Status
    from digihub.network import demo as network_demo
    from digihub.network.models import Hub, KnowledgePartner, PartnerKind, Theme
    from digihub.trajectories.models import Phase, Survey, Trajectory

    rng = random.Random(seed)
    if not Hub.objects.exists():
        network_demo.build()
    themes = {t.code: t for t in Theme.objects.filter(code__in=VOCABULARY)}
    codes = sorted(themes)
    # In a fixed order: each draw of ``rng`` must fall on the same hub and partner every run,
    # or the same seed gives another history (and another hit rate) from one run to the next.
    hubs = list(Hub.objects.select_related("province", "chamber").order_by("pk"))
    # The advisor's knowledge: every active partner has a hidden quality.
    made = []
    for k in range(partners):
        mine = rng.sample(codes, rng.choice((2, 2, 3)))
        words = [w for code in mine for w in rng.sample(VOCABULARY[code], 2)]
        partner = KnowledgePartner.objects.create(
            name=f"Evaluatiepartner {seed}-{k}",
            short_name=f"EV{seed}-{k}",
            kind=PartnerKind.RESEARCH_CENTRE,
            capacity=rng.choice((4, 6, 8, 10)),
            expertise="Begeleiding rond " + ", ".join(words) + ".",
        )
        partner.themes.set([themes[c] for c in mine])
        rng.choice(hubs).partners.add(partner)
        made.append(partner)
    active = list(
        KnowledgePartner.objects.filter(active=True)
        .order_by("pk")
        .prefetch_related("themes", "hubs")
    )
    quality = {p.pk: rng.random() for p in active}
    partner_themes = {p.pk: {t.code for t in p.themes.all()} for p in active}
    partner_hubs = {p.pk: {h.pk for h in p.hubs.all()} for p in active}
    running: dict[int, list[dt.datetime]] = {p.pk: [] for p in active}
    capacity = {p.pk: p.capacity for p in active}
    advisors: dict[int, User] = {}
    for h in hubs:
        advisors[h.chamber_id] = User.objects.filter(
            role=Role.ADVISOR, chamber_id=h.chamber_id
        ).first() or User.objects.create(
            email=f"evaluatie-{seed}-{h.chamber_id}@digihub.invalid",
            role=Role.ADVISOR,
            chamber_id=h.chamber_id,
            is_active=False,
        )
    start = timezone.now() - dt.timedelta(days=720)
    questions = []
    for i in range(decisions):
        moment = start + dt.timedelta(days=700 * i / decisions, hours=rng.randrange(8, 17))
        hub = rng.choice(hubs)
        need = rng.sample(codes, rng.choice((1, 1, 2)))
        words = [rng.choice(VOCABULARY[c]) for c in need] + [
            rng.choice(VOCABULARY[rng.choice(need)])
        ]
        text = rng.choice(OPENERS).format(a=words[0], b=words[1])
        _division, section, nace = rng.choice(NACE)
        company = Company.objects.create(
            enterprise_number=enterprise_number(8_000_000 + seed * 10_000 + i),
            name=f"Evaluatiebedrijf {i}",
            postcode="3000",
            city="Leuven",
            province=hub.province,
            chamber=hub.chamber,
            hub=hub,
            nace_main=nace,
            nace_section=section,
        )
        free = [
            pk for pk in quality if sum(1 for end in running[pk] if end > moment) < capacity[pk]
        ]
        covering = [pk for pk in free if set(need) <= partner_themes[pk]]
        if covering and rng.random() >= noise:
            chosen = max(covering, key=lambda pk: (hub.pk in partner_hubs[pk], quality[pk], -pk))
        else:
            chosen = rng.choice(free or list(quality))
        advisor = advisors[hub.chamber_id]
        question = Question.objects.create(
            reference=f"EV{seed}-{i:05d}",
            company=company,
            chamber=hub.chamber,
            hub=hub,
            registered_at=moment - dt.timedelta(days=10),
            text=text,
            status=Status.DECIDED,
            advisor=advisor,
            decision=Decision.TRAJECTORY,
            chosen_partner_id=chosen,
            decided_at=moment,
            decision_reason="evaluation",
        )
        if rng.random() < 0.75:
            question.themes.set([themes[c] for c in need])
        questions.append(question)
        q = quality[chosen]
        lead = dt.timedelta(days=max(3, rng.gauss(80 - 60 * q, 8)))
        ends = moment + lead + dt.timedelta(days=rng.randrange(60, 120))
        stopped = rng.random() > 0.55 + 0.45 * q
        trajectory = Trajectory.objects.create(
            reference=f"EVT{seed}-{i:05d}",
            company=company,
            hub=hub,
            chamber=hub.chamber,
            advisor=advisor,
            partner_id=chosen,
            question=question,
            phase=Phase.STOPPED if stopped else Phase.COMPLETED,
            started_at=moment,
            quote_signed_at=None if stopped else moment + lead,
            completed_at=None if stopped else ends,
            stopped_at=moment + lead if stopped else None,
            stop_reason="evaluation" if stopped else "",
        )
        trajectory.themes.set([themes[c] for c in need])
        running[chosen].append(ends)
        if not stopped:
            Survey.objects.create(
                trajectory=trajectory,
                score=max(1, min(5, round(1 + 4 * q + rng.gauss(0, 0.5)))),
                answered_at=ends + dt.timedelta(days=3),
            )
    return questions


def evaluate_generated(*, method: str | None = None, **kwargs: Any) -> dict[str, Outcome]:
    """Generate, replay (with the text ``method``) and roll everything back."""
    with transaction.atomic():
        questions = generate(**kwargs)
        outcome = replay(questions, method=method)
        transaction.set_rollback(True)
    return outcome
