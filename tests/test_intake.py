from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from digihub.accounts.models import ApiToken
from digihub.companies.models import Company
from digihub.intake import services
from digihub.intake.models import Decision, Question, Route, Status
from digihub.intake.selectors import reach_counts

from .factories import make_company

PUBLIC = {
    "enterprise_number": "0403.019.261",
    "company_name": "Nieuw BV",
    "postcode": "3000",
    "city": "Leuven",
    "employees": "12",
    "turnover": "2500000",
    "first_name": "Lies",
    "last_name": "Maes",
    "email": "lies@nieuw.example",
    "text": "Hoe kunnen we onze voorraad digitaal opvolgen?",
    "consent": "on",
    "token": "a" * 32,
}


@pytest.fixture(autouse=True)
def english(client: Any) -> Iterator[None]:
    """Assertions read the English source strings; the site's default language is Dutch."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def registration(company: Company, **extra: Any) -> services.Registration:
    data = {
        "enterprise_number": company.enterprise_number,
        "company_name": company.name,
        "postcode": company.postcode,
        "city": company.city,
        "first_name": "An",
        "last_name": "Peeters",
        "email": "an@example.be",
        "text": "Vraag over sensoren",
        "consent": True,
    }
    data.update(extra)
    return services.Registration(**data)


@pytest.fixture
def question(people: Any) -> Question:
    q, _ = services.register_question(actor=None, data=registration(people.company_x))
    return q


@pytest.mark.django_db
class TestPublicForm:
    def test_registers_routes_and_confirms(
        self, network: Any, client: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("intake:public_form"), PUBLIC)
        assert response.status_code == 302
        question = Question.objects.get()
        assert (
            question.reference.startswith("DH-")
            and question.chamber.short_name == "Voka Vlaams-Brabant"
        )
        assert question.hub.province.code == "VBR" and question.consent_at is not None
        assert question.company.enterprise_number == "0403019261" and question.status == Status.NEW
        page = client.get(response["Location"]).content.decode()
        assert question.reference in page
        assert any(
            question.reference in m.subject for m in mailoutbox if "lies@nieuw.example" in m.to
        )

    def test_double_submit_creates_one(self, network: Any, client: Any) -> None:
        client.post(reverse("intake:public_form"), PUBLIC)
        client.post(reverse("intake:public_form"), PUBLIC)
        assert Question.objects.count() == 1

    def test_honeypot_stores_nothing(self, network: Any, client: Any) -> None:
        response = client.post(
            reverse("intake:public_form"), {**PUBLIC, "website": "http://spam.example"}
        )
        assert response.status_code == 302 and Question.objects.count() == 0

    def test_rate_limit(self, network: Any, client: Any) -> None:
        from django.core.cache import cache

        cache.clear()
        for i in range(6):
            response = client.post(reverse("intake:public_form"), {**PUBLIC, "token": f"{i:032d}"})
        assert response.status_code == 429 and Question.objects.count() == 5
        cache.clear()

    def test_bad_enterprise_number_keeps_input(self, network: Any, client: Any) -> None:
        response = client.post(
            reverse("intake:public_form"),
            {**PUBLIC, "enterprise_number": "0403.019.262", "email": "not-an-email"},
            HTTP_ACCEPT_LANGUAGE="nl",
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "Hoe kunnen we onze voorraad" in body and "Nieuw BV" in body
        assert (
            Question.objects.count() == 0 and not Company.objects.filter(name="Nieuw BV").exists()
        )

    def test_consent_required(self, network: Any, client: Any) -> None:
        data = dict(PUBLIC)
        data.pop("consent")
        assert client.post(reverse("intake:public_form"), data).status_code == 400
        assert Question.objects.count() == 0

    def test_large_company_flagged_outside_target_group(self, network: Any, client: Any) -> None:
        client.post(
            reverse("intake:public_form"), {**PUBLIC, "employees": "900", "turnover": "300000000"}
        )
        assert Question.objects.get().outside_target_group


@pytest.mark.django_db
class TestAdvisorWork:
    def test_take_conversation_and_route(self, question: Question, people: Any) -> None:
        advisor = people.advisor_a
        services.take_question(actor=advisor, question=question)
        question.refresh_from_db()
        assert question.advisor == advisor and question.status == Status.IN_PROGRESS
        services.record_conversation(
            actor=advisor,
            question=question,
            held_on=timezone.localdate(),
            participants="An, Anke",
            current_situation="Excel",
            desired_situation="Sensoren",
        )
        question.refresh_from_db()
        assert question.first_conversation_on == timezone.localdate()
        services.decide_no_trajectory(
            actor=advisor,
            question=question,
            route=Route.AGENCY_REFERRAL,
            reason="KMO-portefeuille past beter",
        )
        question.refresh_from_db()
        assert question.status == Status.DECIDED and question.decision == Decision.NO_TRAJECTORY
        assert [t.to_status for t in question.transitions.all()] == ["in_progress", "decided"]

    def test_other_chamber_cannot_touch(
        self, question: Question, people: Any, client_for: Any
    ) -> None:
        with pytest.raises(PermissionDenied):
            services.take_question(actor=people.advisor_b, question=question)
        client = client_for(people.advisor_b)
        assert client.get(reverse("intake:detail", args=[question.pk])).status_code == 404
        assert (
            question.reference
            not in client.get(reverse("intake:queue") + "?tab=all").content.decode()
        )
        assert client.post(reverse("intake:take", args=[question.pk])).status_code == 404

    def test_wrong_state_refused(self, question: Question, people: Any) -> None:
        with pytest.raises(ValidationError):
            services.decide_no_trajectory(
                actor=people.advisor_a, question=question, route=Route.CHAMBER_PRODUCT, reason="x"
            )
        services.take_question(actor=people.advisor_a, question=question)
        services.close_info_only(actor=people.advisor_a, question=question, reason="info")
        with pytest.raises(ValidationError):
            services.decide_no_trajectory(
                actor=people.advisor_a, question=question, route=Route.CHAMBER_PRODUCT, reason="x"
            )
        services.reopen_question(actor=people.advisor_a, question=question, reason="SME comes back")
        question.refresh_from_db()
        assert question.status == Status.IN_PROGRESS and question.decision == ""

    def test_commercial_route_needs_partner(self, question: Question, people: Any) -> None:
        services.take_question(actor=people.advisor_a, question=question)
        with pytest.raises(ValidationError) as info:
            services.decide_no_trajectory(
                actor=people.advisor_a,
                question=question,
                route=Route.COMMERCIAL_PARTNER,
                reason="x",
            )
        assert "commercial_partner" in info.value.message_dict

    def test_future_conversation_refused(self, question: Question, people: Any) -> None:
        services.take_question(actor=people.advisor_a, question=question)
        with pytest.raises(ValidationError):
            services.record_conversation(
                actor=people.advisor_a,
                question=question,
                held_on=timezone.localdate() + dt.timedelta(days=3),
                participants="x",
            )

    def test_pages_take_and_decide(self, question: Question, people: Any, client_for: Any) -> None:
        client = client_for(people.advisor_a)
        assert question.reference in client.get(reverse("intake:queue")).content.decode()
        assert client.post(reverse("intake:take", args=[question.pk])).status_code == 302
        response = client.post(
            reverse("intake:conversation", args=[question.pk]),
            {
                "kind": "exploratory",
                "held_on": timezone.localdate().isoformat(),
                "participants": "An en Anke",
                "current_situation": "papier",
                "desired_situation": "digitaal",
                "concrete_questions": "",
                "notes": "",
            },
        )
        assert response.status_code == 302
        response = client.post(
            reverse("intake:decide_route", args=[question.pk]),
            {"route": "chamber_product", "reason": ""},
        )
        assert response.status_code == 400  # no reason given: nothing changes
        question.refresh_from_db()
        assert question.status == Status.IN_PROGRESS
        client.post(
            reverse("intake:decide_route", args=[question.pk]),
            {"route": "chamber_product", "reason": "opleiding"},
        )
        question.refresh_from_db()
        assert question.route == Route.CHAMBER_PRODUCT
        detail = client.get(reverse("intake:detail", args=[question.pk])).content.decode()
        assert "opleiding" in detail


@pytest.mark.django_db
class TestHandOver:
    def test_hand_over_moves_question_and_open_trajectory(
        self,
        question: Question,
        people: Any,
        mailoutbox: Any,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        from digihub.accounts.roles import Role

        from .factories import UserFactory

        colleague = UserFactory(role=Role.ADVISOR, chamber=people.advisor_a.chamber)
        advisor = people.advisor_a
        services.take_question(actor=advisor, question=question)
        trajectory = services.decide_trajectory(
            actor=advisor, question=question, partner=people.partner_p.partner, reason="past"
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.hand_over_question(
                actor=advisor, question=question, to=colleague, reason="ouderschapsverlof"
            )
        question.refresh_from_db()
        trajectory.refresh_from_db()
        assert question.advisor == colleague and trajectory.advisor == colleague
        assert any(colleague.email in m.to and question.reference in m.subject for m in mailoutbox)
        assert any("an@example.be" in m.to for m in mailoutbox)
        from digihub.audit.services import events_for

        event = events_for(question).get(action="question.handed_over")
        assert event.reason == "ouderschapsverlof" and event.actor == advisor

    def test_refusals_change_nothing(self, question: Question, people: Any) -> None:
        from digihub.accounts.roles import Role

        from .factories import UserFactory

        advisor = people.advisor_a
        colleague = UserFactory(role=Role.ADVISOR, chamber=advisor.chamber)
        with pytest.raises(ValidationError):  # nobody took it yet
            services.hand_over_question(actor=advisor, question=question, to=colleague, reason="x")
        services.take_question(actor=advisor, question=question)
        for to in (people.advisor_b, advisor, people.partner_p, None):
            with pytest.raises(ValidationError) as info:
                services.hand_over_question(actor=advisor, question=question, to=to, reason="x")
            assert "advisor" in info.value.message_dict
        with pytest.raises(ValidationError):
            services.hand_over_question(actor=advisor, question=question, to=colleague, reason=" ")
        with pytest.raises(PermissionDenied):
            services.hand_over_question(
                actor=people.advisor_b, question=question, to=colleague, reason="x"
            )
        question.refresh_from_db()
        assert question.advisor == advisor

    def test_page_and_api(self, question: Question, people: Any, client_for: Any) -> None:
        from digihub.accounts.roles import Role

        from .factories import UserFactory

        advisor = people.advisor_a
        colleague = UserFactory(role=Role.ADVISOR, chamber=advisor.chamber, first_name="Cora")
        services.take_question(actor=advisor, question=question)
        client = client_for(advisor)
        detail = client.get(reverse("intake:detail", args=[question.pk])).content.decode()
        assert "Hand over to a colleague" in detail and "Cora" in detail
        url = reverse("intake:hand_over", args=[question.pk])
        response = client.post(url, {"advisor": people.advisor_b.pk, "reason": "verlof"})
        assert response.status_code == 400
        response = client.post(url, {"advisor": colleague.pk, "reason": "verlof"})
        assert response.status_code == 302
        question.refresh_from_db()
        assert question.advisor == colleague
        _token, raw = ApiToken.issue(colleague, "test")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        api = f"/api/v1/intake/questions/{question.pk}/hand-over"
        bad = client.post(
            api, {"advisor_id": colleague.pk, "reason": "terug"}, "application/json", **auth
        )
        assert bad.status_code in (400, 422)
        ok = client.post(
            api, {"advisor_id": advisor.pk, "reason": "terug"}, "application/json", **auth
        )
        assert ok.status_code == 200, ok.content
        question.refresh_from_db()
        assert question.advisor == advisor


@pytest.mark.django_db
class TestAttachments:
    def test_type_checked_and_served_only_to_insiders(
        self, question: Question, people: Any, client_for: Any
    ) -> None:
        services.take_question(actor=people.advisor_a, question=question)
        with pytest.raises(ValidationError):
            services.add_attachment(
                actor=people.advisor_a,
                question=question,
                upload=SimpleUploadedFile(
                    "evil.pdf", b"MZ\x90\x00binary\x00", content_type="application/pdf"
                ),
            )
        item = services.add_attachment(
            actor=people.advisor_a,
            question=question,
            upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        )
        url = reverse("intake:attachment", args=[item.pk])
        assert client_for(people.advisor_a).get(url).status_code == 200
        assert client_for(people.advisor_b).get(url).status_code == 404
        assert client_for(people.partner_q).get(url).status_code == 404

    def test_api_upload_list_and_download(
        self, question: Question, people: Any, client: Any
    ) -> None:
        services.take_question(actor=people.advisor_a, question=question)
        _token, raw = ApiToken.issue(people.advisor_a, "test")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        base = f"/api/v1/intake/questions/{question.pk}/attachments"
        bad = client.post(
            base, {"file": SimpleUploadedFile("evil.pdf", b"MZ\x90\x00binary\x00")}, **auth
        )
        assert bad.status_code in (400, 422) and not question.attachments.exists()
        made = client.post(base, {"file": SimpleUploadedFile("plan.pdf", b"%PDF-1.4 test")}, **auth)
        assert made.status_code == 201, made.content
        item = made.json()
        assert item["name"] == "plan.pdf" and item["content_type"] == "application/pdf"
        assert [a["id"] for a in client.get(base, **auth).json()] == [item["id"]]
        download = client.get(f"{base}/{item['id']}", **auth)
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
        _other, raw_b = ApiToken.issue(people.advisor_b, "test")
        other = {"HTTP_AUTHORIZATION": f"Bearer {raw_b}"}
        assert client.get(f"{base}/{item['id']}", **other).status_code == 404
        assert client.get(base, **other).status_code == 404
        sneaky = client.post(base, {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4")}, **other)
        assert sneaky.status_code == 404 and question.attachments.count() == 1

    def test_size_limit(self, question: Question, people: Any, settings: Any) -> None:
        settings.MAX_UPLOAD_BYTES = 10
        services.take_question(actor=people.advisor_a, question=question)
        with pytest.raises(ValidationError, match="too large"):
            services.add_attachment(
                actor=people.advisor_a,
                question=question,
                upload=SimpleUploadedFile("a.txt", b"x" * 100, content_type="text/plain"),
            )


@pytest.mark.django_db
class TestTargetGroupAndValidation:
    def test_non_sme_needs_coordinator(self, people: Any) -> None:
        pytest.importorskip("digihub.trajectories.services")
        big = make_company(
            name="Groot NV",
            employees=800,
            turnover=Decimal("400000000"),
            balance_total=Decimal("300000000"),
        )
        q, _ = services.register_question(actor=None, data=registration(big))
        assert q.outside_target_group
        services.take_question(actor=people.advisor_a, question=q)
        with pytest.raises(ValidationError, match="not an SME"):
            services.decide_trajectory(
                actor=people.advisor_a, question=q, partner=people.partner_p.partner, reason="x"
            )
        with pytest.raises(PermissionDenied):
            services.allow_outside_target_group(actor=people.advisor_a, question=q, reason="x")
        services.allow_outside_target_group(actor=people.coordinator, question=q, reason="pilot")
        trajectory = services.decide_trajectory(
            actor=people.advisor_a, question=q, partner=people.partner_p.partner, reason="AI"
        )
        assert trajectory is not None

    def test_validation_by_officer(self, question: Question, people: Any, client_for: Any) -> None:
        pytest.importorskip("digihub.trajectories.services")
        services.take_question(actor=people.advisor_a, question=question)
        services.decide_trajectory(
            actor=people.advisor_a,
            question=question,
            partner=people.partner_p.partner,
            reason="AI-lab",
            ask_validation=True,
        )
        question.refresh_from_db()
        assert question.status == Status.AWAITING_VALIDATION
        assert (
            question.reference
            in client_for(people.officer).get(reverse("intake:validations")).content.decode()
        )
        with pytest.raises(ValidationError):
            services.reject_partner_validation(actor=people.officer, question=question, comment="")
        client_for(people.officer).post(
            reverse("intake:validate", args=[question.pk]), {"verdict": "approve", "comment": "ok"}
        )
        question.refresh_from_db()
        assert question.status == Status.DECIDED and question.decision == Decision.TRAJECTORY
        # A referral on a question that already has a trajectory is refused.
        with pytest.raises(ValidationError):
            services.decide_no_trajectory(
                actor=people.advisor_a, question=question, route=Route.CHAMBER_PRODUCT, reason="x"
            )

    def test_rejection_returns_to_advisor(self, question: Question, people: Any) -> None:
        services.take_question(actor=people.advisor_a, question=question)
        services.decide_trajectory(
            actor=people.advisor_a,
            question=question,
            partner=people.partner_p.partner,
            reason="x",
            ask_validation=True,
        )
        services.reject_partner_validation(
            actor=people.officer, question=question, comment="Kies een partner met IoT-ervaring"
        )
        question.refresh_from_db()
        assert question.status == Status.IN_PROGRESS and question.validation == "rejected"


@pytest.mark.django_db
class TestApiAndCounts:
    def test_api_register_idempotent_and_decide(self, people: Any, client: Any) -> None:
        _t, raw = ApiToken.issue(people.advisor_a, "t")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_IDEMPOTENCY_KEY": "abc-1"}
        payload = {
            "enterprise_number": people.company_x.enterprise_number,
            "company_name": "X",
            "postcode": "3000",
            "city": "Leuven",
            "first_name": "A",
            "last_name": "B",
            "email": "a@b.example",
            "text": "Vraag",
            "consent": True,
        }
        first = client.post(
            "/api/v1/intake/questions", payload, content_type="application/json", **headers
        )
        again = client.post(
            "/api/v1/intake/questions", payload, content_type="application/json", **headers
        )
        assert (
            first.status_code == 201
            and again.status_code == 200
            and first.json()["id"] == again.json()["id"]
        )
        qid = first.json()["id"]
        assert (
            client.post(f"/api/v1/intake/questions/{qid}/take", **headers).json()["status"]
            == "in_progress"
        )
        response = client.post(
            f"/api/v1/intake/questions/{qid}/decide/route",
            {"route": "nonsense", "reason": "x"},
            content_type="application/json",
            **headers,
        )
        assert response.status_code == 422
        _t2, raw_b = ApiToken.issue(people.advisor_b, "t")
        assert (
            client.get(
                f"/api/v1/intake/questions/{qid}", HTTP_AUTHORIZATION=f"Bearer {raw_b}"
            ).status_code
            == 404
        )

    def test_partner_passes_on(self, people: Any, client_for: Any) -> None:
        client = client_for(people.partner_p)
        data = {k: v for k, v in PUBLIC.items() if k not in ("consent",)}
        refused = client.post(reverse("intake:register"), data)
        assert refused.status_code == 400 and "company agreed" in refused.content.decode()
        assert "Nieuw BV" in refused.content.decode() and Question.objects.count() == 0
        response = client.post(reverse("intake:register"), {**data, "consent": "on"})
        assert response.status_code == 302
        question = Question.objects.get()
        assert question.passed_on_by == people.partner_p.partner and question.channel == "partner"
        assert client.get(reverse("intake:detail", args=[question.pk])).status_code == 200
        assert (
            client_for(people.partner_q)
            .get(reverse("intake:detail", args=[question.pk]))
            .status_code
            == 404
        )

    def test_reach_counts_for_a_date(self, people: Any) -> None:
        q1, _ = services.register_question(actor=None, data=registration(people.company_x))
        q2, _ = services.register_question(actor=None, data=registration(people.company_y))
        Question.objects.filter(pk=q1.pk).update(
            registered_at=timezone.now() - dt.timedelta(days=30)
        )
        services.take_question(actor=people.advisor_b, question=q2)
        services.record_conversation(
            actor=people.advisor_b, question=q2, held_on=timezone.localdate(), participants="x"
        )
        services.decide_no_trajectory(
            actor=people.advisor_b, question=q2, route=Route.PROGRAMME_PRODUCT, reason="y"
        )
        today = timezone.localdate()
        earlier = reach_counts(on=today - dt.timedelta(days=10))
        assert (
            earlier["registered"] == 1 and earlier["conversations"] == 0 and earlier["decided"] == 0
        )
        now = reach_counts(on=today)
        assert (
            now["registered"] == 2
            and now["conversations"] == 1
            and now["route_programme_product"] == 1
        )
        assert reach_counts(on=today, chamber=people.advisor_a.chamber)["registered"] == 1
