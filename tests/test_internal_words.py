"""No internal word ever reaches the SME or another organisation.

Every internal field of organisation A's objects carries the marker INTERN (decision reason,
validation comment, conversation notes, stop reason, phase and status reasons, audit reasons,
the summary of an internal event and of an event kind nobody declared, an internal file). Then
every page, API endpoint, download and calendar is walked as the SME of A, the partner working
for A, and the SME, partner and advisor of organisation B; e-mails to SMEs and partners of a
whole journey are read too. The marker never appears. With the visibility scope removed (every
viewer treated as an insider) the same walk finds it: the test can fail.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from digihub.audit.models import AuditEvent
from digihub.audit.services import record_event
from digihub.core.workflow import Audience

from .test_access_matrix import OBJECT_URLS, _client_for, _fill, all_patterns, build_world

INTERN = "INTERN-w8q4"
OUTSIDERS = ("sme_x", "partner_p", "sme_y", "partner_q", "advisor_b")


def _plant(w: SimpleNamespace) -> None:
    from digihub.intake import services as intake
    from digihub.intake.models import Conversation, QuestionTransition
    from digihub.trajectories.models import PhaseSpan

    q, t = w.question_x, w.traj_x
    type(q).objects.filter(pk=q.pk).update(
        decision_reason=f"decision {INTERN}", validation_comment=f"officer {INTERN}"
    )
    Conversation.objects.filter(question=q).update(notes=f"notes {INTERN}")
    QuestionTransition.objects.filter(question=q).update(reason=f"status {INTERN}")
    type(t).objects.filter(pk=t.pk).update(stop_reason=f"stop {INTERN}")
    PhaseSpan.objects.filter(trajectory=t).update(reason=f"phase {INTERN}")
    AuditEvent.objects.filter(company=w.company_x).update(reason=f"audit {INTERN}")
    # An internal event and an event kind that no table declared: both stay inside.
    record_event(
        actor=w.advisor_a,
        action="question.handed_over",
        target=q,
        company=w.company_x,
        summary=f"handed over {INTERN}",
    )
    record_event(
        actor=w.advisor_a,
        action="question.some_future_kind",
        target=t,
        company=w.company_x,
        summary=f"undeclared {INTERN}",
    )
    intake.add_attachment(
        actor=w.advisor_a,
        question=q,
        upload=SimpleUploadedFile(f"{INTERN}.txt", INTERN.encode(), content_type="text/plain"),
    )


@pytest.fixture
def marked(people: SimpleNamespace) -> SimpleNamespace:
    w = build_world(people)
    _plant(w)
    return w


def _walk(client: Any, w: SimpleNamespace) -> list[str]:
    leaks = []
    for route, name, _pattern in all_patterns():
        targets = OBJECT_URLS[name](w) if "<" in route and name in OBJECT_URLS else None
        if "<" in route and targets is None:
            continue
        for kwargs in (targets or {"-": {}}).values():
            url = _fill(route, kwargs)
            response = client.get(url, HTTP_ACCEPT="text/html")
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if INTERN.encode() in body:
                leaks.append(url)
    return leaks


@pytest.mark.django_db
@pytest.mark.parametrize("role", OUTSIDERS)
def test_no_internal_word_reaches_sme_or_other_organisation(
    role: str, marked: SimpleNamespace, client: Any
) -> None:
    client = _client_for(client, marked, role)
    assert _walk(client, marked) == []


@pytest.mark.django_db
def test_insiders_see_the_internal_words(marked: SimpleNamespace, client: Any) -> None:
    """The markers are really on the pages the walk reads (so the walk can find them)."""
    client = _client_for(client, marked, "advisor_a")
    assert len(_walk(client, marked)) >= 3


@pytest.mark.django_db
def test_without_the_visibility_scope_the_walk_finds_leaks(
    marked: SimpleNamespace, client: Any, monkeypatch: Any
) -> None:
    """Mutation check: treat every viewer as an insider, and the SME reads internal words."""
    from digihub.audit import visibility

    monkeypatch.setattr(visibility, "audience_of_viewer", lambda user: Audience.INTERNAL)
    client = _client_for(client, marked, "sme_x")
    assert _walk(client, marked)


@pytest.mark.django_db
def test_no_internal_word_in_mails_to_smes_and_partners(
    people: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A whole journey with internal words in every reason and comment, mails read."""
    from digihub.funding import demo as funding_demo
    from digihub.intake import services as intake
    from digihub.trajectories import services as trajectories

    funding_demo.build()
    with django_capture_on_commit_callbacks(execute=True):
        question, _ = intake.register_question(
            actor=None,
            data=intake.Registration(
                enterprise_number=people.company_x.enterprise_number,
                company_name="X",
                postcode="3000",
                city="Leuven",
                first_name="Sam",
                last_name="Kmo",
                email=people.sme_x.email,
                text="Vraag",
                consent=True,
            ),
        )
        intake.take_question(actor=people.advisor_a, question=question)
        intake.record_conversation(
            actor=people.advisor_a,
            question=question,
            held_on=timezone.localdate(),
            participants="Sam",
            notes=INTERN,
        )
        intake.set_waiting_on_sme(actor=people.advisor_a, question=question, reason=INTERN)
        intake.resume_question(actor=people.advisor_a, question=question, reason=INTERN)
        intake.request_partner_validation(
            actor=people.advisor_a,
            question=question,
            partner=people.partner_p.partner,
            reason=INTERN,
        )
        intake.reject_partner_validation(actor=people.officer, question=question, comment=INTERN)
        t = intake.decide_trajectory(
            actor=people.advisor_a,
            question=question,
            partner=people.partner_p.partner,
            reason=INTERN,
        )
        trajectories.change_partner(
            actor=people.advisor_a, trajectory=t, partner=people.partner_p.partner, reason=INTERN
        )
        quote = trajectories.save_quote(
            actor=people.partner_p,
            trajectory=t,
            scope="Analyse",
            methodology="",
            valid_until=timezone.localdate() + dt.timedelta(days=30),
            lines=[{"description": "Dag", "days": Decimal("1"), "day_rate": Decimal("800")}],
        )
        quote = trajectories.issue_quote(actor=people.partner_p, quote=quote)
        trajectories.sign_quote_online(
            actor=people.sme_x, quote=quote, signer_name="Sam Kmo", pdf_sha256=quote.pdf_sha256
        )
        start = timezone.now() + dt.timedelta(days=1)
        trajectories.plan_session(
            actor=people.partner_p,
            trajectory=t,
            title="Testdag",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
        )
        trajectories.stop(actor=people.advisor_a, trajectory=t, reason=INTERN)
    outside = {people.sme_x.email, people.partner_p.email}
    read = [m for m in mailoutbox if outside & set(m.to)]
    assert len(read) >= 5
    assert not [m.subject for m in read if INTERN in m.subject or INTERN in m.body]
