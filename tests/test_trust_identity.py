"""Rows 1, 3, 8, 9 and 11 of the go-live security review: who is a company's user, what a partner
passing a question on may see, which files an SME opens, what erasure reaches, what an SME may
change about its company. Each test fails on the code before the fix."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from digihub.accounts.models import User
from digihub.audit.models import AuditEvent
from digihub.companies import services as companies
from digihub.companies.models import Contact
from digihub.companies.privacy import erase_contact, export_contact
from digihub.intake import services as intake
from digihub.intake.models import Attachment, Shared
from digihub.trajectories import services as trajectories

pytestmark = pytest.mark.usefixtures("english")  # texts are read back in English


def _public_form(client: Any, company: Any, email: str, **extra: str) -> Any:
    data = {
        "enterprise_number": company.enterprise_number,
        "company_name": "Anything",
        "postcode": company.postcode,
        "city": company.city,
        "first_name": "Eve",
        "last_name": "Attacker",
        "email": email,
        "text": "Ik wil graag meer weten over digitalisering.",
        "consent": "on",
        "token": "0123456789abcdef0123456789abcdef",
        **extra,
    }
    return client.post(reverse("intake:public_form"), data)


def _sign_up_and_verify(client: Any, email: str) -> User:
    client.post(
        reverse("account_signup"),
        {"email": email, "password1": "a-long passphrase 42", "password2": "a-long passphrase 42"},
    )
    user = User.objects.get(email=email)
    confirmation = EmailConfirmationHMAC(EmailAddress.objects.get(user=user))
    client.post(reverse("account_confirm_email", args=[confirmation.key]))
    user.refresh_from_db()
    return user


@pytest.mark.django_db
def test_row01_public_form_and_signup_never_take_over_a_company(
    people: Any, client: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The enterprise number is public: typing it with one's own address proves nothing."""
    real = Contact.objects.create(
        company=people.company_x,
        first_name="Rita",
        last_name="Echt",
        email="rita@x.example",
        phone="+32 470 11 22 33",
        confirmed_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = _public_form(client, people.company_x, "eve@evil.example")
    assert response.status_code == 302
    question = people.company_x.questions.get()
    assert question.contact_id != real.pk and question.contact.email == "eve@evil.example"
    assert question.contact.confirmed_at is None
    # The company's confirmed people learn that someone asked in its name.
    told = [m for m in mailoutbox if "rita@x.example" in m.to or people.sme_x.email in m.to]
    assert told and "no access" in told[0].body

    eve = _sign_up_and_verify(client, "eve@evil.example")
    assert eve.company_id is None
    client.force_login(eve)
    assert client.get(reverse("companies:detail", args=[people.company_x.pk])).status_code == 404
    assert client.get(f"/api/v1/companies/{people.company_x.pk}").status_code == 404
    assert "+32 470 11 22 33" not in client.get(reverse("intake:mine")).content.decode()


@pytest.mark.django_db
def test_row01_the_chamber_confirms_a_representative_who_then_gets_access(
    people: Any,
    client: Any,
    client_for: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    contact = Contact.objects.create(
        company=people.company_x, first_name="Ann", last_name="Smet", email="ann@x.example"
    )
    ann = _sign_up_and_verify(client, "ann@x.example")
    assert ann.company_id is None  # a typed address is no proof
    # Another chamber's advisor and an SME of another company cannot confirm her.
    for outsider in (people.advisor_b, people.sme_y):
        response = client_for(outsider).post(
            reverse("companies:contact_confirm", args=[contact.pk])
        )
        assert response.status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people.advisor_a).post(
            reverse("companies:contact_confirm", args=[contact.pk])
        )
    assert response.status_code == 302
    ann.refresh_from_db()
    contact.refresh_from_db()
    assert contact.confirmed_by == people.advisor_a and ann.company_id == people.company_x.pk
    assert any("ann@x.example" in m.to for m in mailoutbox)
    assert AuditEvent.objects.filter(action="contact.confirmed", target_id=str(contact.pk)).exists()


@pytest.mark.django_db
def test_row03_passing_on_a_known_company_grants_the_partner_nothing(
    people: Any, client_for: Any
) -> None:
    real = Contact.objects.create(
        company=people.company_x,
        first_name="Rita",
        last_name="Echt",
        email="rita@x.example",
        phone="+32 470 99 88 77",
        confirmed_at=timezone.now(),
    )
    client = client_for(people.partner_q)  # a partner that has nothing to do with company X
    payload = {
        "enterprise_number": people.company_x.enterprise_number,
        "company_name": "X",
        "postcode": "3000",
        "city": "Leuven",
        "first_name": "Rita",
        "last_name": "Echt",
        "email": "rita@x.example",
        "text": "Doorgegeven vraag",
        "consent": True,
    }
    response = client.post("/api/v1/intake/questions", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    question = people.company_x.questions.get()
    assert question.contact_id != real.pk  # the contact on file is not attached
    assert client.get(f"/api/v1/companies/{people.company_x.pk}").status_code == 404
    assert client.get(reverse("companies:detail", args=[people.company_x.pk])).status_code == 404
    listing = client.get("/api/v1/companies/").content.decode()
    assert people.company_x.name not in listing and "+32 470 99 88 77" not in listing
    detail = client.get(reverse("intake:detail", args=[question.pk])).content.decode()
    assert "+32 470 99 88 77" not in detail
    # A company the passing-on brought in stays the partner's to follow.
    payload.update(enterprise_number="0417497106", email="new@nieuw.example")
    assert (
        client.post(
            "/api/v1/intake/questions", payload, content_type="application/json"
        ).status_code
        == 201
    )
    new = Contact.objects.get(email="new@nieuw.example").company
    assert client.get(f"/api/v1/companies/{new.pk}").status_code == 200


@pytest.mark.django_db
def test_row08_sme_never_opens_the_advisors_internal_files(people: Any, client_for: Any) -> None:
    question, _ = intake.register_question(
        actor=people.advisor_a,
        data=intake.Registration(
            enterprise_number=people.company_x.enterprise_number,
            company_name="X",
            postcode="3000",
            city="Leuven",
            first_name="S",
            last_name="M",
            email="sm@x.example",
            text="Vraag",
            consent=True,
        ),
    )
    intake.take_question(actor=people.advisor_a, question=question)
    notes = SimpleUploadedFile("notes.txt", b"internal notes", content_type="text/plain")
    intake.record_conversation(
        actor=people.advisor_a,
        question=question,
        held_on=timezone.localdate(),
        participants="S M",
        attachments=[notes],
    )
    internal = Attachment.objects.get(question=question)
    shared = intake.add_attachment(
        actor=people.advisor_a,
        question=question,
        upload=SimpleUploadedFile("brochure.txt", b"for you", content_type="text/plain"),
        shared_with=Shared.SME,
    )
    sme = client_for(people.sme_x)
    assert sme.get(reverse("intake:attachment", args=[internal.pk])).status_code == 404
    assert sme.get(reverse("intake:attachment", args=[shared.pk])).status_code == 200
    api = f"/api/v1/intake/questions/{question.pk}/attachments"
    names = [item["name"] for item in sme.get(api).json()]
    assert names == ["brochure.txt"]
    assert sme.get(f"{api}/{internal.pk}").status_code == 404
    page = sme.get(reverse("intake:detail", args=[question.pk])).content.decode()
    assert "notes.txt" not in page and "brochure.txt" in page
    advisor = client_for(people.advisor_a)
    assert advisor.get(reverse("intake:attachment", args=[internal.pk])).status_code == 200


@pytest.fixture
def signed_flow(people: Any) -> Any:
    """A question by Jana Peeters, her conversation, a signed quote and a session."""
    from digihub.funding import demo as funding_demo

    funding_demo.build()
    question, _ = intake.register_question(
        actor=people.advisor_a,
        data=intake.Registration(
            enterprise_number=people.company_x.enterprise_number,
            company_name="X",
            postcode="3000",
            city="Leuven",
            first_name="Jana",
            last_name="Peeters",
            email="jana@x.example",
            phone="0470 123 456",
            text="Vraag van Jana Peeters",
            consent=True,
        ),
    )
    intake.take_question(actor=people.advisor_a, question=question)
    intake.record_conversation(
        actor=people.advisor_a,
        question=question,
        held_on=timezone.localdate(),
        participants="Jana Peeters, adviseur",
        notes="Jana belt terug op 0470 123 456",
        attachments=[SimpleUploadedFile("jana.txt", b"cv", content_type="text/plain")],
    )
    t = intake.decide_trajectory(
        actor=people.advisor_a, question=question, partner=people.partner_p.partner, reason="VUB"
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
        actor=people.sme_x, quote=quote, signer_name="Jana Peeters", pdf_sha256=quote.pdf_sha256
    )
    start = timezone.now() + dt.timedelta(days=2)
    trajectories.plan_session(
        actor=people.partner_p,
        trajectory=t,
        title="Testdag",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        participants="Jana Peeters",
    )
    return question


@pytest.mark.django_db
def test_row09_export_holds_every_copy_and_erasure_reaches_them(
    people: Any, signed_flow: Any, client_for: Any
) -> None:
    contact = signed_flow.contact
    exported = export_contact(contact)
    assert [q["reference"] for q in exported["questions"]] == [signed_flow.reference]
    assert exported["conversations"][0]["participants"].startswith("Jana Peeters")
    assert exported["signatures"][0]["signed_by"] == "Jana Peeters"
    assert exported["sessions"][0]["participants"] == "Jana Peeters"
    attachment = Attachment.objects.get(question=signed_flow)

    erase_contact(actor=people.coordinator, contact=contact, reason="request of 3 March")

    texts: list[str] = []
    for c in signed_flow.conversations.all():
        texts += [c.participants, c.notes]
    for q in signed_flow.company.trajectories.get().quotes.all():
        texts.append(q.signed_by_name)
    for e in AuditEvent.objects.filter(company=people.company_x):
        texts += [e.summary, e.reason, e.actor_label]
    t = signed_flow.company.trajectories.get()
    texts += [s.participants for s in t.sessions.all()]
    texts += [s.reason for s in t.spans.all()]
    joined = "\n".join(texts)
    assert "Jana" not in joined and "Peeters" not in joined and "0470 123 456" not in joined
    advisor = client_for(people.advisor_a)
    assert advisor.get(reverse("intake:attachment", args=[attachment.pk])).status_code == 404
    # Counts and amounts stay: the rows are still there.
    assert signed_flow.conversations.count() == 1 and t.quotes.filter(status="signed").exists()


@pytest.mark.django_db
def test_row11_sme_cannot_move_renumber_or_resize_its_company(people: Any, client_for: Any) -> None:
    company = people.company_x
    chamber, number, size = company.chamber_id, company.enterprise_number, company.size_class
    client = client_for(people.sme_x)
    url = f"/api/v1/companies/{company.pk}"
    for change in (
        {"postcode": "2000"},
        {"employees": 900, "turnover": "400000000", "balance_total": "300000000"},
    ):
        response = client.patch(url, change, content_type="application/json")
        assert response.status_code == 422, (change, response.content)
        company.refresh_from_db()
        assert (company.chamber_id, company.enterprise_number, company.size_class) == (
            chamber,
            number,
            size,
        )
    # Every path goes through the same service: the page's form and the service itself refuse too.
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        companies.company_update(
            actor=people.sme_x, company=company, data={"enterprise_number": "0417497106"}
        )
    page = client.post(
        reverse("companies:edit", args=[company.pk]),
        {"enterprise_number": "0417497106", "name": company.name, "postcode": "2000"},
    )
    company.refresh_from_db()
    assert page.status_code in (200, 400) and company.enterprise_number == number
    assert company.chamber_id == chamber
    ok = client.patch(url, {"street": "Nieuwstraat 1"}, content_type="application/json")
    assert ok.status_code == 200
    event = AuditEvent.objects.filter(action="company.updated", target_id=str(company.pk)).get()
    assert event.actor == people.sme_x and "street" in event.data
    # The chamber's advisor changes a postcode within the chamber, not into another one.
    with pytest.raises(Exception, match="another chamber"):
        companies.company_update(actor=people.advisor_a, company=company, data={"postcode": "2000"})
    moved = companies.company_update(
        actor=people.coordinator, company=company, data={"postcode": "2000"}, reason="moved"
    )
    assert moved.chamber_id != chamber
