"""Event texts are kept as message ids and parameters: an event written while one language is
active reads in each reader's own language on the pages that show it (timelines, the payment
page, the admin's event list)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from importlib import import_module
from typing import Any

import pytest
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from digihub.audit.models import AuditEvent
from digihub.core.notifications import msgid_of, shown_summary
from digihub.funding import demo as funding_demo

from .factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def admin_client(client: Any, people: Any) -> Any:
    from digihub.accounts.roles import Role

    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    return client


def _dutch_and_english(event: AuditEvent) -> tuple[str, str]:
    with translation.override("nl"):
        dutch = shown_summary(event.summary, event.data)
    with translation.override("en"):
        english = shown_summary(event.summary, event.data)
    return dutch, english


def _trajectory(people: Any) -> Any:
    from digihub.intake import services as intake

    question, _created = intake.register_question(
        actor=None,
        data=intake.Registration(
            enterprise_number=people.company_x.enterprise_number,
            company_name="X",
            postcode="3000",
            city="Leuven",
            first_name="Ann",
            last_name="Smet",
            email="ann@x.example",
            text="Sensors on the line",
            consent=True,
        ),
    )
    intake.take_question(actor=people.advisor_a, question=question)
    intake.record_conversation(
        actor=people.advisor_a,
        question=question,
        held_on=timezone.localdate(),
        participants="Ann Smet",
        current_situation="On paper",
        desired_situation="Real time",
        concrete_questions="Which sensors?",
    )
    return intake.decide_trajectory(
        actor=people.advisor_a, question=question, partner=people.partner_p.partner, reason="lab"
    )


def test_payment_event_written_in_dutch_reads_in_english(people: Any, client_for: Any) -> None:
    from digihub.funding import payments
    from digihub.funding.models import PaymentRequest, Programme

    funding_demo.build()
    request = PaymentRequest.objects.create(
        company=people.company_x,
        programme=Programme.objects.first(),
        hub=people.company_x.hub,
        amount=Decimal("250.00"),
        structured_communication="000000999997",
        due_date=timezone.localdate() + dt.timedelta(days=30),
    )
    with translation.override("nl"):
        payments.cancel_request(actor=people.coordinator, request=request, reason="Vergissing")
    event = AuditEvent.objects.get(action="funding.payment_cancelled")
    dutch, english = _dutch_and_english(event)
    assert english == f"Payment request {request} cancelled"
    page = client_for(people.coordinator).get(reverse("funding:payment_detail", args=[request.pk]))
    assert english in page.content.decode()
    if dutch != english:  # the Dutch catalogue has it
        assert dutch not in page.content.decode()


def test_assessment_and_register_events_read_in_english_on_the_timelines(
    people: Any, client_for: Any
) -> None:
    from digihub.assessments.services import record_investment

    funding_demo.build()
    t = _trajectory(people)
    with translation.override("nl"):
        record_investment(actor=people.advisor_a, trajectory=t, amount=Decimal("12000"))
    page = client_for(people.advisor_a).get(reverse("trajectories:detail", args=[t.pk]))
    assert "Investment facilitated: – → €12,000.00" in page.content.decode()


def test_imported_question_event_reads_in_english_on_its_page(people: Any, client_for: Any) -> None:
    from digihub.intake.models import Question
    from digihub.registry import registers

    from .test_register_import import MAPPING, questions_file

    funding_demo.build()
    people.advisor_a.email = "adv@a.example"
    people.advisor_a.save(update_fields=["email"])
    header, rows = registers.read_table("register.xlsx", questions_file())
    with translation.override("nl"):
        registers.run_import(
            actor=people.coordinator,
            hub=people.company_x.hub,
            kind="questions",
            header=header,
            rows=rows,
            mapping=MAPPING,
            dry_run=False,
        )
    question = Question.objects.get(text="ERP kiezen")
    page = client_for(people.advisor_a).get(reverse("intake:detail", args=[question.pk]))
    assert f"Question {question.reference} imported from the hub&#x27;s register" in page.text
    hub_event = AuditEvent.objects.get(action="registry.register_imported")
    assert _dutch_and_english(hub_event)[1] == (
        "Register imported (Questions): 2 created, 0 changed, 2 refused"
    )


def test_events_without_a_timeline_read_in_english_in_the_admin(
    people: Any, admin_client: Any
) -> None:
    """Budgets, companies, contacts, partners and declared relations: the admin's event list."""
    from digihub.companies.services import contact_create
    from digihub.funding.models import HubBudget
    from digihub.funding.services import set_budget
    from digihub.matching.models import RelationKind
    from digihub.matching.services import declare_relation
    from digihub.network.services import partner_update

    funding_demo.build()
    budget = HubBudget.objects.select_related("hub", "project_type").first()
    assert budget is not None
    with translation.override("nl"):
        set_budget(
            actor=people.coordinator, budget=budget, amount=budget.amount + 1000, reason="Meer"
        )
        contact_create(
            actor=people.coordinator,
            company=people.company_x,
            data={"first_name": "Lies", "last_name": "Claes", "email": "lies@x.example"},
        )
        partner_update(
            actor=None, partner=people.partner_p.partner, data={"capacity": 7}, themes=None
        )
        declare_relation(
            actor=people.coordinator,
            enterprise_number=people.company_x.enterprise_number,
            kind=RelationKind.values[0],
            knowledge_partner=people.partner_p.partner,
        )
    written = {
        e.action: e
        for e in AuditEvent.objects.filter(
            action__in=[
                "funding.budget_set",
                "contact.created",
                "partner.updated",
                "matching.relation_declared",
            ]
        )
    }
    assert len(written) == 4
    english = {action: _dutch_and_english(e)[1] for action, e in written.items()}
    with translation.override("en"):
        kind = str(RelationKind(RelationKind.values[0]).label)
        budget_name = f"{budget.hub} · {budget.project_type.name_en or budget.project_type.name_nl}"
    assert english["contact.created"] == "Contact Lies Claes added"
    assert (
        english["partner.updated"]
        == f"Knowledge partner {people.partner_p.partner.short_name} updated"
    )
    assert english["matching.relation_declared"] == (
        f"Relation declared: {people.partner_p.partner} – {kind}"
    )
    assert english["funding.budget_set"].startswith(f"Budget {budget_name}: €")
    page = admin_client.get(reverse("admin:audit_auditevent_changelist")).content.decode()
    for text in english.values():
        assert text.replace("'", "&#x27;") in page


