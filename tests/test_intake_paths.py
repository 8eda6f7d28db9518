"""Every intake path through the pages and the API, the e-mails at each moment, the timelines,
and the reach counts for past dates and periods."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from digihub.accounts.models import ApiToken
from digihub.intake import services
from digihub.intake.models import ContactKind, Decision, Question, Route, Status
from digihub.intake.selectors import reach_counts

from .factories import make_company
from .test_intake import PUBLIC, registration


@pytest.fixture(autouse=True)
def english(client: Any) -> Iterator[None]:
    """Assertions read the English source strings; the site's default language is Dutch."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def question(people: Any) -> Question:
    q, _ = services.register_question(actor=None, data=registration(people.company_x))
    return q


@pytest.fixture
def taken(question: Question, people: Any) -> Question:
    services.take_question(actor=people.advisor_a, question=question)
    services.record_conversation(
        actor=people.advisor_a,
        question=question,
        held_on=timezone.localdate(),
        participants="An, adviseur",
        current_situation="papier",
        desired_situation="sensoren",
        concrete_questions="Welke sensoren?",
    )
    question.refresh_from_db()
    return question


def api(client: Any, user: Any) -> dict[str, str]:
    _token, raw = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post_json(client: Any, url: str, data: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(url, data, content_type="application/json", **headers)


def recipients(mailoutbox: Any, fragment: str) -> set[str]:
    return {to for m in mailoutbox if fragment in m.subject for to in m.to}


@pytest.mark.django_db
class TestTrajectoryPath:
    def test_page_decision_opens_trajectory_and_informs_sme_and_partner(
        self,
        taken: Question,
        people: Any,
        client_for: Any,
        mailoutbox: Any,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        client = client_for(people.advisor_a)
        form = client.get(reverse("intake:detail", args=[taken.pk])).content.decode()
        # The hub's consortium partners come first in the partner choice.
        assert form.index("VUB") < form.index("UAntwerpen")
        # Before the decision the partner does not see the question.
        assert (
            client_for(people.partner_p).get(reverse("intake:detail", args=[taken.pk])).status_code
            == 404
        )
        client = client_for(people.advisor_a)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("intake:decide_trajectory", args=[taken.pk]),
                {"partner": people.partner_p.partner.pk, "reason": "AI-lab past"},
            )
        assert response.status_code == 302
        taken.refresh_from_db()
        assert taken.status == Status.DECIDED and taken.decision == Decision.TRAJECTORY
        trajectory = taken.trajectories.get()  # type: ignore[attr-defined]
        assert trajectory.partner == people.partner_p.partner and trajectory.phase == "startup"
        assert "an@example.be" in recipients(mailoutbox, taken.reference)
        assert people.partner_p.email in {to for m in mailoutbox for to in m.to}
        # Now the partner sees the question and its company.
        partner = client_for(people.partner_p)
        assert partner.get(reverse("intake:detail", args=[taken.pk])).status_code == 200
        assert partner.get(reverse("companies:detail", args=[taken.company_id])).status_code == 200

    def test_referral_after_trajectory_is_refused_on_page_and_api(
        self, taken: Question, people: Any, client_for: Any, client: Any
    ) -> None:
        services.decide_trajectory(
            actor=people.advisor_a, question=taken, partner=people.partner_p.partner, reason="x"
        )
        page = client_for(people.advisor_a).post(
            reverse("intake:decide_route", args=[taken.pk]),
            {"route": "agency_referral", "reason": "toch doorverwijzen"},
        )
        assert page.status_code == 302  # back to the page, with the message
        messages = [str(m) for m in page.wsgi_request._messages]
        assert any("already has a trajectory" in m for m in messages)
        headers = api(client, people.advisor_a)
        response = post_json(
            client,
            f"/api/v1/intake/questions/{taken.pk}/decide/route",
            {"route": "agency_referral", "reason": "x"},
            headers,
        )
        assert response.status_code in (400, 409, 422)
        assert "trajectory" in response.content.decode()
        taken.refresh_from_db()
        assert taken.decision == Decision.TRAJECTORY and taken.route == ""
        # Reopening is refused while the trajectory runs.
        with pytest.raises(Exception, match="stop the trajectory"):
            services.reopen_question(actor=people.advisor_a, question=taken, reason="x")

    def test_validation_through_the_api(
        self,
        taken: Question,
        people: Any,
        client: Any,
        mailoutbox: Any,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        advisor = api(client, people.advisor_a)
        with django_capture_on_commit_callbacks(execute=True):
            response = post_json(
                client,
                f"/api/v1/intake/questions/{taken.pk}/decide/trajectory",
                {
                    "partner_id": people.partner_p.partner.pk,
                    "reason": "VUB",
                    "ask_validation": True,
                },
                advisor,
            )
        assert response.status_code == 200 and response.json() == {
            "status": "awaiting_validation",
            "trajectory_id": None,
        }
        assert people.officer.email in recipients(mailoutbox, taken.reference)
        # An advisor cannot approve, nor can the advisor of another chamber even see it.
        assert (
            post_json(
                client, f"/api/v1/intake/questions/{taken.pk}/validation/approve", {}, advisor
            ).status_code
            == 403
        )
        other = api(client, people.advisor_b)
        assert (
            post_json(
                client, f"/api/v1/intake/questions/{taken.pk}/validation/approve", {}, other
            ).status_code
            == 404
        )
        officer = api(client, people.officer)
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = post_json(
                client,
                f"/api/v1/intake/questions/{taken.pk}/validation/reject",
                {"comment": "Kies een partner met IoT-ervaring"},
                officer,
            )
        assert response.status_code == 200 and response.json()["status"] == "in_progress"
        assert people.advisor_a.email in recipients(mailoutbox, "rejected")
        post_json(
            client,
            f"/api/v1/intake/questions/{taken.pk}/decide/trajectory",
            {"partner_id": people.partner_p.partner.pk, "reason": "IoT", "ask_validation": True},
            advisor,
        )
        response = post_json(
            client,
            f"/api/v1/intake/questions/{taken.pk}/validation/approve",
            {"comment": "ok"},
            officer,
        )
        assert response.status_code == 200 and response.json()["trajectory_id"]
        taken.refresh_from_db()
        assert taken.validation == "approved" and taken.status == Status.DECIDED
        steps = [(t.from_status, t.to_status) for t in taken.transitions.all()]
        assert steps[-3:] == [
            ("awaiting_validation", "in_progress"),
            ("in_progress", "awaiting_validation"),
            ("awaiting_validation", "decided"),
        ]

    def test_outside_target_group_through_pages(self, people: Any, client_for: Any) -> None:
        big = make_company(
            name="Groot NV",
            employees=900,
            turnover=Decimal("400000000"),
            balance_total=Decimal("300000000"),
        )
        q, _ = services.register_question(actor=None, data=registration(big))
        services.take_question(actor=people.advisor_a, question=q)
        advisor = client_for(people.advisor_a)
        page = advisor.get(reverse("intake:detail", args=[q.pk])).content.decode()
        assert "outside the SME target group" in page
        response = advisor.post(
            reverse("intake:decide_trajectory", args=[q.pk]),
            {"partner": people.partner_p.partner.pk, "reason": "x"},
        )
        assert response.status_code == 400 and "not an SME" in response.content.decode()
        assert (
            advisor.post(reverse("intake:allow", args=[q.pk]), {"reason": "x"}).status_code == 403
        )
        coordinator = client_for(people.coordinator)
        assert (
            coordinator.post(reverse("intake:allow", args=[q.pk]), {"reason": "pilot"}).status_code
            == 302
        )
        q.refresh_from_db()
        assert q.target_group_allowed_by == people.coordinator
        response = client_for(people.advisor_a).post(
            reverse("intake:decide_trajectory", args=[q.pk]),
            {"partner": people.partner_p.partner.pk, "reason": "pilot"},
        )
        assert response.status_code == 302
        q.refresh_from_db()
        assert q.decision == Decision.TRAJECTORY


@pytest.mark.django_db
class TestOtherRoutes:
    def test_info_only_and_reopen_through_the_api(
        self,
        taken: Question,
        people: Any,
        client: Any,
        mailoutbox: Any,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        headers = api(client, people.advisor_a)
        base = f"/api/v1/intake/questions/{taken.pk}"
        with django_capture_on_commit_callbacks(execute=True):
            response = post_json(client, f"{base}/decide/info", {"reason": "enkel info"}, headers)
        assert response.status_code == 200 and response.json()["decision"] == "info_only"
        assert "an@example.be" in recipients(mailoutbox, taken.reference)
        assert post_json(client, f"{base}/decide/info", {"reason": "x"}, headers).status_code in (
            400,
            409,
            422,
        )
        response = post_json(client, f"{base}/reopen", {"reason": "komt terug"}, headers)
        assert response.json()["status"] == "in_progress" and response.json()["decision"] == ""
        response = post_json(
            client,
            f"{base}/decide/route",
            {"route": "commercial_partner", "reason": "x"},
            headers,
        )
        assert response.status_code in (400, 422)  # which commercial partner?
        response = post_json(
            client, f"{base}/decide/route", {"route": "programme_product", "reason": "x"}, headers
        )
        assert response.json()["route"] == "programme_product"
        timeline = client.get(f"{base}/timeline", **headers).json()
        actions = [e["action"] for e in timeline]
        assert "question.reopened" in actions and actions.count("question.decided") == 2
        other = api(client, people.advisor_b)
        assert client.get(f"{base}/timeline", **other).status_code == 404

    def test_commercial_partner_route_on_page(
        self, taken: Question, people: Any, client_for: Any
    ) -> None:
        from digihub.network.models import CommercialPartner

        partner = CommercialPartner.objects.first()
        assert partner is not None
        response = client_for(people.advisor_a).post(
            reverse("intake:decide_route", args=[taken.pk]),
            {"route": "commercial_partner", "commercial_partner": partner.pk, "reason": "ERP"},
        )
        assert response.status_code == 302
        taken.refresh_from_db()
        assert taken.route == Route.COMMERCIAL_PARTNER and taken.commercial_partner == partner

    def test_wrong_state_on_page_keeps_state(
        self, question: Question, people: Any, client_for: Any
    ) -> None:
        # A new question (not taken) cannot be decided; the page says why, nothing changes.
        client = client_for(people.advisor_a)
        response = client.post(
            reverse("intake:close_info", args=[question.pk]), {"reason": "info"}, follow=True
        )
        assert "cannot be done now" in response.content.decode()
        question.refresh_from_db()
        assert question.status == Status.NEW


@pytest.mark.django_db
class TestContactsAndWaiting:
    def test_follow_up_contact_waiting_and_resume_on_pages(
        self, taken: Question, people: Any, client_for: Any
    ) -> None:
        client = client_for(people.advisor_a)
        url = reverse("intake:waiting", args=[taken.pk])
        assert client.post(url, {"reason": "wacht op cijfers"}).status_code == 302
        taken.refresh_from_db()
        assert taken.status == Status.WAITING_SME
        page = client.get(reverse("intake:detail", args=[taken.pk])).content.decode()
        assert "Back in progress" in page
        assert client.post(url, {"reason": ""}).status_code == 302
        taken.refresh_from_db()
        assert taken.status == Status.IN_PROGRESS
        client.post(url, {"reason": "nog eens wachten"})
        upload = SimpleUploadedFile("verslag.txt", b"verslag van het gesprek")
        response = client.post(
            reverse("intake:conversation", args=[taken.pk]),
            {
                "kind": "follow_up",
                "held_on": timezone.localdate().isoformat(),
                "participants": "An (telefoon)",
                "notes": "cijfers ontvangen",
                "attachment": upload,
            },
        )
        assert response.status_code == 302
        taken.refresh_from_db()
        # A contact brings the question back; a follow-up is not a second intake conversation.
        assert taken.status == Status.IN_PROGRESS
        assert taken.conversations.filter(kind=ContactKind.FOLLOW_UP).count() == 1
        assert taken.first_conversation_on == timezone.localdate()
        assert taken.attachments.get().content_type == "text/plain"

    def test_add_contact_moment_and_waiting_api(
        self, taken: Question, people: Any, client: Any
    ) -> None:
        services.add_contact_moment(
            actor=people.advisor_a,
            question=taken,
            held_on=timezone.localdate(),
            participants="An",
            notes="mail",
        )
        headers = api(client, people.advisor_a)
        base = f"/api/v1/intake/questions/{taken.pk}"
        assert (
            post_json(client, f"{base}/waiting", {"waiting": True, "reason": "x"}, headers).json()[
                "status"
            ]
            == "waiting_sme"
        )
        assert (
            post_json(client, f"{base}/waiting", {"waiting": False}, headers).json()["status"]
            == "in_progress"
        )
        response = post_json(
            client,
            f"{base}/conversations",
            {
                "kind": "follow_up",
                "held_on": timezone.localdate().isoformat(),
                "participants": "An",
            },
            headers,
        )
        assert response.status_code == 201 and response.json()["kind"] == "follow_up"
        assert taken.conversations.count() == 3
        sme = api(client, people.sme_x)
        assert post_json(client, f"{base}/waiting", {"waiting": True}, sme).status_code == 403

    def test_attachment_page_refuses_wrong_type(
        self, taken: Question, people: Any, client_for: Any, settings: Any
    ) -> None:
        client = client_for(people.advisor_a)
        response = client.post(
            reverse("intake:attach", args=[taken.pk]),
            {"file": SimpleUploadedFile("x.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00")},
        )
        assert response.status_code == 400
        assert "not accepted" in response.content.decode()
        settings.MAX_UPLOAD_BYTES = 5
        response = client.post(
            reverse("intake:attach", args=[taken.pk]),
            {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 long enough")},
        )
        assert response.status_code == 400 and "too large" in response.content.decode()
        assert taken.attachments.count() == 0
        settings.MAX_UPLOAD_BYTES = 10_000
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
        assert (
            client.post(
                reverse("intake:attach", args=[taken.pk]),
                {"file": SimpleUploadedFile("foto.png", png), "shared_with": "sme"},
            ).status_code
            == 302
        )
        item = taken.attachments.get()
        assert item.content_type == "image/png"
        url = reverse("intake:attachment", args=[item.pk])
        assert client_for(people.sme_x).get(url).status_code == 200
        assert client_for(people.sme_y).get(url).status_code == 404
        assert client_for(people.partner_p).get(url).status_code == 404


@pytest.mark.django_db
class TestQueuesAndLists:
    def test_queue_tabs_stale_htmx_and_home_panel(
        self, question: Question, taken: Question, people: Any, client_for: Any, settings: Any
    ) -> None:
        settings.DIGIHUB_STALE_DAYS = 5
        fresh, _ = services.register_question(actor=None, data=registration(people.company_x))
        Question.objects.filter(pk=taken.pk).update(
            last_activity_at=timezone.now() - dt.timedelta(days=9)
        )
        client = client_for(people.advisor_a)
        new = client.get(reverse("intake:queue") + "?tab=new").content.decode()
        assert fresh.reference in new and taken.reference not in new
        mine = client.get(reverse("intake:queue") + "?tab=mine").content.decode()
        assert taken.reference in mine and fresh.reference not in mine
        stale = client.get(reverse("intake:queue") + "?tab=stale").content.decode()
        assert taken.reference in stale and fresh.reference not in stale
        partial = client.get(
            reverse("intake:queue") + f"?tab=all&q={fresh.reference}", HTTP_HX_REQUEST="true"
        ).content.decode()
        assert "<html" not in partial and fresh.reference in partial
        assert taken.reference not in partial
        home = client.get("/").content.decode()
        assert "Questions of your chamber" in home
        other = client_for(people.advisor_b)
        for tab in ("new", "mine", "stale", "all"):
            body = other.get(reverse("intake:queue") + f"?tab={tab}").content.decode()
            assert fresh.reference not in body and taken.reference not in body

    def test_sme_sees_only_own_questions_without_internal_notes(
        self, taken: Question, people: Any, client_for: Any
    ) -> None:
        other, _ = services.register_question(actor=None, data=registration(people.company_y))
        sme = client_for(people.sme_x)
        page = sme.get(reverse("intake:mine")).content.decode()
        assert taken.reference in page and other.reference not in page
        detail = sme.get(reverse("intake:detail", args=[taken.pk])).content.decode()
        assert "Welke sensoren?" not in detail  # the advisor's conversation notes
        assert "Only the advisors" in detail  # why there are no action buttons
        assert sme.post(reverse("intake:take", args=[taken.pk])).status_code in (302, 403)
        assert sme.get(reverse("intake:detail", args=[other.pk])).status_code == 404
        assert sme.get(reverse("intake:queue")).status_code == 302

    def test_sme_does_not_see_internal_reasons(
        self, taken: Question, people: Any, client_for: Any, client: Any
    ) -> None:
        services.request_partner_validation(
            actor=people.advisor_a, question=taken, partner=people.partner_p.partner, reason="VUB"
        )
        services.reject_partner_validation(
            actor=people.officer, question=taken, comment="INTERN-advies-7"
        )
        services.close_info_only(actor=people.advisor_a, question=taken, reason="INTERN-reden-3")
        advisor_page = client_for(people.advisor_a).get(reverse("intake:detail", args=[taken.pk]))
        assert "INTERN-advies-7" in advisor_page.content.decode()
        page = client_for(people.sme_x).get(reverse("intake:detail", args=[taken.pk]))
        body = page.content.decode()
        assert taken.reference in body and "Closed as information only" in body
        assert "INTERN-advies-7" not in body and "INTERN-reden-3" not in body
        headers = api(client, people.sme_x)
        data = client.get(f"/api/v1/intake/questions/{taken.pk}", **headers).content.decode()
        timeline = client.get(
            f"/api/v1/intake/questions/{taken.pk}/timeline", **headers
        ).content.decode()
        assert "INTERN" not in data and "INTERN" not in timeline
        assert "info_only" in data

    def test_officer_validation_queue_and_other_roles(
        self, taken: Question, people: Any, client_for: Any
    ) -> None:
        services.request_partner_validation(
            actor=people.advisor_a, question=taken, partner=people.partner_p.partner, reason="VUB"
        )
        assert (
            taken.reference
            in client_for(people.officer).get(reverse("intake:validations")).content.decode()
        )
        assert client_for(people.advisor_a).get(reverse("intake:validations")).status_code == 403
        detail = client_for(people.officer).get(reverse("intake:detail", args=[taken.pk]))
        assert 'value="approve"' in detail.content.decode()

    def test_public_form_page_is_accessible_and_mobile_friendly(
        self, network: Any, client: Any
    ) -> None:
        body = client.get(reverse("intake:public_form")).content.decode()
        assert 'class="honeypot"' in body and 'name="token"' in body
        assert "<legend>" in body and 'for="id_enterprise_number"' in body
        assert "<script" not in body.split("<main", 1)[-1].split("</main>")[0]
        assert " style=" not in body

    def test_signed_in_sme_finds_the_form_filled_in(
        self, people: Any, client_for: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        client = client_for(people.sme_x)
        body = client.get(reverse("intake:public_form")).content.decode()
        assert people.company_x.name in body and people.sme_x.email in body
        data = {
            **PUBLIC,
            "enterprise_number": people.company_x.enterprise_number,
            "email": people.sme_x.email,
        }
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("intake:public_form"), data).status_code == 302
        question = Question.objects.get()
        assert question.company == people.company_x
        assert question.reference in client.get(reverse("intake:mine")).content.decode()
        assert people.sme_x.email in recipients(mailoutbox, question.reference)

    def test_public_form_partner_pass_on_emails(
        self,
        people: Any,
        client_for: Any,
        mailoutbox: Any,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        data = dict(PUBLIC)
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(people.partner_p).post(reverse("intake:register"), data)
        assert response.status_code == 302
        question = Question.objects.get()
        ref = question.reference
        assert "lies@nieuw.example" in recipients(mailoutbox, ref)
        assert people.partner_p.email in recipients(mailoutbox, ref)
        assert people.advisor_a.email in recipients(mailoutbox, ref)
        assert people.advisor_b.email not in recipients(mailoutbox, ref)

    def test_advisor_registers_after_a_call(self, people: Any, client_for: Any) -> None:
        data = dict(PUBLIC)
        response = client_for(people.advisor_a).post(
            reverse("intake:register"), {**data, "channel_detail": "phone"}
        )
        assert response.status_code == 302
        question = Question.objects.get()
        assert question.channel == "advisor" and question.channel_detail == "phone"
        assert client_for(people.sme_x).get(reverse("intake:register")).status_code == 403


@pytest.mark.django_db
class TestTimelinesAndCounts:
    def test_company_timeline_tag(self, taken: Question, people: Any) -> None:
        services.set_waiting_on_sme(actor=people.advisor_a, question=taken, reason="cijfers")
        template = Template("{% load intake_tags %}{% company_timeline company %}")
        with translation.override("en"):
            html = template.render(Context({"user": people.advisor_a, "company": taken.company}))
        assert taken.reference in html and "cijfers" in html
        assert "Waiting on the SME" in html
        hidden = template.render(Context({"user": people.advisor_b, "company": taken.company}))
        assert taken.reference not in hidden and "cijfers" not in hidden

    def test_counts_stand_for_past_dates_and_periods(self, people: Any) -> None:
        today = timezone.localdate()
        q1, _ = services.register_question(actor=None, data=registration(people.company_x))
        q2, _ = services.register_question(actor=None, data=registration(people.company_x))
        services.register_question(actor=None, data=registration(people.company_y))
        for q in (q1, q2):
            services.take_question(actor=people.advisor_a, question=q)
            services.record_conversation(
                actor=people.advisor_a,
                question=q,
                held_on=today - dt.timedelta(days=20),
                participants="x",
            )
        services.decide_no_trajectory(
            actor=people.advisor_a, question=q1, route=Route.AGENCY_REFERRAL, reason="VLAIO"
        )
        services.close_info_only(actor=people.advisor_a, question=q2, reason="info")
        # Put the history in the past: registered 30 days ago, decided 15 days ago.
        past = timezone.now() - dt.timedelta(days=30)
        Question.objects.filter(pk__in=[q1.pk, q2.pk]).update(registered_at=past)
        for q in (q1, q2):
            q.transitions.filter(to_status=Status.IN_PROGRESS).update(at=past)
            q.transitions.filter(to_status=Status.DECIDED).update(
                at=timezone.now() - dt.timedelta(days=15)
            )
        # q1 is reopened today: on earlier dates its referral still counts.
        services.reopen_question(actor=people.advisor_a, question=q1, reason="komt terug")

        before = reach_counts(on=today - dt.timedelta(days=25))
        assert before["registered"] == 2 and before["conversations"] == 0
        assert before["decided"] == 0 and before["open"] == 2
        mid = reach_counts(on=today - dt.timedelta(days=10))
        assert mid["conversations"] == 2 and mid["decided"] == 2
        assert mid["route_agency_referral"] == 1 and mid["decision_info_only"] == 1
        assert mid["open"] == 0
        now = reach_counts(on=today)
        assert now["registered"] == 3 and now["registered_public"] == 3
        assert now["decided"] == 1 and now["route_agency_referral"] == 0
        assert now["open"] == 2  # q1 reopened, q3 new
        period = reach_counts(
            on=today, start=today - dt.timedelta(days=16), end=today - dt.timedelta(days=14)
        )
        assert period["registered"] == 0 and period["conversations"] == 0
        assert period["decided"] == 2  # both decisions stood at the end of the period
        hub_a = reach_counts(on=today, hub=people.company_x.hub)
        chamber_b = reach_counts(on=today, chamber=people.advisor_b.chamber)
        assert hub_a["registered"] == 2 and chamber_b["registered"] == 1
        assert chamber_b["conversations"] == 0 and chamber_b["companies"] == 1


@pytest.mark.django_db
def test_pages_have_unique_ids_and_every_label_points_to_a_field(
    taken: Question, people: Any, client_for: Any
) -> None:
    import collections
    import re

    pages = [
        (user, reverse("intake:detail", args=[taken.pk]))
        for user in (people.advisor_a, people.coordinator, people.officer, people.sme_x)
    ] + [
        (people.advisor_a, reverse("intake:register")),
        (people.sme_x, reverse("intake:public_form")),
    ]
    for user, url in pages:
        body = client_for(user).get(url).content.decode()
        ids = re.findall(r'\sid="([^"]+)"', body)
        assert not [i for i, n in collections.Counter(ids).items() if n > 1], (user.role, url)
        assert all(f in ids for f in re.findall(r'<label for="([^"]+)"', body)), (user.role, url)
