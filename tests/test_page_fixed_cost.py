"""What every signed-in page pays: the menu, its to-do badge and the queries behind them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from digihub.inbox.badge import BADGE_SECONDS, badge_count
from digihub.intake import services as intake
from digihub.intake.models import Question

from .test_inbox import _register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _badge(html: str) -> str:
    found = re.search(r'To do <span class="badge count">.*?(\d+)', html, re.S)
    return found.group(1) if found else ""


def test_a_plain_signed_in_page_reads_session_user_and_its_own_rows_only(
    people: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(people.advisor_a)
    url = reverse("accounts:tokens")
    assert client.get(url).status_code == 200  # counts the badge once
    # The session, the user and the page's own list: the menu and its badge add nothing.
    with django_assert_max_num_queries(3):
        assert client.get(url).status_code == 200


def test_the_badge_follows_a_new_question_and_a_taken_one(people: Any, client_for: Any) -> None:
    client = client_for(people.advisor_a)
    url = reverse("accounts:tokens")
    _register(people, "one@x.example")
    assert _badge(client.get(url).content.decode()) == "1"
    q = _register(people, "two@x.example")
    assert _badge(client.get(url).content.decode()) == "2"
    intake.take_question(actor=people.advisor_a, question=q)
    assert _badge(client.get(url).content.decode()) == "1"


def test_the_badge_is_kept_only_briefly_when_rows_change_behind_the_models(
    people: Any, client_for: Any, monkeypatch: Any
) -> None:
    _register(people, "one@x.example")
    assert badge_count(people.advisor_a) == 1
    Question.objects.all().delete()  # a bulk delete sends post_delete: a new generation
    assert badge_count(people.advisor_a) == 0
    _register(people, "two@x.example")
    assert badge_count(people.advisor_a) == 1
    Question.objects.update(
        chamber=people.advisor_b.chamber
    )  # UPDATE sends no signal: kept at most briefly
    assert badge_count(people.advisor_a) == 1
    from django.core.cache import cache

    assert 0 < BADGE_SECONDS <= 60
    cache.clear()  # what the expiry does after BADGE_SECONDS
    assert badge_count(people.advisor_a) == 0


def test_each_role_gets_its_own_menu_and_the_current_entry_is_marked(
    people: Any, client_for: Any
) -> None:
    advisor = client_for(people.advisor_a).get(reverse("inbox:index")).content.decode()
    assert f'href="{reverse("intake:queue")}"' in advisor
    assert re.search(rf'href="{reverse("inbox:index")}" aria-current="page"', advisor)
    assert not re.search(rf'href="{reverse("intake:queue")}" aria-current', advisor)
    partner = client_for(people.partner_p).get(reverse("inbox:index")).content.decode()
    assert f'href="{reverse("trajectories:partner_workspace")}"' in partner
    assert f'href="{reverse("trajectories:partner_workspace")}"' not in advisor


def test_a_changed_role_changes_menu_and_badge(people: Any, client_for: Any) -> None:
    from digihub.accounts.roles import Role

    _register(people, "one@x.example")
    user = people.advisor_a
    client = client_for(user)
    assert _badge(client.get(reverse("accounts:tokens")).content.decode()) == "1"
    user.role = Role.PARTNER
    user.partner = people.partner_p.partner
    user.chamber = None
    user.save()
    html = client.get(reverse("accounts:tokens")).content.decode()
    assert f'href="{reverse("trajectories:partner_workspace")}"' in html
    assert _badge(html) == ""


def test_an_enrolled_second_factor_is_asked_once_and_its_removal_closes_the_platform(
    network: Any, client: Any, django_assert_max_num_queries: Any
) -> None:
    from allauth.mfa.models import Authenticator

    from digihub.accounts.roles import Role

    from .factories import UserFactory

    advisor = UserFactory(role=Role.ADVISOR, chamber=network.chamber_a, is_demo=False)
    client.force_login(advisor)
    url = reverse("accounts:tokens")
    assert client.get(url)["Location"] == reverse("mfa_activate_totp")
    totp = Authenticator.objects.create(
        user=advisor, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    assert client.get(url).status_code == 200  # enrolled: in at once
    with django_assert_max_num_queries(3):  # session, user, tokens: not the authenticator
        assert client.get(url).status_code == 200
    totp.delete()
    assert client.get(url)["Location"] == reverse("mfa_activate_totp")
