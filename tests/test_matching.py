"""Partner recommendations: each reason, ties, history in the database, the workflow hook,
what is recorded, declared relations, the pages and the evaluation."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation

from digihub.audit.models import AuditEvent
from digihub.core.access import ALLOW, deny
from digihub.core.workflow import ConditionUnmet, _extra_conditions, add_condition
from digihub.intake import services as intake
from digihub.intake.models import Question, Status
from digihub.matching import history, ranking, text
from digihub.matching.evaluation import evaluate_generated
from digihub.matching.history import History
from digihub.matching.models import PartnerRecord, Recommendation, Relation
from digihub.matching.ranking import Candidate, PartnerFacts, QuestionFacts
from digihub.matching.services import declare_relation, withdraw_relation
from digihub.network.models import KnowledgePartner, Theme
from digihub.trajectories.models import Phase, Survey, Trajectory

from .test_intake import registration

pytestmark = pytest.mark.usefixtures("english")  # texts are read back in English


@pytest.fixture(autouse=True)
def english(client: Any) -> Iterator[None]:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def qfacts(**kw: Any) -> QuestionFacts:
    data: dict[str, Any] = {
        "text": "sensoren",
        "theme_ids": frozenset({1, 2, 3}),
        "theme_names": {1: "AI", 2: "Data", 3: "Sensors and IoT"},
        "nace_division": "25",
        "nace_section": "C",
        "hub_id": 1,
        "chamber_id": 1,
        "region": "VLG",
        "enterprise_number": "0123456749",
    }
    data.update(kw)
    return QuestionFacts(**data)


def pfacts(**kw: Any) -> PartnerFacts:
    data: dict[str, Any] = {
        "theme_ids": frozenset(),
        "text_fit": 0.0,
        "words": [],
        "capacity": 8,
        "running": 3,
        "history": History(),
        "distance": "",
    }
    data.update(kw)
    return PartnerFacts(**data)


class TestReasons:
    def test_themes_count_in_words(self) -> None:
        q = qfacts()
        three = ranking.theme_reason(q, frozenset({1, 2, 3}))
        assert three is not None
        assert three.text == "works on AI, Data, Sensors and IoT (3 themes match)"
        assert three.points == ranking.W_THEMES
        one = ranking.theme_reason(q, frozenset({3, 9}))
        assert one is not None and one.text == "works on Sensors and IoT (1 theme matches)"
        assert one.points == pytest.approx(ranking.W_THEMES / 9)
        none = ranking.theme_reason(q, frozenset({9}))
        assert none is not None and not none.good and none.points == 0
        assert ranking.theme_reason(qfacts(theme_ids=frozenset()), frozenset({1})) is None

    def test_capacity(self) -> None:
        free = ranking.capacity_reason(8, 3)
        assert free is not None and free.text == "capacity 5 of 8 free"
        assert free.points == ranking.W_CAPACITY
        full = ranking.capacity_reason(8, 9)
        assert full is not None and not full.good and full.points == -ranking.W_CAPACITY
        assert "fully booked" in full.text
        assert ranking.capacity_reason(8, None) is None

    def test_room_for_the_question_is_enough(self) -> None:
        # From a quarter of the capacity free (or one place) a partner has room; more idle
        # room does not make it fit better, less is a partner about to be full.
        assert ranking.capacity_reason(8, 6).points == ranking.W_CAPACITY  # type: ignore[union-attr]
        assert ranking.capacity_reason(8, 0).points == ranking.W_CAPACITY  # type: ignore[union-attr]
        one = ranking.capacity_reason(8, 7)
        assert one is not None and one.points == pytest.approx(ranking.W_CAPACITY / 2)
        assert ranking.capacity_reason(3, 2).points == ranking.W_CAPACITY  # type: ignore[union-attr]
        assert ranking.capacity_reason(40, 35).points == pytest.approx(  # type: ignore[union-attr]
            ranking.W_CAPACITY / 2
        )

    def test_whole_need_outranks_half_of_it_nearby(self) -> None:
        # A two-theme question: the hub's partner with one theme against a partner outside
        # the hub with both (advisors take the one that covers the need).
        q = qfacts(theme_ids=frozenset({1, 3}))
        half = pfacts(theme_ids=frozenset({1}), distance="hub")
        whole = pfacts(theme_ids=frozenset({1, 3}), distance="region")
        assert ranking.points_knowledge(q, whole) > ranking.points_knowledge(q, half)
        half_reason = ranking.theme_reason(q, frozenset({1}))
        assert half_reason is not None and half_reason.points == ranking.W_THEMES / 4

    def test_lead_time(self) -> None:
        fast = ranking.lead_time_reason(History(signed=8, median_quote_days=34.2))
        assert fast.text == "median 34 days to a signed quote"
        share = (90 - 34.2) / 76
        assert fast.points == pytest.approx(ranking.W_LEAD * (0.5 * 2 + share * 8) / 10)
        one_day = ranking.lead_time_reason(History(signed=1, median_quote_days=1))
        assert one_day.text == "median 1 day to a signed quote"
        # One trajectory is a hint: drawn towards the neutral half by two imaginary ones.
        assert one_day.points == pytest.approx(ranking.W_LEAD * (0.5 * 2 + 1) / 3)
        unknown = ranking.lead_time_reason(History())
        assert unknown.text == "" and unknown.points == ranking.W_LEAD / 2

    def test_completion(self) -> None:
        reason = ranking.completion_reason(History(completed=3, stopped=1))
        assert reason.text == "completed 3 of 4 finished trajectories (75.0%)"
        assert reason.points == pytest.approx(ranking.W_COMPLETION * (1 + 3) / 6)
        none = ranking.completion_reason(History())
        assert none.text == "" and none.points == ranking.W_COMPLETION / 2

    def test_satisfaction(self) -> None:
        reason = ranking.satisfaction_reason(History(surveys=12, satisfaction=4.6))
        assert reason.text == "satisfaction 4.6 from 12 SMEs"
        assert reason.points == pytest.approx(ranking.W_SATISFACTION * (1 + 0.9 * 12) / 14)
        with translation.override("nl"):
            dutch = ranking.satisfaction_reason(History(surveys=12, satisfaction=4.6))
        assert "4,6" in dutch.text
        one = ranking.satisfaction_reason(History(surveys=1, satisfaction=5))
        assert one.text == "satisfaction 5 from 1 SME"
        assert one.points == pytest.approx(ranking.W_SATISFACTION * 2 / 3)

    def test_sector(self) -> None:
        q = qfacts()
        reason = ranking.sector_reason(q, History(sectors={"25": (4, "C")}))
        assert reason is not None and reason.text == "has guided 4 companies in NACE C25"
        one = ranking.sector_reason(q, History(sectors={"25": (1, "C")}))
        assert one is not None and one.text == "has guided 1 company in NACE C25"
        assert ranking.sector_reason(q, History(sectors={"62": (9, "J")})) is None
        assert ranking.sector_reason(qfacts(nace_division=""), History()) is None

    def test_track_record_and_distance(self) -> None:
        reason = ranking.track_reason(qfacts(), History(themes={3: 6, 1: 2}))
        assert reason is not None and reason.text == "completed 6 trajectories on these themes"
        assert reason.points == ranking.W_TRACK
        assert ranking.distance_reason("hub").text == "same province"
        assert ranking.distance_reason("region").points == pytest.approx(3.0)
        outside = ranking.distance_reason("")
        assert outside.text == "outside the hub" and not outside.good

    def test_words(self) -> None:
        reason = ranking.text_reason(0.8, ["sensoren"])
        assert reason is not None and reason.text == "expertise mentions “sensoren”"
        assert reason.points == pytest.approx(0.8 * ranking.W_TEXT)
        weak = ranking.text_reason(0.1, [])
        assert weak is not None and weak.text == "" and weak.points == pytest.approx(1.2)

    def test_score_adds_the_reasons(self) -> None:
        q = qfacts()
        p = pfacts(
            theme_ids=frozenset({1, 2, 3}),
            text_fit=1.0,
            running=0,
            distance="hub",
            history=History(
                completed=10,
                signed=10,
                median_quote_days=10,
                surveys=10,
                satisfaction=5.0,
                sectors={"25": (5, "C")},
                themes={1: 5},
            ),
        )
        score, fit, reasons = ranking.score_knowledge(q, p)
        assert score == pytest.approx(round(sum(r.points for r in reasons), 1)) and fit == 1.0
        # Everything at its best; only ten trajectories keep the track record short of full.
        assert 97 < score < 100
        assert {r.code for r in reasons} == {
            "themes",
            "words",
            "capacity",
            "distance",
            "lead_time",
            "completion",
            "satisfaction",
            "sector",
            "track_record",
        }


def test_fast_points_equal_the_explained_score() -> None:
    import random

    rng = random.Random(3)
    for _ in range(300):
        q = qfacts(
            theme_ids=frozenset(rng.sample([1, 2, 3], rng.randrange(0, 4))),
            nace_division=rng.choice(["25", "62", ""]),
        )
        signed = rng.randrange(0, 6)
        p = pfacts(
            theme_ids=frozenset(rng.sample([1, 2, 3, 4], rng.randrange(0, 5))),
            text_fit=rng.random(),
            capacity=rng.randrange(1, 10),
            running=rng.choice([None, 0, 3, 12]),
            distance=rng.choice(["hub", "region", ""]),
            history=History(
                completed=rng.randrange(0, 5),
                stopped=rng.randrange(0, 3),
                signed=signed,
                median_quote_days=rng.uniform(5, 120) if signed else None,
                surveys=(n := rng.randrange(0, 4)),
                satisfaction=rng.uniform(1, 5) if n else None,
                sectors={"25": (rng.randrange(0, 8), "C")},
                themes={1: rng.randrange(0, 7)},
            ),
        )
        assert ranking.points_knowledge(q, p) == pytest.approx(ranking.score_knowledge(q, p)[0])


class TestTies:
    def _candidate(self, name: str, pk: int, score: float, fit: float) -> Candidate:
        partner = KnowledgePartner(pk=pk, short_name=name, name=name)
        return Candidate(partner=partner, score=score, fit=fit)

    def test_equal_scores_by_fit_then_name(self) -> None:
        ranked = ranking.order(
            [
                self._candidate("Zeta", 1, 50.0, 0.5),
                self._candidate("alpha", 2, 50.0, 0.5),
                self._candidate("Beta", 3, 50.0, 0.9),
                self._candidate("Top", 4, 60.0, 0.1),
            ]
        )
        assert [c.partner.short_name for c in ranked] == ["Top", "Beta", "alpha", "Zeta"]
        assert [c.rank for c in ranked] == [1, 2, 3, 4]

    def test_identical_partners_rank_the_same_way_every_time(self, network: Any) -> None:
        q = question_about_sensors(network)
        twins = []
        for name in ("Tweeling B", "Tweeling A"):
            p = KnowledgePartner.objects.create(
                name=name, short_name=name, kind="research", capacity=5, expertise="trillingen"
            )
            twins.append(p)
        q.text = "trillingen"
        q.save()
        first = [c.partner.pk for c in ranking.rank_knowledge_partners(q, limit=None)]
        again = [c.partner.pk for c in ranking.rank_knowledge_partners(q, limit=None)]
        assert first == again
        a, b = first.index(twins[1].pk), first.index(twins[0].pk)
        assert a + 1 == b  # equal score and fit: A before B


class TestText:
    def test_tokens_find_stems_across_languages(self) -> None:
        docs = {1: "Sensoren en IoT, trillingsmeting", 2: "Webshops en online verkoop", 3: ""}
        fit = text.token_fit("Welke sensors passen bij onze machines?", docs)
        assert fit[1] == 1.0 and fit[2] == 0.0 and fit[3] == 0.0
        assert text.shared_words("Welke sensors passen?", docs[1]) == ["sensors"]
        assert text.token_fit("de en het", docs) == {1: 0.0, 2: 0.0, 3: 0.0}

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
    @pytest.mark.django_db
    def test_postgres_full_text_in_three_languages(self) -> None:
        docs = {
            1: "Sensoren en IoT voor machines",
            2: "Capteurs intelligents et maintenance",
            3: "Online shops and payments",
        }
        dutch = text.postgres_fit("Welke sensoren hebben we nodig?", docs)
        assert dutch[1] == 1.0 and dutch[3] == 0.0
        french = text.postgres_fit("Quels capteurs choisir ?", docs)
        assert french[2] == 1.0 and french[1] == 0.0
        assert text.postgres_fit("de het een", docs) == {1: 0.0, 2: 0.0, 3: 0.0}


def question_about_sensors(network: Any, company: Any = None, **extra: Any) -> Question:
    from tests.factories import make_company

    company = company or make_company(name="Sensorbedrijf", nace_main="25.620", nace_section="C")
    q, _ = intake.register_question(
        actor=None,
        data=registration(
            company, text="Wij willen sensoren op onze machines om trillingen te meten.", **extra
        ),
    )
    q.themes.set(Theme.objects.filter(code="iot"))
    return q


def _trajectory(company: Any, partner: Any, advisor: Any, **kw: Any) -> Trajectory:
    n = Trajectory.objects.count()
    data = {
        "reference": f"T-TEST-{n}",
        "company": company,
        "hub": company.hub,
        "chamber": company.chamber,
        "advisor": advisor,
        "partner": partner,
    }
    data.update(kw)
    return Trajectory.objects.create(**data)


@pytest.mark.django_db
class TestHistory:
    def test_aggregates_in_the_database(self, people: Any, network: Any) -> None:
        p = network.partner_p
        start = timezone.now() - dt.timedelta(days=400)
        company = people.company_x
        type(company).objects.filter(pk=company.pk).update(nace_main="25.620", nace_section="C")
        company.refresh_from_db()
        leads = [10, 30, 50, 70]
        for i, days in enumerate(leads):
            t = _trajectory(
                company,
                p,
                people.advisor_a,
                phase=Phase.COMPLETED,
                started_at=start + dt.timedelta(days=i),
                quote_signed_at=start + dt.timedelta(days=i + days),
                completed_at=start + dt.timedelta(days=i + days + 30),
            )
            t.themes.set(Theme.objects.filter(code="ai"))
            Survey.objects.create(
                trajectory=t, score=4 + i % 2, answered_at=start + dt.timedelta(days=200)
            )
        _trajectory(
            people.company_y,
            p,
            people.advisor_b,
            phase=Phase.STOPPED,
            started_at=start,
            stopped_at=start + dt.timedelta(days=5),
            stop_reason="no budget",
        )
        running = _trajectory(people.company_y, p, people.advisor_b, phase=Phase.EXECUTION)
        h = history.aggregate()[p.pk]
        assert (h.completed, h.stopped, h.signed) == (4, 1, 4)
        assert h.median_quote_days == pytest.approx(40.0)  # (30 + 50) / 2
        assert (h.surveys, h.satisfaction) == (4, pytest.approx(4.5))
        assert h.sectors["25"] == (1, "C")
        ai = Theme.objects.get(code="ai").pk
        assert h.themes == {ai: 4}
        assert history.load([p.pk]) == {p.pk: 1}
        # As of a past moment: only what had happened by then.
        then = start + dt.timedelta(days=45)
        past = history.aggregate(as_of=then)[p.pk]
        assert (past.signed, past.completed, past.stopped) == (2, 1, 1)  # the first ended on day 40
        assert past.median_quote_days == pytest.approx(20.0)
        assert past.surveys == 0
        assert history.load([p.pk], as_of=then)[p.pk] == 3  # four started, one finished
        # Stored records are what rankings read; refresh rewrites them.
        assert history.refresh() == KnowledgePartner.objects.count()
        record = PartnerRecord.objects.get(partner=p)
        assert record.median_quote_days == pytest.approx(40.0)
        assert history.records()[p.pk].sectors == {"25": (1, "C")}
        running.delete()


@pytest.mark.django_db
class TestRanking:
    def test_sensor_question_ranks_iot_partners_with_reasons(self, network: Any) -> None:
        q = question_about_sensors(network)
        ranked = ranking.rank_knowledge_partners(q, limit=5)
        assert len(ranked) == 5
        iot = Theme.objects.get(code="iot")
        top = ranked[0]
        assert iot.pk in set(top.partner.themes.values_list("pk", flat=True))
        texts = [r.text for r in top.reasons]
        assert any(t.startswith("works on Sensors and IoT") for t in texts)
        assert any(t.startswith("capacity ") for t in texts)
        assert all(a.score >= b.score for a, b in itertools.pairwise(ranked))

    def test_limit_keeps_the_same_top(self, network: Any) -> None:
        q = question_about_sensors(network)
        everyone = ranking.rank_knowledge_partners(q, limit=None)
        top = ranking.rank_knowledge_partners(q, limit=3)
        assert [c.partner.pk for c in top] == [c.partner.pk for c in everyone[:3]]
        assert [c.score for c in top] == [c.score for c in everyone[:3]]

    def test_kept_partner_catalogue_follows_edits(self, network: Any, monkeypatch: Any) -> None:
        q = question_about_sensors(network)
        first = ranking.rank_knowledge_partners(q, limit=None)
        assert ranking.knowledge_catalogue() is ranking.knowledge_catalogue()  # kept
        # An edited expertise and themes: the next ranking reads them.
        last = first[-1].partner
        last.expertise = "sensoren, trillingen en machines meten"
        last.save()
        last.themes.add(Theme.objects.get(code="iot"))
        again = {c.partner.pk: c for c in ranking.rank_knowledge_partners(q, limit=None)}
        assert again[last.pk].fit > first[-1].fit
        # A partner deactivated by another process (no signal here): gone once the kept
        # catalogue is older than CATALOGUE_SECONDS.
        gone = again[first[0].partner.pk].partner
        KnowledgePartner.objects.filter(pk=gone.pk).update(active=False)
        assert gone.pk in {c.partner.pk for c in ranking.rank_knowledge_partners(q, limit=None)}
        monkeypatch.setattr(ranking, "CATALOGUE_SECONDS", 0.0)
        assert gone.pk not in {c.partner.pk for c in ranking.rank_knowledge_partners(q, limit=None)}

    def test_commercial_partners_on_the_referral_route(self, network: Any) -> None:
        q = question_about_sensors(network)
        ranked = ranking.rank_commercial_partners(q, limit=None)
        assert ranked and all(a.score >= b.score for a, b in itertools.pairwise(ranked))
        fitting = [c for c in ranked if c.reasons]
        assert fitting, "some commercial partner fits a sensor question"


@pytest.mark.django_db
class TestConditionHook:
    def test_extra_condition_sees_the_steps_outcome_and_undoes_it(self, people: Any) -> None:
        q = question_about_sensors(None, company=people.company_x)
        intake.take_question(actor=people.advisor_a, question=q)
        seen = []

        def refuse_partner_q(question: Question) -> Any:
            seen.append(question.chosen_partner_id)
            if question.chosen_partner_id == people.partner_q.partner_id:
                return deny("not this one")
            return ALLOW

        add_condition(Question, "decide_trajectory")(refuse_partner_q)
        try:
            with pytest.raises(ConditionUnmet, match="not this one"):
                intake.decide_trajectory(
                    actor=people.advisor_a, question=q, partner=people.partner_q.partner, reason="x"
                )
            q.refresh_from_db()
            assert q.status == Status.IN_PROGRESS and q.chosen_partner_id is None
            intake.decide_trajectory(
                actor=people.advisor_a, question=q, partner=people.partner_p.partner, reason="x"
            )
            assert seen == [people.partner_q.partner_id, people.partner_p.partner_id]
        finally:
            _extra_conditions[(Question, "decide_trajectory")].remove(refuse_partner_q)


@pytest.mark.django_db
class TestConflicts:
    def test_declared_relation_needs_the_agencys_validation(self, people: Any) -> None:
        q = question_about_sensors(None, company=people.company_x)
        intake.take_question(actor=people.advisor_a, question=q)
        partner = people.partner_p.partner
        relation = declare_relation(
            actor=people.partner_p,
            enterprise_number=people.company_x.enterprise_number_display,
            kind="director",
            description="Same director",
        )
        assert relation.knowledge_partner == partner and relation.declared_side == "partner"
        event = AuditEvent.objects.get(action="matching.relation_declared")
        assert event.company_id == people.company_x.pk
        from digihub.core.workflow import Audience, audience_of

        assert audience_of("matching.relation_declared") == Audience.INTERNAL
        flagged = {c.partner.pk: c for c in ranking.rank_knowledge_partners(q, limit=None)}
        assert flagged[partner.pk].conflicts == ["shared director"]
        with pytest.raises(ConditionUnmet, match="declared related"):
            intake.decide_trajectory(
                actor=people.advisor_a, question=q, partner=partner, reason="x"
            )
        q.refresh_from_db()
        assert q.status == Status.IN_PROGRESS and not q.trajectories.exists()
        intake.decide_trajectory(
            actor=people.advisor_a, question=q, partner=partner, reason="x", ask_validation=True
        )
        q.refresh_from_db()
        assert q.status == Status.AWAITING_VALIDATION
        trajectory = intake.approve_partner_validation(actor=people.officer, question=q)
        assert trajectory is not None and trajectory.partner == partner
        # Withdrawn, the relation no longer blocks.
        withdraw_relation(actor=people.advisor_a, relation=relation, reason="director left")
        assert Relation.objects.get(pk=relation.pk).withdrawn_at is not None
        assert AuditEvent.objects.filter(action="matching.relation_withdrawn").exists()

    def test_who_declares_what(self, people: Any) -> None:
        with pytest.raises(ValidationError):  # partner staff: only their own partner
            declare_relation(
                actor=people.partner_p,
                enterprise_number=people.company_x.enterprise_number,
                kind="staff",
                knowledge_partner=people.partner_q.partner,
            )
        with pytest.raises(ValidationError):  # an SME: only its own company
            declare_relation(
                actor=people.sme_x,
                enterprise_number=people.company_y.enterprise_number,
                kind="staff",
                knowledge_partner=people.partner_q.partner,
            )
        with pytest.raises(ValidationError):  # an advisor: only the chamber's companies
            declare_relation(
                actor=people.advisor_a,
                enterprise_number=people.company_y.enterprise_number,
                kind="staff",
                knowledge_partner=people.partner_q.partner,
            )
        with pytest.raises(ValidationError):  # a malformed number
            declare_relation(
                actor=people.coordinator,
                enterprise_number="123",
                kind="staff",
                knowledge_partner=people.partner_q.partner,
            )
        # A partner may declare a number the platform does not know: nothing is revealed.
        from digihub.companies.demo import enterprise_number

        unknown = declare_relation(
            actor=people.partner_p,
            enterprise_number=enterprise_number(9_876_543),
            kind="shareholder",
            knowledge_partner=people.partner_p.partner,
        )
        assert unknown.chamber is None
        ok = declare_relation(
            actor=people.sme_x,
            enterprise_number=people.company_x.enterprise_number,
            kind="shareholder",
            knowledge_partner=people.partner_q.partner,
        )
        assert ok.declared_side == "company"


@pytest.mark.django_db
class TestRecorded:
    def test_shown_and_chosen_are_recorded(self, people: Any, client_for: Any) -> None:
        q = question_about_sensors(None, company=people.company_x)
        intake.take_question(actor=people.advisor_a, question=q)
        client = client_for(people.advisor_a)
        page = client.get(f"/questions/{q.pk}/", HTTP_ACCEPT_LANGUAGE="en")
        body = page.content.decode()
        assert "Recommended partners" in body and "works on Sensors and IoT" in body
        assert "Recommended commercial partners" in body
        shown = Recommendation.objects.get(question=q, side="knowledge")
        assert shown.shown_at is not None and shown.shown_to == people.advisor_a
        assert len(shown.ranking) == 10
        client.get(f"/questions/{q.pk}/")  # the same ranking again: no new row
        assert Recommendation.objects.filter(question=q, side="knowledge").count() == 1
        second = shown.ranking[1]["partner"]
        intake.decide_trajectory(
            actor=people.advisor_a,
            question=q,
            partner=KnowledgePartner.objects.get(pk=second),
            reason="fits",
        )
        shown.refresh_from_db()
        assert (shown.chosen_partner_id, shown.chosen_rank) == (second, 2)
        assert shown.step == "decide_trajectory" and shown.chosen_by == people.advisor_a

    def test_choice_without_a_shown_ranking(self, people: Any) -> None:
        q = question_about_sensors(None, company=people.company_x)
        intake.take_question(actor=people.advisor_a, question=q)
        intake.request_partner_validation(
            actor=people.advisor_a, question=q, partner=people.partner_p.partner, reason="x"
        )
        row = Recommendation.objects.get(question=q)
        assert row.shown_at is None and row.step == "ask_validation"
        assert row.chosen_partner_id == people.partner_p.partner_id and row.ranking

    def test_referral_records_the_commercial_choice(self, people: Any) -> None:
        from digihub.network.models import CommercialPartner

        q = question_about_sensors(None, company=people.company_x)
        intake.take_question(actor=people.advisor_a, question=q)
        partner = CommercialPartner.objects.first()
        intake.decide_no_trajectory(
            actor=people.advisor_a,
            question=q,
            route="commercial_partner",
            reason="x",
            commercial_partner=partner,
        )
        row = Recommendation.objects.get(question=q, side="commercial")
        assert row.chosen_partner_id == partner.pk

    def test_officer_sees_the_chosen_partners_reasons(self, people: Any, client_for: Any) -> None:
        q = question_about_sensors(None, company=people.company_x)
        intake.take_question(actor=people.advisor_a, question=q)
        declare_relation(
            actor=people.advisor_a,
            enterprise_number=people.company_x.enterprise_number,
            kind="shareholder",
            knowledge_partner=people.partner_p.partner,
        )
        intake.request_partner_validation(
            actor=people.advisor_a, question=q, partner=people.partner_p.partner, reason="x"
        )
        body = client_for(people.officer).get(f"/questions/{q.pk}/").content.decode()
        assert "Recommendation: rank" in body
        assert "declared related to the company (shareholder)" in body


@pytest.mark.django_db
class TestPartnerSelect:
    def test_labels_once_translated_and_searchable(self, people: Any, client_for: Any) -> None:
        KnowledgePartner.objects.update_or_create(
            short_name="KU Leuven", defaults={"name": "KU Leuven", "kind": "university"}
        )
        q = question_about_sensors(None, company=people.company_x)
        intake.take_question(actor=people.advisor_a, question=q)
        body = client_for(people.advisor_a).get(f"/questions/{q.pk}/").content.decode()
        assert "KU Leuven — KU Leuven" not in body
        assert ">KU Leuven</option>" in body  # in the Vlaams-Brabant consortium
        assert ">UAntwerpen — Universiteit Antwerpen (outside the hub)</option>" in body
        sirris = KnowledgePartner.objects.get(short_name="Sirris")
        assert f'value="{sirris.pk}" data-keywords="' in body
        from digihub.intake.forms import partner_label

        with translation.override("nl"):
            # The label is one translatable sentence, formatted in the reader's language.
            label = partner_label(KnowledgePartner(short_name="imec", name="imec"), outside=True)
        assert label.startswith("imec (") and "—" not in label

    def test_filter_words_include_expertise_and_themes(self, network: Any) -> None:
        from digihub.intake.forms import TrajectoryDecisionForm

        form = TrajectoryDecisionForm(hub=network.hub_a)
        sirris = KnowledgePartner.objects.get(short_name="Sirris")
        words = form.fields["partner"].widget.option_attrs[str(sirris.pk)]["data-keywords"]
        assert "sensor" in words.lower() and "IoT" in words
        assert "capteurs" in words.lower()  # a French advisor filters in French


@pytest.mark.django_db
class TestRelationsPage:
    def test_declare_and_withdraw(self, people: Any, client_for: Any) -> None:
        client = client_for(people.partner_p)
        response = client.post(
            "/matching/relations/",
            {"enterprise_number": "12", "kind": "director", "description": "typed"},
        )
        assert response.status_code == 400 and b"typed" in response.content
        assert not Relation.objects.exists()
        response = client.post(
            "/matching/relations/",
            {"enterprise_number": people.company_x.enterprise_number, "kind": "director"},
        )
        assert response.status_code == 302
        relation = Relation.objects.get()
        assert relation.knowledge_partner_id == people.partner_p.partner_id
        # The other partner does not see it; the company and its chamber do.
        assert (
            relation.enterprise_number
            not in client_for(people.partner_q).get("/matching/relations/").content.decode()
        )
        assert (
            relation.enterprise_number
            in client_for(people.sme_x).get("/matching/relations/").content.decode()
        )
        client = client_for(people.advisor_a)
        assert relation.enterprise_number in client.get("/matching/relations/").content.decode()
        client.post(f"/matching/relations/{relation.pk}/withdraw/", {"reason": "left"})
        relation.refresh_from_db()
        assert relation.withdrawn_at is not None and relation.withdrawn_by == people.advisor_a


@pytest.mark.django_db
class TestEvaluation:
    def test_generated_history_meets_the_target(self, network: Any) -> None:
        outcome = evaluate_generated(decisions=80, partners=10, seed=7)["knowledge"]
        assert outcome.decisions == 80 and outcome.clear >= 40
        assert outcome.share_top3 >= 0.8, outcome
        assert not Question.objects.filter(reference__startswith="EV7-").exists()  # rolled back

    def test_command_prints_its_figures(self, network: Any) -> None:
        out = StringIO()
        call_command("evaluate_matching", "--decisions", "15", "--partners", "4", stdout=out)
        printed = out.getvalue()
        assert "Generated histories (15 decisions" in printed and "in the top 3" in printed
        assert "seed 19:" in printed and "seed 42:" in printed
        assert "5 seeds: top 3 mean" in printed and "lowest" in printed


@pytest.mark.django_db
class TestApi:
    def test_recommendations_for_the_network_only(self, people: Any, client_for: Any) -> None:
        q = question_about_sensors(None, company=people.company_x)
        url = f"/api/v1/matching/questions/{q.pk}/recommendations"
        answer = client_for(people.advisor_a).get(url).json()
        assert len(answer) == 10 and answer[0]["rank"] == 1
        assert answer[0]["reasons"] and {"code", "text", "good"} <= set(answer[0]["reasons"][0])
        assert client_for(people.advisor_a).get(url + "?side=commercial").status_code == 200
        assert client_for(people.advisor_b).get(url).status_code == 404
        assert client_for(people.sme_x).get(url).status_code == 403

    def test_declare_and_list(self, people: Any, client_for: Any) -> None:
        client = client_for(people.sme_x)
        url = "/api/v1/matching/relations"
        bad = client.post(
            url,
            {
                "enterprise_number": people.company_y.enterprise_number,
                "kind": "staff",
                "knowledge_partner_id": people.partner_p.partner_id,
            },
            content_type="application/json",
        )
        assert bad.status_code in (400, 422) and not Relation.objects.exists()
        made = client.post(
            url,
            {
                "enterprise_number": people.company_x.enterprise_number,
                "kind": "staff",
                "knowledge_partner_id": people.partner_p.partner_id,
            },
            content_type="application/json",
        )
        assert made.status_code == 201 and made.json()["declared_side"] == "company"
        assert [r["id"] for r in client.get(url).json()] == [made.json()["id"]]
        assert client_for(people.sme_y).get(url).json() == []
