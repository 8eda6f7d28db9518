"""The EDIH KPI export read back (XLSX, CSV, API) and checked against counts made by hand."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from digihub.assessments import services
from digihub.companies.models import Contact
from digihub.funding import demo as funding_demo
from digihub.intake import services as intake
from digihub.trajectories import services as trajectories
from digihub.trajectories.models import Trajectory

from .factories import make_company
from .test_assessments import answer_all

pytestmark = pytest.mark.usefixtures("english")  # texts are read back in English


def run(company: Any, advisor: Any, partner: Any, service_type: str, complete: bool) -> Trajectory:
    q, _ = intake.register_question(
        actor=None,
        data=intake.Registration(
            enterprise_number=company.enterprise_number,
            company_name=company.name,
            postcode=company.postcode,
            city=company.city,
            first_name="Sam",
            last_name="Smet",
            email=f"sam@{company.pk}.example",
            text="Digitalisering",
            consent=True,
        ),
    )
    intake.take_question(actor=advisor, question=q)
    intake.record_conversation(
        actor=advisor,
        question=q,
        held_on=timezone.localdate(),
        participants="Sam",
        concrete_questions="?",
    )
    t = intake.decide_trajectory(
        actor=advisor,
        question=q,
        partner=partner.partner,
        reason="lab",
        service_type=service_type,
    )
    quote = trajectories.save_quote(
        actor=partner,
        trajectory=t,
        scope="Analyse",
        methodology="Lab",
        valid_until=timezone.localdate() + dt.timedelta(days=30),
        lines=[{"description": "Analyse", "days": "2", "day_rate": "1000"}],
    )
    trajectories.issue_quote(actor=partner, quote=quote)
    trajectories.upload_signed_copy(
        actor=advisor,
        quote=quote,
        signer_name="zaakvoerder",
        upload=SimpleUploadedFile("s.pdf", b"%PDF-1.4\n%x\n", content_type="application/pdf"),
    )
    if complete:
        trajectories.deliver_advice(
            actor=partner,
            trajectory=t,
            kind="action_plan",
            delivered_on=timezone.localdate(),
            summary="Plan",
        )
        trajectories.complete(actor=partner, trajectory=t, final_cost=Decimal("2000"))
    return Trajectory.objects.get(pk=t.pk)


def t0_of(advisor: Any, company: Any, pick: str) -> Any:
    a = services.start_assessment(actor=advisor, company=company, by_advisor=True)
    answer_all(a, pick, actor=advisor)
    return services.submit(assessment=a, actor=advisor)


@pytest.fixture
def scene(people: Any) -> Any:
    """Hub A: SME X (test before invest, completed, T0 all-min → T1 all-max, survey 4,
    EUR 50,000 invested) and the municipality of Bertem (skills, in execution, T0 all-max, one
    training of 12). Hub B: SME Y (in execution, T0 all-min) — never counted for hub A."""
    funding_demo.build()
    town = make_company(name="Gemeente Bertem", legal_form="GEM", postcode="3060", city="Bertem")
    for company in (people.company_x, town, people.company_y):
        Contact.objects.create(
            company=company, first_name="C", last_name="D", email=f"c@{company.pk}.example"
        )
    t0_of(people.advisor_a, people.company_x, "min")
    tx = run(people.company_x, people.advisor_a, people.partner_p, "test_before_invest", True)
    t1 = services.Assessment.objects.get(trajectory=tx, moment="t1")
    answer_all(t1, "max")
    services.submit(assessment=t1, via_link=True)
    trajectories.answer_survey(actor=people.sme_x, trajectory=tx, score=4)
    services.record_investment(actor=people.advisor_a, trajectory=tx, amount=Decimal("50000"))
    t0_of(people.advisor_a, town, "max")
    tt = run(town, people.advisor_a, people.partner_p, "skills", False)
    session = trajectories.plan_session(
        actor=people.partner_p,
        trajectory=tt,
        title="Opleiding",
        starts_at=timezone.now() - dt.timedelta(hours=3),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )
    services.record_attendance(actor=people.partner_p, session=session, attendees=12)
    t0_of(people.advisor_b, people.company_y, "min")
    run(people.company_y, people.advisor_b, people.partner_q, "investment", False)
    people.town, people.tx, people.tt = town, tx, tt
    return people


@pytest.mark.django_db
def test_kpi_export_reads_back_the_hand_counts(scene: Any, client_for: Any) -> None:
    hub = scene.tx.hub
    client = client_for(scene.coordinator)
    query = f"?hub={hub.pk}"
    response = client.get(reverse("assessments:kpi_download", args=["xlsx"]) + query)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = {
        row[2]: row[3]
        for row in book[book.sheetnames[0]].iter_rows(min_row=3, values_only=True)
        if row[2]
    }
    assert rows["customers"] == 2 and rows["trajectories"] == 2
    assert rows["kind.sme"] == 1 and rows["kind.public"] == 1
    assert rows["service.test_before_invest.trajectories"] == 1
    assert rows["service.test_before_invest.completed"] == 1
    assert rows["service.skills.trajectories"] == 1
    assert "service.investment.trajectories" not in rows  # hub B's service
    assert rows["training.sessions"] == 1 and rows["training.attendees"] == 12
    assert rows["dma.t0_customers"] == 2 and rows["dma.t0_rate"] == 1
    assert rows["dma.completed"] == 1 and rows["dma.t1_coverage"] == 1
    assert rows["change.overall"] == 100 and rows["change.overall.pairs"] == 1
    for code in ("strategy", "readiness", "human", "data", "automation", "green"):
        assert rows[f"change.{code}"] == 100
    assert rows["band.t0.basic"] == 1 and rows["band.t0.advanced"] == 1
    assert rows["band.t1.advanced"] == 1
    assert rows["investment.total"] == 50000 and rows["investment.count"] == 1
    assert rows["satisfaction.mean"] == 4 and rows["satisfaction.count"] == 1
    assert isinstance(rows["customers"], int) and isinstance(rows["investment.total"], int | float)

    micro = book[book.sheetnames[1]]
    header = [c.value for c in micro[1]]
    data = [
        dict(zip(header, (c.value for c in row), strict=True)) for row in micro.iter_rows(min_row=2)
    ]
    assert sorted(r["customer"] for r in data) == ["Bedrijf X", "Gemeente Bertem"]
    x = next(r for r in data if r["customer"] == "Bedrijf X")
    town = next(r for r in data if r["customer"] == "Gemeente Bertem")
    assert (x["t0_overall"], x["t1_overall"], x["t1_band"]) == (0, 100, "advanced")
    assert x["t0_strategy"] == 0 and x["t1_green"] == 100 and x["satisfaction"] == 4
    assert town["customer_kind"] == "public" and town["service_type"] == "skills"
    assert town["t0_interoperability"] == 100 and town["t0_automation"] is None
    assert town["t1_overall"] is None

    # CSV: the same figures, as text
    text = client.get(reverse("assessments:kpi_download", args=["csv"]) + query).content.decode()
    by_code = {
        row["code"]: row["value"] for row in csv.DictReader(io.StringIO(text), delimiter=";")
    }
    assert by_code["customers"] == "2" and by_code["training.attendees"] == "12"
    micro_csv = client.get(reverse("assessments:kpi_download", args=["micro.csv"]) + query)
    assert len(list(csv.DictReader(io.StringIO(micro_csv.content.decode()), delimiter=";"))) == 2

    # API: the same figures as JSON
    api = client.get(f"/api/v1/maturity/kpi?hub_id={hub.pk}").json()
    assert api["customers"] == 2 and api["customers_by_kind"] == {"public": 1, "sme": 1}
    assert (
        Decimal(str(api["t1_coverage"])) == 1
        and Decimal(str(api["investment_facilitated"])) == 50000
    )
    assert {r["code"]: Decimal(str(r["change"])) for r in api["change_per_dimension"]}[
        "data"
    ] == 100
    rows_api = client.get(f"/api/v1/maturity/kpi/micro-data?hub_id={hub.pk}").json()
    assert len(rows_api) == 2

    # All hubs: hub B's customer counts too
    everything = client.get("/api/v1/maturity/kpi").json()
    assert (
        everything["customers"] == 3 and everything["services"]["investment"]["trajectories"] == 1
    )


@pytest.mark.django_db
def test_advisor_sees_only_its_chamber(scene: Any, client_for: Any) -> None:
    api = client_for(scene.advisor_b).get("/api/v1/maturity/kpi").json()
    assert api["customers"] == 1 and api["customers_by_kind"] == {"sme": 1}
    assert client_for(scene.sme_x).get("/api/v1/maturity/kpi").status_code == 403
    page = client_for(scene.advisor_a).get(reverse("assessments:hub"))
    assert page.status_code == 200 and b"Services by type" in page.content
    report_chart = client_for(scene.advisor_a).get(
        reverse("assessments:hub_chart") + "?chart=change"
    )
    assert report_chart.status_code == 200 and b"<svg" in report_chart.content
