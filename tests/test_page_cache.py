"""Busy pages kept per person while their data stays the same (digihub.core.page_cache)."""

from __future__ import annotations

import pickle
import zlib
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from digihub.companies.models import Company
from digihub.core import changes
from digihub.core.models import DataChange
from digihub.core.page_cache import HIT_HEADER

from .test_inbox import _register

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("english")]

QUEUE = "/questions/?tab=all"


def _get(client: Any, url: str = QUEUE) -> Any:
    response = client.get(url)
    assert response.status_code == 200
    return response


def _kept(client: Any, url: str = QUEUE) -> None:
    """The first request gets the CSRF cookie a browser keeps, the second is kept."""
    _get(client, url)
    _get(client, url)


def _counter() -> int:
    changes.generation()  # the row is made on first use
    return DataChange.objects.get(pk=1).counter


def test_a_page_is_served_again_while_nothing_changed(
    people: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    _register(people, "one@x.example")
    client = client_for(people.advisor_a)
    _kept(client)
    with django_assert_max_num_queries(3):  # session, user, generation of the data
        response = _get(client)
    assert response[HIT_HEADER] == "hit"
    assert "Bedrijf X" in response.content.decode()


def test_a_change_through_a_service_shows_on_the_next_request(people: Any, client_for: Any) -> None:
    client = client_for(people.advisor_a)
    _kept(client)
    question = _register(people, "one@x.example")
    response = _get(client)
    assert not response.has_header(HIT_HEADER)
    assert question.reference in response.content.decode()


def test_a_bulk_update_shows_too(people: Any, client_for: Any) -> None:
    _register(people, "one@x.example")
    client = client_for(people.advisor_a)
    _kept(client)
    # A queryset update sends no model signal: the statement itself is seen.
    Company.objects.filter(pk=people.company_x.pk).update(name="Renamed Works")
    response = _get(client)
    assert not response.has_header(HIT_HEADER)
    assert "Renamed Works" in response.content.decode()


def test_a_change_committed_by_another_worker_shows(people: Any, client_for: Any) -> None:
    _register(people, "one@x.example")
    client = client_for(people.advisor_a)
    _kept(client)
    # What another process does when its transaction commits; this process writes nothing.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_datachange SET counter = counter + 1 WHERE id = 1")
    assert not _get(client).has_header(HIT_HEADER)
    assert _get(client)[HIT_HEADER] == "hit"


def test_the_shared_counter_moves_once_when_a_transaction_commits(people: Any) -> None:
    _register(people, "one@x.example")
    before = _counter()
    with transaction.atomic():
        Company.objects.filter(pk=people.company_x.pk).update(name="One")
        Company.objects.filter(pk=people.company_y.pk).update(name="Two")
        assert _counter() == before  # nothing is announced before the rows are committed
    assert _counter() == before + 1


def test_a_rolled_back_change_is_not_announced_but_is_not_served_either(people: Any) -> None:
    _register(people, "one@x.example")
    before, local = _counter(), changes.generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        Company.objects.filter(pk=people.company_x.pk).update(name="Gone")
        raise RuntimeError
    assert _counter() == before
    assert changes.generation() != local  # pages kept during the transaction are not reused


def test_another_person_never_gets_the_kept_page(people: Any, client_for: Any) -> None:
    _register(people, "one@x.example")
    _kept(client_for(people.advisor_a))
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    other.force_login(people.advisor_b)
    _get(other)
    response = _get(other)
    assert not response.has_header(HIT_HEADER)
    assert "Bedrijf X" not in response.content.decode()


def test_a_message_after_an_action_that_changed_nothing_is_shown(
    people: Any, client_for: Any
) -> None:
    client = client_for(people.advisor_a)
    _kept(client)
    # Taking no question at all writes nothing, yet the page must say why.
    response = client.post(reverse("intake:bulk_take"), {"next": QUEUE}, follow=True)
    assert "Select at least one question." in response.content.decode()
    assert not response.has_header(HIT_HEADER)


def test_no_page_is_kept_when_switched_off(people: Any, client_for: Any, settings: Any) -> None:
    settings.DIGIHUB_PAGE_CACHE_SECONDS = 0
    client = client_for(people.advisor_a)
    _kept(client)
    assert not _get(client).has_header(HIT_HEADER)


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('INSERT INTO "companies_company" ("name") VALUES (%s)', True),
        ('UPDATE "trajectories_trajectory" SET "phase" = %s', True),
        ('DELETE FROM "intake_question" WHERE id = 1', True),
        ("TRUNCATE registry_enterprise", True),
        ("INSERT OR IGNORE INTO companies_contact (id) VALUES (1)", True),
        ("WITH moved AS (SELECT 1) UPDATE funding_paymentrequest SET status = 'paid'", True),
        ('SELECT "companies_company"."name" FROM "companies_company"', False),
        ('SELECT 1 FROM "funding_budget" FOR UPDATE', False),
        ('UPDATE "django_session" SET "expire_date" = %s', False),
        ("INSERT INTO core_throttlecounter (key) VALUES (%s) ON CONFLICT DO UPDATE", False),
        ("UPDATE core_datachange SET counter = counter + 1 WHERE id = 1", False),
        ("/* bulk */ UPDATE trajectories_trajectory SET phase = 'x'", True),
        ("-- moved\n  DELETE FROM intake_question", True),
        ("(INSERT INTO companies_company (id) VALUES (1))", True),
        ("MERGE INTO funding_ledgerentry USING x ON true WHEN MATCHED THEN DELETE", True),
        ("update only trajectories_trajectory set phase = 'x'", True),
        ("/* UPDATE x */ SELECT 1", False),
    ],
)
def test_which_statements_are_changes(sql: str, writes: bool) -> None:
    assert changes._writes(sql) is writes


