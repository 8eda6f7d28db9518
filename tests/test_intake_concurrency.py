"""Two submissions at the same moment (PostgreSQL only: SQLite serialises all writers)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from digihub.companies.models import Company
from digihub.intake.models import Question

from .test_intake import PUBLIC

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs real concurrent transactions"
)


def submit_together(payloads: list[dict[str, str]]) -> list[int]:
    barrier = threading.Barrier(len(payloads))
    codes: list[int] = []

    def post(data: dict[str, str]) -> None:
        try:
            barrier.wait(timeout=10)
            codes.append(Client().post(reverse("intake:public_form"), data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(p,)) for p in payloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return codes


@pytest.mark.django_db(transaction=True)
def test_double_submit_at_the_same_moment_creates_one_question(network: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    codes = submit_together([PUBLIC, PUBLIC, PUBLIC])
    assert codes == [302, 302, 302]
    assert Question.objects.count() == 1
    assert Company.objects.filter(enterprise_number="0403019261").count() == 1


@pytest.mark.django_db(transaction=True)
def test_new_company_asked_twice_at_once_is_created_once(network: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    codes = submit_together([{**PUBLIC, "token": "b" * 32}, {**PUBLIC, "token": "c" * 32}])
    assert codes == [302, 302]
    assert Question.objects.count() == 2
    assert Company.objects.filter(enterprise_number="0403019261").count() == 1
