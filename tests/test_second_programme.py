"""A second programme, configured through the admin only — a Walloon hub with its own province,
chamber, partner, postcode area, funding sources, rates per service type, budgets and payee —
runs the whole chain (question, decision, quote, signature, payment, completion, T1) without
any change of code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from digihub.accounts.roles import Role
from digihub.assessments.models import Assessment
from digihub.companies.models import Company
from digihub.funding import demo as funding_demo
from digihub.funding.models import (
    EntryKind,
    FundingSource,
    HubBudget,
    LedgerEntry,
    Payee,
    PaymentRequest,
    Programme,
    ProjectType,
)
from digihub.intake import services as intake
from digihub.network.models import Chamber, Hub, KnowledgePartner, Province
from digihub.trajectories import services as trajectories

from .factories import UserFactory

pytestmark = pytest.mark.usefixtures("english")  # texts are read back in English


def admin_add(client: Any, model: str, data: dict[str, Any]) -> None:
    """Fill in the admin's add form like a person would: every inline left empty."""
    url = f"/admin/{model}/add/"
    page = client.get(url)
    assert page.status_code == 200, url
    post = dict(data)
    for inline in page.context.get("inline_admin_formsets", []):
        management = inline.formset.management_form
        for name, field in management.fields.items():
            post[f"{management.prefix}-{name}"] = management.initial.get(name, field.initial) or 0
    response = client.post(url, post)
    errors = getattr(response, "context", None) and response.context.get("errors")
    assert response.status_code == 302, (url, errors)


