"""Bank statement import (camt.053): matching, partial payments, duplicates, unknown and
foreign-currency credits, re-import, and files that are refused without importing anything."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from digihub.funding import demo as funding_demo
from digihub.funding import payments, services
from digihub.funding.demo_payments import camt053
from digihub.funding.models import (
    BankStatement,
    EntryState,
    Payee,
    PaymentRequest,
    PaymentStatus,
    Programme,
    Receipt,
    ResolveReason,
    StatementEntry,
)
from digihub.funding.statements import MAX_STATEMENT_BYTES, StatementRefused, parse_camt053

pytestmark = pytest.mark.usefixtures("english")  # texts are read back in English

ACCOUNT = "BE71096123456769"


@pytest.fixture
def books(people: Any) -> Any:
    funding_demo.build()
    voka = Programme.objects.get(code="voka-digihub-efro")
    Payee.objects.filter(programme=voka, chamber__isnull=True).update(
        name="Voka Digihub", iban=ACCOUNT, bic="GKCCBEBB"
    )
    people.requests = [
        services.commit_quote(
            actor=None,
            hub=people.company_x.hub,
            company=people.company_x,
            amount=Decimal("1000"),
            document=document,
        ).payment_request
        for document in (people.company_x, people.company_y, people.advisor_a, people.sme_x)
    ]
    return people


def credit(ref: str, amount: str, communication: str = "", **extra: str) -> dict[str, str]:
    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    return {
        "reference": ref,
        "amount": amount,
        "communication": communication,
        "date": day,
        "name": "Bedrijf X",
        **extra,
    }


def statement(books: Any) -> bytes:
    paid, partial, _third, paid_twice = books.requests
    return camt053(
        ACCOUNT,
        [
            credit("R1", "300.00", str(paid)),  # matched: paid in full
            credit("R2", "120.00", str(partial)),  # partial: 180 still due
            credit("R3", "300.00", "bijdrage digihub"),  # no communication: to resolve
            credit("R4", "300.00", str(paid_twice)),  # matched
            credit("R5", "300.00", str(paid_twice)),  # duplicate: already paid
            credit("R6", "55.00", "+++090/9337/55493+++"),  # valid, but no such request
            credit("R7", "300.00", str(paid), currency="USD"),  # foreign currency
        ],
        "STMT-1",
    )


@pytest.mark.django_db
def test_statement_gives_exactly_the_expected_statuses(books: Any) -> None:
    paid, partial, third, paid_twice = books.requests
    result = payments.import_statement(actor=books.officer, data=statement(books))
    s = result.statement
    assert not result.already_imported
    assert (s.credits, s.matched, s.to_resolve) == (7, 3, 4)
    statuses = {
        r.pk: (r.status, r.paid_amount)
        for r in PaymentRequest.objects.filter(pk__in=[r.pk for r in books.requests])
    }
    assert statuses == {
        paid.pk: (PaymentStatus.PAID, Decimal("300.00")),
        partial.pk: (PaymentStatus.PARTLY_PAID, Decimal("120.00")),
        third.pk: (PaymentStatus.REQUESTED, Decimal("0.00")),
        paid_twice.pk: (PaymentStatus.PAID, Decimal("300.00")),
    }
    entries = {e.reference: e for e in StatementEntry.objects.all()}
    assert {ref: (e.state, e.reason) for ref, e in entries.items()} == {
        "R1": (EntryState.MATCHED, ""),
        "R2": (EntryState.MATCHED, ""),
        "R3": (EntryState.TO_RESOLVE, ResolveReason.NO_COMMUNICATION),
        "R4": (EntryState.MATCHED, ""),
        "R5": (EntryState.TO_RESOLVE, ResolveReason.DUPLICATE),
        "R6": (EntryState.TO_RESOLVE, ResolveReason.UNKNOWN),
        "R7": (EntryState.TO_RESOLVE, ResolveReason.CURRENCY),
    }
    # Without a communication: the outstanding request of that amount for that name suggested.
    assert entries["R3"].suggestion_id == third.pk
    assert entries["R5"].suggestion_id == paid_twice.pk
    assert Receipt.objects.count() == 3
    assert PaymentRequest.objects.get(pk=partial.pk).remainder == Decimal("180.00")


@pytest.mark.django_db
def test_reimport_is_a_no_op(books: Any) -> None:
    data = statement(books)
    payments.import_statement(actor=books.officer, data=data)
    before = (
        StatementEntry.objects.count(),
        Receipt.objects.count(),
        list(PaymentRequest.objects.order_by("pk").values_list("status", "paid_amount")),
    )
    again = payments.import_statement(actor=books.officer, data=data)
    assert again.already_imported
    # An overlapping statement (another file, the same credits) imports nothing twice either.
    overlap = payments.import_statement(
        actor=books.officer, data=data.replace(b"STMT-1", b"STMT-2")
    )
    assert overlap.statement.already_known == 7 and overlap.statement.credits == 0
    after = (
        StatementEntry.objects.count(),
        Receipt.objects.count(),
        list(PaymentRequest.objects.order_by("pk").values_list("status", "paid_amount")),
    )
    assert before == after


@pytest.mark.django_db
def test_a_credit_to_resolve_is_assigned_or_set_aside_by_hand(books: Any, client_for: Any) -> None:
    payments.import_statement(actor=books.officer, data=statement(books))
    third = books.requests[2]
    r3 = StatementEntry.objects.get(reference="R3")
    client = client_for(books.officer)
    page = client.get(reverse("funding:to_resolve")).content.decode()
    assert third.communication_display in page
    bad = client.post(reverse("funding:entry_resolve", args=[r3.pk]), {"communication": "123"})
    assert bad.status_code == 400 and StatementEntry.objects.get(pk=r3.pk).state == "to_resolve"
    client.post(
        reverse("funding:entry_resolve", args=[r3.pk]),
        {"communication": third.communication_display, "note": "zonder mededeling"},
    )
    assert PaymentRequest.objects.get(pk=third.pk).status == PaymentStatus.PAID
    assert StatementEntry.objects.get(pk=r3.pk).state == EntryState.RESOLVED
    r7 = StatementEntry.objects.get(reference="R7")
    with pytest.raises(PermissionDenied):
        payments.dismiss_entry(actor=books.sme_x, entry=r7, note="x")
    client.post(reverse("funding:entry_dismiss", args=[r7.pk]), {"dismiss-note": "terugbetalen"})
    assert StatementEntry.objects.get(pk=r7.pk).state == EntryState.DISMISSED


def _refused(books: Any, data: bytes, code: str) -> None:
    before = (
        BankStatement.objects.count(),
        StatementEntry.objects.count(),
        Receipt.objects.count(),
    )
    with pytest.raises(StatementRefused) as refused:
        payments.import_statement(actor=books.officer, data=data)
    assert refused.value.code == code and refused.value.messages[0]
    after = (BankStatement.objects.count(), StatementEntry.objects.count(), Receipt.objects.count())
    assert before == after
    assert not PaymentRequest.objects.exclude(status=PaymentStatus.REQUESTED).exists()


@pytest.mark.django_db
def test_bad_files_are_refused_and_nothing_is_imported(books: Any) -> None:
    good = statement(books)
    _refused(books, b"<Document><unclosed>", "xml")
    _refused(books, b"0000001012345   05505       ...\n1 ...", "coda")
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        b"<Document>&b;</Document>"
    )
    _refused(books, bomb, "dtd")
    external = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'
    )
    _refused(books, external, "dtd")
    _refused(books, good.replace(b"camt.053.001.08", b"camt.052.001.08"), "not_camt053")
    _refused(books, good.replace(ACCOUNT.encode(), b"BE68539007547034"), "account")
    _refused(books, good.replace(b"<Ccy>EUR</Ccy>", b"<Ccy>USD</Ccy>"), "currency")
    _refused(books, good.replace(b">120.00<", b">-120.00<"), "not_positive")
    _refused(books, good.replace(b">120.00<", b">0.00<"), "not_positive")
    _refused(books, good.replace(b">120.00<", b">12x<"), "amount")
    _refused(books, b" " * (MAX_STATEMENT_BYTES + 1), "size")
    # Someone who does not keep the account cannot import it.
    with pytest.raises(PermissionDenied):
        payments.import_statement(actor=books.partner_p, data=good)
    assert BankStatement.objects.count() == 0


@pytest.mark.django_db
def test_the_upload_page_says_why_a_file_is_refused(books: Any, client_for: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(books.officer)
    bad = client.post(
        reverse("funding:reconcile"),
        {"file": SimpleUploadedFile("x.xml", b"<Document><unclosed>", "text/xml")},
    )
    assert bad.status_code == 400 and "XML" in bad.content.decode()
    ok = client.post(
        reverse("funding:reconcile"),
        {"file": SimpleUploadedFile("stmt.xml", statement(books), "text/xml")},
        follow=True,
    )
    assert ok.status_code == 200 and BankStatement.objects.count() == 1
    assert client_for(books.sme_x).get(reverse("funding:reconcile")).status_code == 403


def test_parser_reads_batch_entries_and_structured_in_text() -> None:
    data = camt053(ACCOUNT, [credit("B1", "10.00", "+++090/9337/55493+++")], "S")
    parsed = parse_camt053(data)
    assert parsed.account_iban == ACCOUNT and len(parsed.credits) == 1
    assert parsed.credits[0].structured == "090933755493"
    text = camt053(ACCOUNT, [credit("B2", "10.00", "factuur 090/9337/55493 dank u")], "S")
    assert parse_camt053(text).credits[0].structured == "090933755493"


@pytest.mark.django_db
def test_the_api_imports_lists_and_resolves_like_the_pages(books: Any, client: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from digihub.accounts.models import ApiToken

    def auth(user: Any) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, 'test')[1]}"}

    officer = auth(books.officer)
    base = "/api/v1/funding"
    data = statement(books)
    bad = client.post(
        f"{base}/statements",
        {"file": SimpleUploadedFile("x.xml", b"<Document><unclosed>")},
        **officer,
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "file"]
    assert "not valid XML" in bad.json()["detail"][0]["msg"]
    assert BankStatement.objects.count() == 0  # nothing half-imported
    refused = client.post(
        f"{base}/statements", {"file": SimpleUploadedFile("s.xml", data)}, **auth(books.sme_x)
    )
    assert refused.status_code == 403 and BankStatement.objects.count() == 0
    made = client.post(f"{base}/statements", {"file": SimpleUploadedFile("s.xml", data)}, **officer)
    assert made.status_code == 201, made.content
    body = made.json()
    assert not body["already_imported"] and body["statement"]["account"] == ACCOUNT
    assert (body["statement"]["credits"], body["statement"]["matched"]) == (7, 3)
    again = client.post(
        f"{base}/statements", {"file": SimpleUploadedFile("s.xml", data)}, **officer
    )
    assert again.status_code == 200 and again.json()["already_imported"]
    assert StatementEntry.objects.count() == 7

    sid = body["statement"]["id"]
    assert [s["id"] for s in client.get(f"{base}/statements", **officer).json()] == [sid]
    assert client.get(f"{base}/statements/{sid}", **officer).json()["to_resolve"] == 4
    entries = client.get(f"{base}/statements/{sid}/entries", **officer).json()
    assert len(entries) == 7
    open_ = client.get(f"{base}/statement-entries", **officer).json()
    assert {e["reference"] for e in open_} == {"R3", "R5", "R6", "R7"}
    r3 = next(e for e in open_ if e["reference"] == "R3")
    third = books.requests[2]
    assert r3["suggestion"] == third.pk and r3["payment"] is None
    for role in (books.sme_x, books.partner_p):
        assert client.get(f"{base}/statement-entries", **auth(role)).status_code == 403

    url = f"{base}/statement-entries/{r3['id']}/resolve"
    neither = client.post(url, {}, content_type="application/json", **officer)
    assert neither.status_code == 422
    unknown = client.post(url, {"communication": "123"}, content_type="application/json", **officer)
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == [
        "body",
        "communication",
    ]
    done = client.post(
        url,
        {"communication": third.communication_display, "note": "zonder mededeling"},
        content_type="application/json",
        **officer,
    )
    assert done.status_code == 200, done.content
    assert done.json()["state"] == EntryState.RESOLVED and done.json()["payment"] == third.pk
    assert PaymentRequest.objects.get(pk=third.pk).status == PaymentStatus.PAID
    twice = client.post(url, {"payment_id": third.pk}, content_type="application/json", **officer)
    assert twice.status_code == 409  # already resolved: the entry's table says not now

    r7 = StatementEntry.objects.get(reference="R7")
    dismiss = f"{base}/statement-entries/{r7.pk}/dismiss"
    assert (
        client.post(dismiss, {"note": ""}, content_type="application/json", **officer).status_code
        == 422
    )
    gone = client.post(
        dismiss, {"note": "terugbetalen"}, content_type="application/json", **officer
    )
    assert gone.status_code == 200 and gone.json()["state"] == EntryState.DISMISSED
    left = client.get(f"{base}/statement-entries", **officer).json()
    assert {e["reference"] for e in left} == {"R5", "R6"}


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_credits_to_resolve(books: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(n: int, statement_id: str) -> int:
        credits = [
            credit(f"{statement_id}-{i}", f"{40 + i}.00", "bijdrage", name=f"Firma {i}")
            for i in range(n)
        ]
        with CaptureQueriesContext(connection) as captured:
            result = payments.import_statement(
                actor=books.officer, data=camt053(ACCOUNT, credits, statement_id)
            )
        assert result.statement.to_resolve == n
        return len(captured.captured_queries)

    queries(1, "S-1")  # the first import fills per-process caches (content types)
    # Credits of different amounts are each looked up for a suggestion: in one query for all.
    assert queries(3, "S-3") == queries(12, "S-12")
