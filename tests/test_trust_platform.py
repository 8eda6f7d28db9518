"""Platform trust: second factor on every path, login lockout, shared rate limits, idempotency
keys, demo mode, and no 500 (nor traceback) on implausible input. Each test is named after the
row of the penetration test it answers."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.template import loader
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from digihub.accounts.models import ApiToken, User
from digihub.accounts.roles import Role
from digihub.intake import services
from digihub.intake.models import Question, Status

from .factories import UserFactory
from .test_intake import PUBLIC, registration

pytestmark = pytest.mark.usefixtures("english")  # texts are read back in English


@pytest.fixture(autouse=True)
def english(client: Any) -> Iterator[None]:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def enrol_totp(user: User) -> None:
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )


@pytest.fixture
def question(people: Any) -> Question:
    q, _ = services.register_question(actor=None, data=registration(people.company_x))
    return q


# Row 2 -------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestRow2SecondFactorOnTheApi:
    def test_row2_staff_session_without_mfa_gets_403_json_on_the_api(
        self, people: Any, question: Question, client: Any
    ) -> None:
        officer = UserFactory(role=Role.OFFICER, is_demo=False)
        client.force_login(officer)
        response = client.get("/api/v1/funding/ledger")
        assert response.status_code == 403
        assert response["Content-Type"].startswith("application/json")
        assert "second factor" in response.json()["detail"]
        Question.objects.filter(pk=question.pk).update(validation="requested")
        response = client.post(f"/api/v1/intake/questions/{question.pk}/validation/approve")
        assert response.status_code == 403
        assert "second factor" in response.json()["detail"]
        # Pages still lead to setting one up.
        assert client.get(reverse("accounts:tokens"))["Location"] == reverse("mfa_activate_totp")
        # With a second factor the same session works.
        enrol_totp(officer)
        assert client.get("/api/v1/funding/ledger").status_code == 200

    def test_row2_token_of_staff_without_mfa_is_refused(self, people: Any, client: Any) -> None:
        officer = UserFactory(role=Role.OFFICER, is_demo=False)
        _token, raw = ApiToken.issue(officer, "made before the second factor was required")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        response = client.get("/api/v1/funding/ledger", **auth)
        assert response.status_code == 403
        assert "second factor" in response.json()["detail"]
        enrol_totp(officer)
        assert client.get("/api/v1/funding/ledger", **auth).status_code == 200
        # An SME needs no second factor, for its token neither.
        _token, sme_raw = ApiToken.issue(
            UserFactory(role=Role.SME, company=people.company_x, is_demo=False), "sme"
        )
        response = client.get("/api/v1/trajectories/", HTTP_AUTHORIZATION=f"Bearer {sme_raw}")
        assert response.status_code == 200

    def test_row2_tokens_are_made_only_after_mfa_enrolment(self, network: Any) -> None:
        from django.contrib.messages.storage.fallback import FallbackStorage
        from django.test import RequestFactory

        from digihub.accounts.views import token_list

        advisor = UserFactory(role=Role.ADVISOR, chamber=network.chamber_a, is_demo=False)
        request = RequestFactory().post("/account/tokens/", {"name": "script"})
        request.user = advisor
        request.session = {}  # type: ignore[assignment]
        request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
        response = token_list(request)  # even when called past the middleware
        assert response.status_code in (302, 403)
        assert not ApiToken.objects.filter(user=advisor).exists()


# Row 10 ------------------------------------------------------------------------------------------


@pytest.fixture
def axes(settings: Any) -> Iterator[None]:
    from axes.models import AccessAttempt
    from django.core.cache import cache

    settings.AXES_ENABLED = True
    cache.clear()
    yield
    AccessAttempt.objects.all().delete()
    cache.clear()


def login(client: Client, email: str, password: str) -> bool:
    client.post(reverse("account_login"), {"login": email, "password": password})
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_row10_made_up_logins_from_one_address_do_not_lock_out_others(
    people: Any, axes: None
) -> None:
    client = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(10):
        assert not login(client, f"nobody{n}@made-up.example", "wrong password!")
    assert login(client, people.sme_x.email, "correct-horse-battery")


@pytest.mark.django_db
def test_row10_repeated_failures_for_one_login_lock_that_login(
    people: Any, axes: None, settings: Any
) -> None:
    from axes.models import AccessAttempt
    from django.core.cache import cache

    client = Client(REMOTE_ADDR="198.51.100.8")
    email = people.sme_x.email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        cache.clear()  # past allauth's own short rate limit: this is about the lockout
        login(client, email.upper(), "wrong password!")  # the same login, however it is typed
    assert AccessAttempt.objects.get(username=email).failures_since_start >= 8
    cache.clear()
    assert not login(client, email, "correct-horse-battery")
    # Another person at the same address is not locked out.
    assert login(Client(REMOTE_ADDR="198.51.100.8"), people.sme_y.email, "correct-horse-battery")


def test_row10_trusted_proxies_decide_the_client_address(settings: Any) -> None:
    from django.test import RequestFactory

    from digihub.accounts.clientip import client_ip

    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9, 192.0.2.44"
    )
    settings.DIGIHUB_TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.2"  # no proxy trusted: the header may be forged
    settings.DIGIHUB_TRUSTED_PROXIES = 1
    assert client_ip(request) == "192.0.2.44"  # the address our one proxy saw
    settings.DIGIHUB_TRUSTED_PROXIES = 2
    assert client_ip(request) == "203.0.113.9"
    assert settings.AXES_CLIENT_IP_CALLABLE == "digihub.accounts.clientip.client_ip"


# Row 13 ------------------------------------------------------------------------------------------


def public(n: int) -> dict[str, str]:
    return {**PUBLIC, "token": f"{n:032x}", "email": f"p{n}@nieuw.example"}


@pytest.mark.django_db
def test_row13_public_form_limit_is_shared_by_every_worker(network: Any) -> None:
    from django.core.cache import cache

    codes = []
    for n in range(7):
        cache.clear()  # each post handled by a different worker process, or after a restart
        codes.append(
            Client(REMOTE_ADDR="192.0.2.13")
            .post(reverse("intake:public_form"), public(n))
            .status_code
        )
    assert codes == [302] * 5 + [429] * 2
    assert Question.objects.count() == 5
    # Sending the same form again (a double click) is not counted and still answers.
    again = Client(REMOTE_ADDR="192.0.2.13").post(reverse("intake:public_form"), public(0))
    assert again.status_code == 302
    # Another address has its own limit.
    other = Client(REMOTE_ADDR="192.0.2.14").post(reverse("intake:public_form"), public(99))
    assert other.status_code == 302


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_row13_concurrent_public_posts_respect_the_limit(network: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL")
    barrier = threading.Barrier(12)
    codes: list[int] = []

    def post(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            client = Client(REMOTE_ADDR="192.0.2.77")
            codes.append(client.post(reverse("intake:public_form"), public(n)).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(codes) == [302] * 5 + [429] * 7
    assert Question.objects.count() == 5


@pytest.mark.django_db
def test_row13_throttle_counts_atomically_per_window(db: Any) -> None:
    from digihub.core import throttle

    results = [throttle.hit("test:a", limit=3, period=600) for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert throttle.hit("test:b", limit=3, period=600)
    throttle.give_back("test:a", period=600)
    throttle.reset("test:a")
    assert throttle.hit("test:a", limit=1, period=600)
    # Addresses are not kept: counters of windows over for a day go with the next new window.
    from digihub.core.models import ThrottleCounter

    ThrottleCounter.objects.create(
        key="test:old", window_start=timezone.now() - dt.timedelta(days=2), count=3
    )
    assert throttle.hit("test:c", limit=3, period=600)
    assert not ThrottleCounter.objects.filter(key="test:old").exists()


# Row 14 ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_row14_public_form_cannot_take_an_advisors_idempotency_key(
    people: Any, client: Any
) -> None:
    advisor = people.advisor_a
    attacker = {**PUBLIC, "token": f"api:{advisor.pk}:k1", "text": "Planted by a stranger"}
    response = Client().post(reverse("intake:public_form"), attacker)
    assert response.status_code == 400  # the form only takes the token it hands out
    assert not Question.objects.filter(text="Planted by a stranger").exists()

    _t, raw = ApiToken.issue(advisor, "t")
    payload = {
        "enterprise_number": people.company_x.enterprise_number,
        "company_name": "X",
        "postcode": "3000",
        "city": "Leuven",
        "first_name": "A",
        "last_name": "B",
        "email": "a@b.example",
        "text": "The advisor's own question",
        "consent": True,
    }
    response = client.post(
        "/api/v1/intake/questions",
        payload,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert response.status_code == 201
    assert response.json()["text"] == "The advisor's own question"
    stored = Question.objects.get(pk=response.json()["id"]).submission_token
    assert stored and not stored.startswith(f"api:{advisor.pk}:")


@pytest.mark.django_db
def test_row14_form_token_with_the_issued_format_still_deduplicates(network: Any) -> None:
    from digihub.intake.forms import PublicQuestionForm

    token = PublicQuestionForm().fields["token"].initial
    assert len(token) == 32 and int(token, 16) >= 0
    data = {**PUBLIC, "token": token}
    assert Client().post(reverse("intake:public_form"), data).status_code == 302
    assert Client().post(reverse("intake:public_form"), data).status_code == 302
    assert Question.objects.count() == 1


# Row 15 ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_row15_demo_accounts_need_mfa_outside_demo_mode(
    people: Any, client: Any, settings: Any
) -> None:
    settings.DIGIHUB_DEMO_MODE = False
    client.force_login(people.advisor_a)  # factory users are marked demo
    response = client.get(reverse("companies:list"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    settings.DIGIHUB_DEMO_MODE = True
    assert client.get(reverse("companies:list")).status_code == 200


def test_row15_demo_mode_is_refused_in_production(settings: Any) -> None:
    from digihub.accounts.checks import demo_mode_in_production

    settings.DEBUG, settings.TESTING, settings.DIGIHUB_DEMO_MODE = False, False, True
    errors = demo_mode_in_production(None)
    assert [e.id for e in errors] == ["digihub.accounts.E001"]
    settings.DIGIHUB_DEMO_MODE = False
    assert demo_mode_in_production(None) == []
    settings.DEBUG, settings.DIGIHUB_DEMO_MODE = True, True
    assert demo_mode_in_production(None) == []


@pytest.mark.django_db
def test_row15_demo_data_refuses_without_demo_mode(network: Any, settings: Any) -> None:
    settings.DIGIHUB_DEMO_MODE = False
    with pytest.raises(CommandError):
        call_command("demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not User.objects.filter(is_superuser=True).exists()
    assert not User.objects.filter(is_demo=True).exists()


@pytest.mark.django_db
def test_row15_is_demo_is_read_only_in_the_admin(people: Any, rf: Any) -> None:
    from django.contrib import admin

    model_admin = admin.site._registry[User]
    request = rf.get("/admin/")
    request.user = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    assert "is_demo" in model_admin.get_readonly_fields(request, people.sme_x)
    assert "is_demo" not in model_admin.get_form(request, people.sme_x).base_fields


# Row 16 ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_row16_huge_page_numbers_do_not_fail(people: Any, client: Any, question: Question) -> None:
    client.force_login(people.coordinator)
    for url in (
        reverse("intake:queue"),
        reverse("companies:list"),
        reverse("trajectories:list"),
        reverse("funding:ledger"),
    ):
        for page in ("99999999999999999999", "²", "-3", "1e9"):
            response = client.get(url, {"page": page})
            assert response.status_code == 200, (url, page)


@pytest.mark.django_db
def test_row16_report_refuses_an_implausible_period(people: Any, client: Any) -> None:
    client.force_login(people.coordinator)
    response = client.get("/reports/", {"start": "0001-01-01", "end": "9999-12-31"})
    assert response.status_code == 200
    assert "Enter a date between" in response.content.decode()


@pytest.mark.django_db
def test_row16_admin_add_user_checks_role_and_organisation(people: Any, network: Any) -> None:
    admin_user = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin_user)
    data = {
        "email": "new.advisor@test.digihub.be",
        "role": Role.ADVISOR,
        "password1": "a-long passphrase 42",
        "password2": "a-long passphrase 42",
        "usable_password": "true",
    }
    response = client.post("/admin/accounts/user/add/", data)
    assert response.status_code == 200
    assert "An advisor belongs to a chamber" in response.content.decode()
    assert not User.objects.filter(email=data["email"]).exists()
    response = client.post("/admin/accounts/user/add/", {**data, "chamber": network.chamber_a.pk})
    assert response.status_code == 302
    assert User.objects.get(email=data["email"]).chamber == network.chamber_a


@pytest.mark.django_db
def test_row16_implausible_dates_are_refused(people: Any, question: Question, client: Any) -> None:
    from digihub.intake.forms import ConversationForm
    from digihub.trajectories.forms import AdviceForm, QuoteForm, SessionForm

    for day in ("0001-01-01", "9999-12-31"):
        form = ConversationForm(
            {"kind": "exploratory", "held_on": day, "participants": "An"}, files={}
        )
        assert not form.is_valid() and "held_on" in form.errors
        form = QuoteForm({"scope": "x", "valid_until": day})
        assert not form.is_valid() and "valid_until" in form.errors
        form = AdviceForm({"kind": "report", "delivered_on": day, "summary": "x"}, files={})
        assert "delivered_on" in form.errors
        form = SessionForm(
            {
                "kind": "session",
                "title": "x",
                "starts_at": f"{day}T10:00",
                "ends_at": f"{day}T12:00",
                "place": "lab",
            }
        )
        assert not form.is_valid() and "starts_at" in form.errors and "ends_at" in form.errors
    soon = timezone.localdate() + dt.timedelta(days=30)
    assert QuoteForm({"scope": "x", "valid_until": soon.isoformat()}).is_valid()

    services.take_question(actor=people.advisor_a, question=question)
    client.force_login(people.advisor_a)
    response = client.post(
        f"/api/v1/intake/questions/{question.pk}/conversations",
        {"held_on": "0001-01-01", "participants": "An"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert Question.objects.get(pk=question.pk).first_conversation_on is None
    assert Question.objects.get(pk=question.pk).status == Status.IN_PROGRESS


@pytest.mark.django_db
def test_row16_api_never_returns_a_traceback(
    people: Any, settings: Any, monkeypatch: Any, caplog: Any
) -> None:
    from digihub.funding import api as funding_api

    def broken(request: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(funding_api, "_reader", broken)
    settings.DEBUG = True
    client = Client(raise_request_exception=False)
    client.force_login(people.coordinator)
    response = client.get("/api/v1/funding/ledger")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = response.content.decode()
    assert "Traceback" not in body and "secret internals" not in body
    assert "secret internals" in caplog.text  # logged for the operator


@pytest.mark.django_db
def test_row16_error_pages_are_the_sites_own(people: Any, client: Any, settings: Any) -> None:
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'class="site-header"' in page and 'href="/"' in page
    client.force_login(people.sme_x)
    response = client.get(reverse("funding:ledger"))
    assert response.status_code == 403
    assert 'class="site-header"' in response.content.decode()
    # The 500 page renders without a request and without context processors.
    html = loader.get_template("500.html").render()
    assert 'href="/"' in html and "Digihub" in html
    with translation.override("nl"):
        assert 'lang="nl"' in loader.get_template("500.html").render()