def test_sql_composed_by_the_driver_counts_as_a_change() -> None:
    assert changes._writes(object()) is True


def test_pages_are_rendered_while_the_counter_cannot_be_read(
    people: Any, client_for: Any, monkeypatch: Any
) -> None:
    # Code deployed before `migrate` made the table: pages work, none is kept.
    monkeypatch.setattr(changes, "_TABLE", "core_no_such_table")
    client = client_for(people.advisor_a)
    _kept(client)
    assert not _get(client).has_header(HIT_HEADER)


def test_a_restored_database_never_brings_back_pages_kept_before(people: Any) -> None:
    before = _counter()
    changes.restart()
    assert _counter() > before  # the clock in nanoseconds: beyond what the old one counted


def test_an_htmx_fragment_and_the_full_page_are_kept_apart(people: Any, client_for: Any) -> None:
    _register(people, "one@x.example")
    client = client_for(people.advisor_a)
    _kept(client)
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "question-rows"}
    fragment = client.get(QUEUE, **headers)
    assert not fragment.has_header(HIT_HEADER)  # not the full page kept a moment ago
    assert b"<html" not in fragment.content.lower()
    again = client.get(QUEUE, **headers)
    assert again[HIT_HEADER] == "hit"
    assert again.content == fragment.content
    assert b"<html" in _get(client).content.lower()


def test_an_export_of_a_list_is_never_kept(people: Any, client_for: Any) -> None:
    _register(people, "one@x.example")
    client = client_for(people.advisor_a)
    _kept(client)
    for _ in range(2):
        export = client.get(QUEUE + "&export=csv")
        assert export.status_code == 200
        assert not export.has_header(HIT_HEADER)
        assert export["Content-Disposition"].startswith("attachment")


def test_erasing_a_contact_forgets_the_pages_that_showed_it(
    people: Any, client_for: Any, settings: Any, tmp_path: Any
) -> None:
    """The file cache deletes an expired file only when its key is read again, which never
    happens once the data moved on: a page showing a person would stay on disk."""
    from digihub.companies.models import Contact
    from digihub.companies.privacy import erase_contact

    pages = tmp_path / "pages"
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(pages),
        },
    }
    contact = Contact.objects.create(
        company=people.company_x, first_name="Jana", last_name="Janssens", email="jana@x.example"
    )
    client = client_for(people.advisor_a)
    url = reverse("companies:detail", args=[people.company_x.pk])
    _kept(client, url)
    assert "jana@x.example" in _get(client, url).content.decode()

    def on_disk() -> bool:
        """Whether any file of the pages' directory holds the address (each file is an expiry
        time followed by the compressed page)."""
        found = False
        for path in pages.rglob("*.djcache"):
            with path.open("rb") as file:
                pickle.load(file)  # noqa: S301 - the test's own cache files
                found |= b"jana@x.example" in zlib.decompress(file.read())
        return found

    assert on_disk()
    erase_contact(actor=people.coordinator, contact=contact, reason="request of 3 March")
    assert not on_disk()
    assert "jana@x.example" not in _get(client, url).content.decode()


def test_using_an_api_token_is_not_a_change(people: Any, client_for: Any) -> None:
    """Every API call notes when its token was last used; no kept page shows that."""
    from digihub.accounts.models import ApiToken

    _, secret = ApiToken.issue(people.advisor_a, "reports")
    client = client_for(people.advisor_a)
    _kept(client)
    assert ApiToken.authenticate(secret) is not None
    assert _get(client)[HIT_HEADER] == "hit"


def test_a_page_kept_by_an_earlier_release_is_not_served(
    people: Any, client_for: Any, monkeypatch: Any
) -> None:
    from digihub.core import page_cache

    client = client_for(people.advisor_a)
    _kept(client)
    assert _get(client)[HIT_HEADER] == "hit"
    monkeypatch.setattr(page_cache, "RELEASE", page_cache.RELEASE + "-next")
    assert not _get(client).has_header(HIT_HEADER)


def test_a_counter_that_cannot_move_is_logged(people: Any, monkeypatch: Any, caplog: Any) -> None:
    monkeypatch.setattr(changes, "_TABLE", "core_no_such_table")
    with caplog.at_level("WARNING", logger="digihub.core.changes"):
        # While migrations run the table is not there yet: nothing to say.
        Company.objects.filter(pk=people.company_x.pk).update(name="Bedrijf X2")
        assert "data change counter not moved" not in caplog.text
        # The table is there and the counter still cannot move: said in the log.
        monkeypatch.setattr(
            connection.introspection, "table_names", lambda *args, **kwargs: [changes._TABLE]
        )
        Company.objects.filter(pk=people.company_x.pk).update(name="Bedrijf X3")
    assert "data change counter not moved" in caplog.text


def test_a_page_drawn_while_a_change_committed_is_not_kept(
    people: Any, client_for: Any, monkeypatch: Any
) -> None:
    """An erasure forgets every kept page at its commit; a page drawn from the data before it
    and finished just after must not be stored again under the old generation."""
    from django.core.cache import caches

    from digihub.core import page_cache

    client = client_for(people.advisor_a)
    _get(client)  # the CSRF cookie
    store = caches[page_cache.CACHE]
    store.clear()
    moments = iter(["7.0", "8.0"])  # read before drawing the page, and after
    monkeypatch.setattr(page_cache, "generation", lambda: next(moments))
    _get(client)
    assert not store._cache  # type: ignore[attr-defined]  # the in-process memory cache
