"""Digital maturity assessments: scoring against hand-computed answer sets, the customer's link
(saved as it goes, expired, wrong company), T1 scheduled at completion with idempotent
reminders, the service type chosen at the decision, public-sector customers."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from digihub.assessments import scoring, services
from digihub.assessments.links import LinkInvalid, make_token, read_token
from digihub.assessments.models import (
    Assessment,
    Band,
    Dimension,
    DimensionScore,
    Moment,
    Questionnaire,
    Skipped,
    Status,
)
from digihub.companies.models import Contact, CustomerKind
from digihub.funding import demo as funding_demo
from digihub.intake import services as intake
from digihub.trajectories import services as trajectories
from digihub.trajectories.models import Trajectory

from .factories import make_company

pytestmark = pytest.mark.usefixtures("english")  # texts are read back in English


def sme_questionnaire() -> Questionnaire:
    return Questionnaire.objects.get(code="dma-sme", version=1)


def answer_all(a: Assessment, pick: str, skip_optional: bool = False, actor: Any = None) -> None:
    """Answer every question: ``pick`` "min" (nothing ticked, scale 0) or "max" (everything
    ticked, scale 5)."""
    for dimension in services.dimensions_of(a.questionnaire):
        given: dict[int, tuple[list[int], bool]] = {}
        for q in dimension.questions.all():
            options = list(q.options.all())
            if q.optional and skip_optional:
                given[q.pk] = ([], True)
            elif q.kind == "single":
                chosen = (
                    min(options, key=lambda o: o.points)
                    if pick == "min"
                    else max(options, key=lambda o: o.points)
                )
                given[q.pk] = ([chosen.pk], False)
            else:
                given[q.pk] = ([] if pick == "min" else [o.pk for o in options], False)
        services.save_answers(
            assessment=a, dimension=dimension, given=given, actor=actor, via_link=actor is None
        )


@pytest.fixture
def t0(people: Any, django_capture_on_commit_callbacks: Any) -> Assessment:
    Contact.objects.create(
        company=people.company_x, first_name="An", last_name="Smet", email="an@x.example"
    )
    with django_capture_on_commit_callbacks(execute=True):
        return services.start_assessment(actor=people.advisor_a, company=people.company_x)


# Scoring ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_questionnaires_are_data_with_six_dimensions() -> None:
    sme = sme_questionnaire()
    public = Questionnaire.objects.get(code="dma-public", version=1)
    assert [d.code for d in sme.dimensions.order_by("order")] == [
        "strategy",
        "readiness",
        "human",
        "data",
        "automation",
        "green",
    ]
    assert [d.name for d in public.dimensions.order_by("order")] == [
        "Digital strategy and investments",
        "Digital readiness",
        "Human-centric digitalisation",
        "Data management and security",
        "Interoperability",
        "Green digitalisation",
    ]


@pytest.mark.django_db
def test_all_minimum_scores_zero_and_basic(t0: Assessment) -> None:
    answer_all(t0, "min")
    a = services.submit(assessment=t0, via_link=True)
    assert a.overall == Decimal("0.00") and a.band == Band.BASIC
    assert set(a.scores.values_list("score", flat=True)) == {Decimal("0.00")}
    assert a.scores.count() == 6


@pytest.mark.django_db
def test_all_maximum_scores_hundred_and_advanced(t0: Assessment) -> None:
    answer_all(t0, "max")
    a = services.submit(assessment=t0, via_link=True)
    assert a.overall == Decimal("100.00") and a.band == Band.ADVANCED


@pytest.mark.django_db
def test_skipped_optional_question_hand_computed(t0: Assessment) -> None:
    """Digital readiness: 10 technologies (1 point each, max 10) and the optional 0–5 question.
    Five technologies ticked, optional skipped: exclude → 5/10 = 50.00; counted as zero →
    5/15 = 33.33. Answered with 5 → 10/15 = 66.67."""
    readiness = Dimension.objects.get(questionnaire=t0.questionnaire, code="readiness")
    techs, optional = list(readiness.questions.order_by("order"))
    five = [o.pk for o in techs.options.order_by("order")[:5]]
    answer_all(t0, "min")
    services.save_answers(
        assessment=t0,
        dimension=readiness,
        given={techs.pk: (five, False), optional.pk: ([], True)},
        via_link=True,
    )
    given = services._given(t0)
    assert scoring.dimension_score(readiness, readiness.questions.all(), given) == Decimal("50.00")
    readiness.skipped = Skipped.ZERO
    assert scoring.dimension_score(readiness, readiness.questions.all(), given) == Decimal("33.33")
    readiness.skipped = Skipped.EXCLUDE
    top = optional.options.get(points=5)
    services.save_answers(
        assessment=t0, dimension=readiness, given={optional.pk: ([top.pk], False)}, via_link=True
    )
    given = services._given(t0)
    assert scoring.dimension_score(readiness, readiness.questions.all(), given) == Decimal("66.67")
    # Overall: the mean of the six (five at zero and 66.67) = 11.11 → Basic.
    a = services.submit(assessment=t0, via_link=True)
    assert a.overall == Decimal("11.11") and a.band == Band.BASIC


def test_bands_follow_the_rounded_score() -> None:
    assert scoring.band_of(Decimal("25.49")) == Band.BASIC
    assert scoring.band_of(Decimal("25.50")) == Band.AVERAGE
    assert scoring.band_of(Decimal("50")) == Band.AVERAGE
    assert scoring.band_of(Decimal("51")) == Band.MODERATE
    assert scoring.band_of(Decimal("70.49")) == Band.MODERATE
    assert scoring.band_of(Decimal("71")) == Band.ADVANCED
    assert scoring.overall_score([Decimal("10"), Decimal("20"), Decimal("0")]) == Decimal("10.00")


@pytest.mark.django_db
def test_required_questions_block_submission(t0: Assessment) -> None:
    with pytest.raises(ValidationError):  # nothing answered yet: not started
        services.submit(assessment=t0, via_link=True)
    strategy = Dimension.objects.get(questionnaire=t0.questionnaire, code="strategy")
    areas = strategy.questions.get(code="areas")
    services.save_answers(
        assessment=t0, dimension=strategy, given={areas.pk: ([], False)}, via_link=True
    )
    with pytest.raises(ValidationError) as exc:
        services.submit(assessment=t0, via_link=True)
    assert "Digital business strategy" in str(exc.value)
    assert Assessment.objects.get(pk=t0.pk).status == Status.IN_PROGRESS


@pytest.mark.django_db
def test_required_question_cannot_be_skipped(t0: Assessment) -> None:
    strategy = Dimension.objects.get(questionnaire=t0.questionnaire, code="strategy")
    q = strategy.questions.get(code="readiness")
    with pytest.raises(ValidationError):
        services.save_answers(
            assessment=t0, dimension=strategy, given={q.pk: ([], True)}, via_link=True
        )


# The link -------------------------------------------------------------------------------------
def _link(a: Assessment) -> str:
    return reverse("assessments:fill", args=[a.pk, make_token(a)])


@pytest.mark.django_db
def test_link_is_mailed_and_fills_in_on_the_phone(t0: Assessment, client: Any) -> None:
    assert t0.status == Status.INVITED
    sent = [m for m in mail.outbox if "digital maturity" in m.subject.lower()]
    assert sent and sent[0].to == list(t0.company.users.values_list("email", flat=True))
    url = re.search(r"https?://\S+/maturity/fill/\S+", sent[0].body).group(0)  # type: ignore[union-attr]
    path = url.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and b"Digital business strategy" in page.content
    assert page["Referrer-Policy"] == "same-origin"  # the token stays on this site
    strategy = Dimension.objects.get(questionnaire=t0.questionnaire, code="strategy")
    areas = strategy.questions.get(code="areas")
    first = areas.options.order_by("order").first()
    # htmx saves as it goes: the first answer starts the assessment.
    saved = client.post("/" + path, {"d": 1, f"q{areas.pk}": [first.pk]}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200 and b"Saved" in saved.content
    t0.refresh_from_db()
    assert t0.status == Status.IN_PROGRESS
    # Resumable: the page shows the saved answer again.
    again = client.get("/" + path + "?d=1")
    assert f'value="{first.pk}"'.encode() in again.content
    assert b"checked" in again.content
    # A single-choice question with an answer that is not one of its options is refused.
    readiness_q = strategy.questions.get(code="readiness")
    bad = client.post("/" + path, {"d": 1, f"q{readiness_q.pk}": "999999"})
    assert bad.status_code == 400


@pytest.mark.django_db
def test_link_of_another_company_is_refused(t0: Assessment, people: Any, client: Any) -> None:
    Contact.objects.create(
        company=people.company_y, first_name="B", last_name="Y", email="b@y.example"
    )
    other = services.start_assessment(actor=people.advisor_b, company=people.company_y)
    # company X's token on company Y's assessment
    url = reverse("assessments:fill", args=[other.pk, make_token(t0)])
    assert client.get(url).status_code == 403
    with pytest.raises(LinkInvalid):
        read_token(make_token(t0), other.pk)
    # a tampered token
    assert client.get(_link(t0)[:-3] + "xx/").status_code == 403


@pytest.mark.django_db
def test_expired_link_is_refused(t0: Assessment, client: Any, monkeypatch: Any) -> None:
    url = _link(t0)
    assert client.get(url).status_code == 200
    later = signing.time.time() + 31 * 86400  # type: ignore[attr-defined]
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.get(url)
    assert response.status_code == 403 and b"expired" in response.content


@pytest.mark.django_db
def test_advisor_fills_in_during_the_conversation(people: Any, client_for: Any) -> None:
    a = services.start_assessment(actor=people.advisor_a, company=people.company_x, by_advisor=True)
    assert a.status == Status.IN_PROGRESS and a.filled_by == "advisor"
    answer_all(a, "max", actor=people.advisor_a)
    client = client_for(people.advisor_a)
    review = client.get(reverse("assessments:answer", args=[a.pk]) + "?d=7")
    assert review.status_code == 200
    done = client.post(reverse("assessments:answer", args=[a.pk]) + "?d=7", {"d": 7})
    assert done.status_code == 302
    a.refresh_from_db()
    assert a.status == Status.SUBMITTED and a.overall == Decimal("100.00")
    # another chamber's advisor may not answer, nor see it
    other = client_for(people.advisor_b)
    assert other.get(reverse("assessments:answer", args=[a.pk])).status_code == 404


# T1 scheduling ---------------------------------------------------------------------------------
def completed_trajectory(
    people: Any, service_type: str = "test_before_invest", complete: bool = True
) -> Trajectory:
    funding_demo.build()
    q, _ = intake.register_question(
        actor=None,
        data=intake.Registration(
            enterprise_number=people.company_x.enterprise_number,
            company_name="X",
            postcode="3000",
            city="Leuven",
            first_name="Sam",
            last_name="Smet",
            email="sam@x.example",
            text="Sensoren",
            consent=True,
        ),
    )
    intake.take_question(actor=people.advisor_a, question=q)
    intake.record_conversation(
        actor=people.advisor_a,
        question=q,
        held_on=timezone.localdate(),
        participants="Sam",
        concrete_questions="Welke sensoren?",
    )
    t = intake.decide_trajectory(
        actor=people.advisor_a,
        question=q,
        partner=people.partner_p.partner,
        reason="AI-lab",
        service_type=service_type,
    )
    quote = trajectories.save_quote(
        actor=people.partner_p,
        trajectory=t,
        scope="Analyse",
        methodology="Lab",
        valid_until=timezone.localdate() + dt.timedelta(days=30),
        lines=[{"description": "Analyse", "days": "2", "day_rate": "1000"}],
    )
    trajectories.issue_quote(actor=people.partner_p, quote=quote)
    trajectories.upload_signed_copy(
        actor=people.advisor_a,
        quote=quote,
        signer_name="zaakvoerder",
        upload=SimpleUploadedFile("s.pdf", b"%PDF-1.4\n%x\n", content_type="application/pdf"),
    )
    if not complete:
        return Trajectory.objects.get(pk=t.pk)
    trajectories.deliver_advice(
        actor=people.partner_p,
        trajectory=t,
        kind="action_plan",
        delivered_on=timezone.localdate(),
        summary="Plan",
    )
    return trajectories.complete(actor=people.partner_p, trajectory=t, final_cost=Decimal("2000"))


@pytest.mark.django_db
def test_t1_is_scheduled_at_completion_and_reminded_idempotently(
    people: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.DIGIHUB_DMA_T1_AFTER_DAYS = 90
    settings.DIGIHUB_DMA_REMINDER_DAYS = 7
    settings.DIGIHUB_DMA_MAX_REMINDERS = 2
    t = completed_trajectory(people)
    t1 = Assessment.objects.get(trajectory=t, moment=Moment.T1)
    completed_on = timezone.localtime(t.completed_at).date()
    assert t1.status == Status.SCHEDULED
    assert t1.due_on == completed_on + dt.timedelta(days=90)
    assert t1.respondent and t1.respondent.email == "sam@x.example"

    def run(days: int) -> Any:
        moment = timezone.now() + dt.timedelta(days=days)
        with django_capture_on_commit_callbacks(execute=True):
            return services.send_due(today=timezone.localdate(moment), now=moment)

    mail.outbox.clear()
    assert run(89).invited == 0 and not mail.outbox
    first = run(90)
    assert (first.invited, first.reminded) == (1, 0)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sam@x.example"]
    t1.refresh_from_db()
    assert t1.status == Status.INVITED
    assert run(90).invited == 0 and len(mail.outbox) == 1  # same day again: nothing
    # invited on day 90 → reminders on days 97 and 104, then no more
    assert run(96).reminded == 0
    assert run(97).reminded == 1 and run(97).reminded == 0
    assert run(104).reminded == 1
    assert run(130).reminded == 0
    t1.refresh_from_db()
    assert t1.reminders_sent == 2 and len(mail.outbox) == 3
    # the command runs the same service
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_assessment_reminders")
    assert len(mail.outbox) == 3
    # completing twice is impossible, and scheduling again does not add a second T1
    assert services.schedule_follow_up(trajectory=t, due_on=completed_on) is None


@pytest.mark.django_db
def test_t1_compares_with_t0_per_dimension(people: Any) -> None:
    Contact.objects.create(
        company=people.company_x, first_name="An", last_name="S", email="an@x.example"
    )
    t0 = services.start_assessment(actor=people.advisor_a, company=people.company_x)
    answer_all(t0, "min")
    services.submit(assessment=t0, via_link=True)
    t = completed_trajectory(people)
    t0.refresh_from_db()
    assert t0.trajectory_id == t.pk  # the T0 taken before the trajectory is linked to it
    t1 = Assessment.objects.get(trajectory=t, moment=Moment.T1)
    answer_all(t1, "max")
    t1 = services.submit(assessment=t1, via_link=True)
    assert t1.baseline_id == t0.pk
    assert t1.overall - t0.overall == Decimal("100.00")


# Services, customers, language ------------------------------------------------------------
@pytest.mark.django_db
def test_service_type_is_chosen_at_the_decision(people: Any, client_for: Any) -> None:
    t = completed_trajectory(people, service_type="skills", complete=False)
    assert t.service_type == "skills"
    session = trajectories.plan_session(
        actor=people.partner_p,
        trajectory=t,
        title="Opleiding",
        starts_at=timezone.now() - dt.timedelta(hours=3),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )
    services.record_attendance(actor=people.partner_p, session=session, attendees=14)
    session.refresh_from_db()
    assert session.attendees == 14
    with pytest.raises(ValidationError):
        intake.decide_trajectory(
            actor=people.advisor_a,
            question=t.question,
            partner=people.partner_p.partner,
            reason="x",
            service_type="free_lunch",
        )


@pytest.mark.django_db
def test_municipality_is_a_public_sector_customer(people: Any) -> None:
    town = make_company(name="Gemeente Bertem", legal_form="GEM", employees=180)
    assert town.customer_kind == CustomerKind.PUBLIC
    assert people.company_x.customer_kind == CustomerKind.SME
    big = make_company(
        name="Midcap NV",
        legal_form="NV",
        employees=900,
        turnover=Decimal("200000000"),
        balance_total=Decimal("150000000"),
    )
    assert big.customer_kind == CustomerKind.MIDCAP
    Contact.objects.create(company=town, first_name="C", last_name="D", email="c@bertem.example")
    a = services.start_assessment(actor=people.advisor_a, company=town)
    assert a.questionnaire.variant == "public"
    assert "interoperability" in {d.code for d in a.questionnaire.dimensions.all()}


@pytest.mark.django_db
def test_mail_goes_out_in_the_recipients_language(people: Any, settings: Any) -> None:
    settings.LANGUAGE_CODE = "nl"  # recipients without a preference get the platform's language
    from digihub.core.notifications import recipient_languages

    Contact.objects.create(
        company=people.company_x, first_name="É", last_name="L", email="e@x.example", language="fr"
    )
    people.sme_x.language = "en"
    people.sme_x.save()
    groups = recipient_languages(["e@x.example", people.sme_x.email, "nobody@x.example"])
    assert groups == {"fr": ["e@x.example"], "en": [people.sme_x.email], "nl": ["nobody@x.example"]}


@pytest.mark.django_db
def test_company_page_shows_the_radar_and_change(people: Any, client_for: Any) -> None:
    Contact.objects.create(
        company=people.company_x, first_name="An", last_name="S", email="an@x.example"
    )
    t0 = services.start_assessment(actor=people.advisor_a, company=people.company_x)
    answer_all(t0, "min")
    services.submit(assessment=t0, via_link=True)
    client = client_for(people.advisor_a)
    page = client.get(reverse("companies:detail", args=[people.company_x.pk]))
    assert b"Digital maturity" in page.content
    chart = client.get(reverse("assessments:company_chart", args=[people.company_x.pk]))
    assert chart.status_code == 200 and chart["Content-Type"] == "image/svg+xml"
    assert b"<svg" in chart.content
    assert DimensionScore.objects.filter(assessment=t0).count() == 6
    hub = client.get(reverse("assessments:hub"))
    assert hub.status_code == 200
    sme = client_for(people.sme_x)
    assert sme.get(reverse("assessments:hub")).status_code == 403