def test_erasing_a_contact_also_erases_it_from_the_stored_parameters(people: Any) -> None:
    from digihub.companies.privacy import erase_contact
    from digihub.companies.services import contact_create

    contact = contact_create(
        actor=people.coordinator,
        company=people.company_x,
        data={"first_name": "Lies", "last_name": "Claes", "email": "lies@x.example"},
    )
    erase_contact(actor=people.coordinator, contact=contact, reason="asked for it")
    event = AuditEvent.objects.get(action="contact.created")
    for text in _dutch_and_english(event):
        assert "Lies" not in text and "Claes" not in text


# The demo data, smaller: every event the platform writes keeps its message id.
SMALLER = {"digihub.companies.demo": {"count": 40}, "digihub.intake.demo": {"count": 14}}


def test_every_event_of_the_demo_data_keeps_its_message_id(settings: Any) -> None:
    from digihub.core.management.commands.demo_data import DEMO_MODULES

    settings.DIGIHUB_DEMO_MODE = True
    with (
        translation.override("nl"),
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
    ):
        for name in DEMO_MODULES:
            import_module(name).build(**SMALLER.get(name, {}))
    events = list(AuditEvent.objects.all())
    actions = {e.action for e in events}
    assert len(events) > 50 and {"funding.committed", "company.created"} <= actions
    without = sorted(
        {
            (e.action, e.summary)
            for e in events
            if msgid_of(_stored(e)) is None and not _deliberate_free_text(e)
        }
    )
    assert not without, without[:20]


def _stored(event: AuditEvent) -> Any:
    """The event's text as a message again (its id and parameters), when it was kept so."""
    from digihub.core.notifications import Message

    stored = (event.data or {}).get("summary_msg") or {}
    if not stored.get("id"):
        return event.summary
    text = Message(event.summary, {})
    text.msgid = stored["id"]
    return text


def _deliberate_free_text(event: AuditEvent) -> bool:
    """Texts a person typed (none of the platform's own events are)."""
    return False
