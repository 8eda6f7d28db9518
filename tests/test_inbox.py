"""The to-do list per role, its count in the menu, and the links that e-mails carry."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from digihub.funding import demo as funding_demo
from digihub.inbox import selectors
from digihub.inbox.selectors import Item, count_for, next_for_company
from digihub.intake import services as intake
from digihub.intake.models import Question
from digihub.trajectories import services
from digihub.trajectories.models import Trajectory

pytestmark = pytest.mark.usefixtures("english")  # texts are read back in English

LINES = [{"description": "Analyse", "days": "2", "day_rate": "1000"}]


@pytest.fixture(autouse=True)
def english() -> Any:
    from django.utils import translation

    with translation.override("en"):
        yield


def _register(people: Any, email: str = "sam@x.example") -> Question:
    q, _ = intake.register_question(
        actor=None,
        data=intake.Registration(
            enterprise_number=people.company_x.enterprise_number,
            company_name="X",
            postcode="3000",
            city="Leuven",
            first_name="Sam",
            last_name="Smet",
            email=email,
            text="We want sensors on our machines",
            consent=True,
        ),
    )
    return q


def _trajectory(people: Any) -> Any:
    q = _register(people)
    intake.take_question(actor=people.advisor_a, question=q)
    intake.record_conversation(
        actor=people.advisor_a,
        question=q,
        held_on=timezone.localdate(),
        participants="Sam",
        current_situation="Paper",
        desired_situation="Live figures",
    )
    return intake.decide_trajectory(
        actor=people.advisor_a, question=q, partner=people.partner_p.partner, reason="AI-lab"
    )


def _issued_quote(people: Any, t: Any) -> Any:
    quote = services.save_quote(
        actor=people.partner_p,
        trajectory=t,
        scope="Analyse",
        methodology="Lab",
        valid_until=timezone.localdate() + dt.timedelta(days=20),
        lines=LINES,
    )
    return services.issue_quote(actor=people.partner_p, quote=quote)


def items_for(user: Any) -> list[Item]:
    """What awaits ``user``, built from the columns each source reads: an item that needs a
    column its row left out would load it with a query of its own, once per row."""
    from django.db.models import Model

    with mock.patch.object(
        Model, "refresh_from_db", side_effect=AssertionError("an item read a column left out")
    ):
        return selectors.items_for(user)


def kinds(user: Any) -> list[str]:
    return [item.kind for item in items_for(user)]


@pytest.mark.django_db
class TestWhatAwaitsEachRole:
    def test_advisor_sees_new_questions_of_own_chamber_only(self, people: Any) -> None:
        q = _register(people)
        assert kinds(people.advisor_a) == ["new_question"]
        assert kinds(people.advisor_b) == []
        intake.take_question(actor=people.advisor_a, question=q)
        assert kinds(people.advisor_a) == []
        # Left alone too long it comes back, now as overdue.
        Question.objects.filter(pk=q.pk).update(
            last_activity_at=timezone.now() - dt.timedelta(days=40)
        )
        (item,) = items_for(people.advisor_a)
        assert item.kind == "stale_question" and item.overdue

    def test_the_chain_moves_the_work_from_role_to_role(self, people: Any) -> None:
        funding_demo.build()
        t = _trajectory(people)
        assert kinds(people.partner_p) == ["write_quote"]
        assert kinds(people.partner_q) == [] and kinds(people.sme_x) == []
        quote = _issued_quote(people, t)
        assert kinds(people.partner_p) == []
        (sign,) = items_for(people.sme_x)
        # The SME sees its own share (30 % of 2,000), not the quote's total.
        assert sign.kind == "sign_quote" and sign.amount == Decimal("600.00") != quote.total
        assert sign.due == quote.valid_until
        assert kinds(people.sme_y) == []
        services.sign_quote_online(
            actor=people.sme_x, quote=quote, signer_name="Sam Smet", pdf_sha256=quote.pdf_sha256
        )
        (pay,) = items_for(people.sme_x)
        assert pay.kind == "pay" and pay.amount == Decimal("600.00")
        assert kinds(people.partner_p) == ["plan_session"]
        start = timezone.now() - dt.timedelta(days=2)
        services.plan_session(
            actor=people.partner_p,
            trajectory=t,
            title="Testdag",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=4),
        )
        assert kinds(people.partner_p) == ["deliver_advice"]
        # Not moved for too long, the trajectory comes back to its advisor.
        Trajectory.objects.filter(pk=t.pk).update(
            phase_changed_at=timezone.now() - dt.timedelta(days=40)
        )
        (unmoved,) = items_for(people.advisor_a)
        assert unmoved.kind == "trajectory_unmoved" and unmoved.overdue
        assert unmoved.subject == f"{t.reference} · {t.company.name}"
        services.deliver_advice(
            actor=people.partner_p,
            trajectory=t,
            kind="action_plan",
            delivered_on=timezone.localdate(),
            summary="Plan",
        )
        services.complete(actor=people.partner_p, trajectory=t, final_cost=Decimal("2000"))
        assert kinds(people.partner_p) == []
        assert sorted(kinds(people.sme_x)) == ["pay", "survey"]
        services.answer_survey(actor=people.sme_x, trajectory=t, score=5)
        assert kinds(people.sme_x) == ["pay"]

    def test_officer_validates_and_advisor_hears_of_rejection(self, people: Any) -> None:
        funding_demo.build()
        q = _register(people)
        intake.take_question(actor=people.advisor_a, question=q)
        intake.request_partner_validation(
            actor=people.advisor_a, question=q, partner=people.partner_p.partner, reason="lab"
        )
        assert kinds(people.officer) == ["validate"]
        intake.reject_partner_validation(actor=people.officer, question=q, comment="Other lab")
        assert kinds(people.officer) == []
        assert kinds(people.advisor_a) == ["validation_rejected"]

    def test_coordinator_allows_exceptions_and_watches_budgets(self, people: Any) -> None:
        from digihub.funding.models import HubBudget
        from digihub.funding.services import set_budget

        funding_demo.build()
        assert kinds(people.coordinator) == []
        outside = _register(people, email="out@x.example")
        Question.objects.filter(pk=outside.pk).update(outside_target_group=True)
        (exception,) = items_for(people.coordinator)
        assert exception.kind == "allow_exception" and outside.reference in exception.subject
        Question.objects.filter(pk=outside.pk).update(outside_target_group=False)
        # A signed quote commits 2,000 of the hub's guidance budget; lowered to 2,100 that
        # budget is 95 % committed: near its limit, with 100 left.
        t = _trajectory(people)
        quote = _issued_quote(people, t)
        services.sign_quote_online(
            actor=people.sme_x, quote=quote, signer_name="Sam", pdf_sha256=quote.pdf_sha256
        )
        guidance = HubBudget.objects.get(
            hub=t.hub, programme__start__lte=timezone.localdate(), project_type__number=2
        )
        set_budget(actor=people.coordinator, budget=guidance, amount=Decimal("2100"), reason="test")
        (item,) = items_for(people.coordinator)
        assert item.kind == "budget_limit" and item.amount == Decimal("100.00")


@pytest.mark.django_db
class TestPageAndMenu:
    def test_page_lists_items_with_counts_in_menu(self, people: Any, client_for: Any) -> None:
        _register(people)
        _register(people, "other@x.example")
        page = client_for(people.advisor_a).get(reverse("inbox:index"), HTTP_ACCEPT_LANGUAGE="en")
        html = page.content.decode()
        assert page.status_code == 200
        assert html.count('data-kind="new_question"') == 2
        assert re.search(r'To do <span class="badge count">.*?2', html, re.S)
        assert count_for(people.advisor_a) == 2 and count_for(people.advisor_b) == 0

    def test_query_count_does_not_grow_with_the_items(
        self, people: Any, client_for: Any, django_assert_max_num_queries: Any
    ) -> None:
        funding_demo.build()
        for _ in range(3):
            t = _trajectory(people)
            _issued_quote(people, t)
        client = client_for(people.sme_x)
        with django_assert_max_num_queries(14):
            page = client.get(reverse("inbox:index"))
        assert page.content.decode().count('data-kind="sign_quote"') == 3
        client = client_for(people.partner_p)
        with django_assert_max_num_queries(14):
            client.get(reverse("inbox:index"))

    def test_anonymous_is_sent_to_login(self, client: Any, db: Any) -> None:
        response = client.get(reverse("inbox:index"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.fixture
def site(settings: Any) -> None:
    settings.SITE_URL = "https://hub.example.org"


@pytest.mark.django_db
@pytest.mark.usefixtures("site")
class TestEmailLinks:
    def test_every_mail_of_the_chain_links_to_its_page(
        self, people: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        funding_demo.build()
        with django_capture_on_commit_callbacks(execute=True):
            t = _trajectory(people)
            quote = _issued_quote(people, t)
        bodies = {m.subject: m.body for m in mail.outbox}
        assert bodies, "mails were sent"
        for subject, body in bodies.items():
            assert "https://hub.example.org/" in body, subject
        detail = f"https://hub.example.org{reverse('trajectories:detail', args=[t.pk])}"
        introduced = next(b for s, b in bodies.items() if "introduced" in s)
        assert detail in introduced
        to_sign = next(b for s, b in bodies.items() if "to sign" in s)
        assert "/accounts/login/code/?next=" in to_sign and f"%2Ftrajectories%2F{t.pk}%2F" in (
            to_sign
        )
        assert quote.total  # the quote mail is about this quote

    def test_invitation_lands_on_the_quote_to_sign(
        self, people: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        from digihub.companies.services import confirm_representative

        funding_demo.build()
        t = _trajectory(people)
        _issued_quote(people, t)
        assert next_for_company(people.company_x) == reverse("trajectories:detail", args=[t.pk])
        contact = t.question.contact
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            confirm_representative(actor=people.advisor_a, contact=contact)
        (invitation,) = mail.outbox
        assert invitation.to == [contact.email]
        assert f"next=%2Ftrajectories%2F{t.pk}%2F" in invitation.body


@pytest.mark.django_db
class TestSignInByCode:
    def _request(self, client: Any, email: str, next_path: str = "/todo/") -> Any:
        url = reverse("account_request_login_code") + f"?next={next_path}"
        return client.post(url, {"email": email})

    def test_confirmed_contact_signs_in_with_a_code_and_lands_on_the_quote(
        self, people: Any, client: Any
    ) -> None:
        from digihub.accounts.models import User
        from digihub.companies.services import confirm_representative

        funding_demo.build()
        t = _trajectory(people)
        _issued_quote(people, t)
        contact = t.question.contact
        # Typed into the public form only: no account, no code.
        mail.outbox.clear()
        self._request(client, contact.email)
        assert not User.objects.filter(email__iexact=contact.email).exists()
        # (allauth may tell the address that it has no account; it sends no code.)
        assert not any("code" in m.subject.lower() for m in mail.outbox if contact.email in m.to)
        client.cookies.clear()  # a new visit
        confirm_representative(actor=people.advisor_a, contact=contact)
        mail.outbox.clear()
        target = reverse("trajectories:detail", args=[t.pk])
        response = self._request(client, contact.email, target)
        assert response.status_code == 302
        user = User.objects.get(email__iexact=contact.email)
        assert user.company == people.company_x and str(user) == "Sam Smet"
        assert not user.has_usable_password()
        (code_mail,) = mail.outbox
        code = re.search(r"^\s*([A-Z0-9-]{6,9})\s*$", code_mail.body, re.M)
        assert code, code_mail.body
        confirm = client.post(response["Location"], {"code": code.group(1)})
        assert confirm.status_code == 302 and confirm["Location"] == target
        page = client.get(target)
        assert page.status_code == 200 and "Sam Smet" in page.content.decode()
        # The code is single use.
        client.logout()
        again = client.post(response["Location"], {"code": code.group(1)})
        assert again.status_code != 302 or again["Location"] != target


@pytest.mark.django_db
class TestSmeWorkspace:
    def test_own_share_and_no_coming_day_after_completion(
        self, people: Any, client_for: Any
    ) -> None:
        funding_demo.build()
        t = _trajectory(people)
        quote = _issued_quote(people, t)
        client = client_for(people.sme_x)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        page = client.get(reverse("trajectories:sme_workspace")).content.decode()
        assert "your share <strong" in page and "€600.00" in page  # 30 % of €2,000.00
        detail = client.get(reverse("trajectories:detail", args=[t.pk])).content.decode()
        assert 'class="hash"' not in detail  # not signed yet
        assert 'class="card first" id="sign"' in detail  # the quote to sign comes first
        services.sign_quote_online(
            actor=people.sme_x, quote=quote, signer_name="Sam", pdf_sha256=quote.pdf_sha256
        )
        start = timezone.now() - dt.timedelta(days=1)
        services.plan_session(
            actor=people.partner_p,
            trajectory=t,
            title="Testdag",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=4),
        )
        later = timezone.now() + dt.timedelta(days=5)
        services.plan_session(
            actor=people.partner_p,
            trajectory=t,
            title="Follow-up day",
            starts_at=later,
            ends_at=later + dt.timedelta(hours=2),
        )
        assert "Follow-up day" in client.get(reverse("trajectories:sme_workspace")).content.decode()
        services.deliver_advice(
            actor=people.partner_p,
            trajectory=t,
            kind="action_plan",
            delivered_on=timezone.localdate(),
            summary="Plan",
        )
        services.complete(actor=people.partner_p, trajectory=t, final_cost=Decimal("2000"))
        page = client.get(reverse("trajectories:sme_workspace")).content.decode()
        assert "Follow-up day" not in page
        detail = client.get(reverse("trajectories:detail", args=[t.pk])).content.decode()
        assert 'SHA-256 <code class="hash">' in detail