@pytest.mark.django_db
def test_a_walloon_programme_configured_in_the_admin_runs_the_whole_chain(
    people: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    funding_demo.build()  # the Flemish programme exists; the new one must not disturb it
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)

    # The network: province, chamber, partner, hub and its postcodes -----------------------
    # The Belgian provinces are reference data already; Liège has no hub yet.
    province = Province.objects.get(code="LIE")
    admin_add(
        client,
        "network/chamber",
        {"name": "CCI Liège-Verviers-Namur", "short_name": "CCI LVN", "city": "Liège"},
    )
    chamber = Chamber.objects.get(short_name="CCI LVN")
    admin_add(
        client,
        "network/knowledgepartner",
        {
            "name": "Université de Liège",
            "short_name": "ULiège",
            "kind": "university",
            "capacity": 5,
            "active": "on",
        },
    )
    partner = KnowledgePartner.objects.get(short_name="ULiège")
    admin_add(
        client,
        "network/hub",
        {
            "name": "EDIH Wallonie — Liège",
            "province": province.pk,
            "chamber": chamber.pk,
            "partners": [partner.pk],
        },
    )
    hub = Hub.objects.get(province=province)
    admin_add(
        client,
        "network/postcodearea",
        {"start": 4000, "end": 4099, "province": province.pk, "chamber": chamber.pk, "hub": hub.pk},
    )

    # The programme: sources, rates per project type, a service type funded its own way ----
    admin_add(
        client,
        "funding/fundingsource",
        {
            "code": "feder_wal",
            "name_nl": "FEDER Wallonië",
            "payer": "eu",
            "is_subsidy": "on",
            "order": 1,
        },
    )
    admin_add(
        client,
        "funding/fundingsource",
        {
            "code": "wallonie",
            "name_nl": "Waals Gewest",
            "payer": "region",
            "is_subsidy": "on",
            "order": 2,
        },
    )
    today = timezone.localdate()
    admin_add(
        client,
        "funding/programme",
        {
            "code": "edih-wallonie",
            "name": "EDIH Wallonie 2025–2027",
            "start": (today - dt.timedelta(days=30)).isoformat(),
            "end": (today + dt.timedelta(days=700)).isoformat(),
            "de_minimis_ceiling": "300000.00",
            "de_minimis_years": 3,
            "payment_term_days": 45,
            "reminder_days_before": 5,
            "reminder_days_after": 7,
            "declared": "{}",
        },
    )
    programme = Programme.objects.get(code="edih-wallonie")
    admin_add(
        client,
        "funding/projecttype",
        {
            "programme": programme.pk,
            "number": 2,
            "kind": "guidance",
            "name_nl": "Begeleiding",
            "new_rates": "feder_wal=0.50; wallonie=0.25; private_sme=0.25",
        },
    )
    admin_add(
        client,
        "funding/projecttype",
        {
            "programme": programme.pk,
            "number": 3,
            "kind": "guidance",
            "name_nl": "Opleiding",
            "new_rates": "feder_wal=0.50; wallonie=0.50",
        },
    )
    guidance = ProjectType.objects.get(programme=programme, number=2)
    training = ProjectType.objects.get(programme=programme, number=3)
    admin_add(
        client,
        "funding/servicefunding",
        {"programme": programme.pk, "service_type": "skills", "project_type": training.pk},
    )
    for project_type, amount in ((guidance, "200000.00"), (training, "50000.00")):
        admin_add(
            client,
            "funding/hubbudget",
            {
                "programme": programme.pk,
                "hub": hub.pk,
                "project_type": project_type.pk,
                "amount": amount,
                "version": 1,
            },
        )
    assert HubBudget.objects.get(programme=programme, project_type=guidance).amount == Decimal(
        "200000.00"
    )
    admin_add(
        client,
        "funding/payee",
        {
            "programme": programme.pk,
            "name": "EDIH Wallonie ASBL",
            "iban": "BE71096123456769",
            "bic": "",
        },
    )

    # The chain, by the people of the new hub ---------------------------------------------------
    advisor = UserFactory(role=Role.ADVISOR, chamber=chamber)
    staff = UserFactory(role=Role.PARTNER, partner=partner)

    def serve(number: str, name: str, service_type: str) -> Any:
        question, _ = intake.register_question(
            actor=None,
            data=intake.Registration(
                enterprise_number=number,
                company_name=name,
                postcode="4000",
                city="Liège",
                first_name="Claire",
                last_name="Dubois",
                email=f"claire@{number}.example",
                text="Numérisation de notre atelier",
                consent=True,
            ),
        )
        company = Company.objects.get(pk=question.company_id)
        assert company.hub_id == hub.pk and company.province.region == "WAL"
        intake.take_question(actor=advisor, question=question)
        intake.record_conversation(
            actor=advisor,
            question=question,
            held_on=today,
            participants="Claire",
            concrete_questions="?",
        )
        t = intake.decide_trajectory(
            actor=advisor,
            question=question,
            partner=partner,
            reason="expertise",
            service_type=service_type,
        )
        quote = trajectories.save_quote(
            actor=staff,
            trajectory=t,
            scope="Analyse",
            methodology="Lab",
            valid_until=today + dt.timedelta(days=30),
            lines=[{"description": "Analyse", "days": "2", "day_rate": "1000"}],
        )
        trajectories.issue_quote(actor=staff, quote=quote)
        with django_capture_on_commit_callbacks(execute=True):
            trajectories.upload_signed_copy(
                actor=advisor,
                quote=quote,
                signer_name="gérante",
                upload=SimpleUploadedFile(
                    "s.pdf", b"%PDF-1.4\n%x\n", content_type="application/pdf"
                ),
            )
        return t, quote

    def committed(quote: Any) -> dict[str, Decimal]:
        rows = LedgerEntry.objects.filter(kind=EntryKind.COMMIT, document_id=str(quote.pk))
        assert {row.programme_id for row in rows} == {programme.pk}
        return {row.source.code: row.amount for row in rows}

    t_test, q_test = serve("0457456156", "Atelier Meuse SRL", "test_before_invest")
    assert committed(q_test) == {
        "feder_wal": Decimal("1000.00"),
        "wallonie": Decimal("500.00"),
        "private_sme": Decimal("500.00"),
    }
    payment = PaymentRequest.objects.get(document_id=str(q_test.pk))
    assert payment.programme_id == programme.pk and payment.amount == Decimal("500.00")
    assert payment.payee == Payee.objects.get(programme=programme)

    _t_skills, q_skills = serve("0834567808", "Forge Ourthe SA", "skills")
    assert committed(q_skills) == {"feder_wal": Decimal("1000.00"), "wallonie": Decimal("1000.00")}
    assert not PaymentRequest.objects.filter(document_id=str(q_skills.pk)).exists()
    # the quote as the SME reads it splits under its service type as the commitment did
    with mock.patch("digihub.trajectories.services.render_pdf", return_value=b"%PDF") as render:
        trajectories.quote_pdf(q_skills)
    shown = render.call_args.args[1]["split"]
    assert (shown.subsidy, shown.private) == (Decimal("2000.00"), Decimal("0.00"))

    # completion: expenditure on the Walloon budget, and T1 scheduled as anywhere else
    trajectories.deliver_advice(
        actor=staff, trajectory=t_test, kind="action_plan", delivered_on=today, summary="Plan"
    )
    trajectories.complete(actor=staff, trajectory=t_test, final_cost=Decimal("1800"))
    spent = LedgerEntry.objects.filter(kind=EntryKind.SPEND, programme=programme)
    assert sum(e.amount for e in spent) == Decimal("1800.00")
    assert Assessment.objects.get(trajectory=t_test, moment="t1").status == "scheduled"
    # the Flemish programme's budgets were not touched
    assert not LedgerEntry.objects.exclude(programme=programme).exists()
    assert FundingSource.objects.filter(code__in=["feder_wal", "wallonie"]).count() == 2
