"""The main journeys, every role doing its own part, in Dutch (desktop and phone) and English."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone


def submit(page: Any, button: Any) -> None:
    """Click a submit button and wait for the page it leads to."""
    with page.expect_navigation():
        button.click()


def _accept_dialogs(page: Any) -> None:
    page.on("dialog", lambda dialog: dialog.accept())


def _sme_company() -> Any:
    from digihub.accounts.models import User

    return User.objects.get(email="sme@demo.digihub.be").company


def _submit_public_question(s: Any, company: Any, text: str) -> str:
    page = s.page
    page.goto("/questions/ask/")
    s.assert_accessible("public form")
    # The whole form with the keyboard: focus the first field, type, tab on.
    page.locator("#id_enterprise_number").focus()
    page.keyboard.type(company.enterprise_number_display)
    for selector, value in (
        ("#id_company_name", company.name),
        ("#id_postcode", company.postcode),
        ("#id_city", company.city),
        ("#id_first_name", "Karel"),
        ("#id_last_name", "Kmo"),
        ("#id_email", "sme@demo.digihub.be"),
        ("#id_text", text),
    ):
        page.locator(selector).focus()
        page.keyboard.type(value)
    page.locator("#id_consent").focus()
    page.keyboard.press("Space")
    s.shot("01-public-form")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("versturen|Send", re.I)).press("Enter")
    body = page.locator("main").inner_text()
    reference = re.search(r"DH-\d{4}-\d+", body)
    assert reference, body
    s.assert_accessible("thanks")
    return reference.group(0)


def test_question_to_completed_trajectory(demo: None, session: Any) -> None:
    company = _sme_company()
    sme = session(locale="nl-BE", phone=True)
    _accept_dialogs(sme.page)
    reference = _submit_public_question(
        sme, company, "We willen onze productie opvolgen met sensoren."
    )

    # The advisor takes the question, records the exploratory conversation and chooses a partner.
    advisor = session(locale="nl-BE")
    _accept_dialogs(advisor.page)
    page = advisor.login("advisor@demo.digihub.be")
    page.goto("/questions/?tab=new")
    advisor.assert_accessible("advisor queue")
    advisor.shot("02-advisor-queue")
    page.get_by_role("link", name=reference).click()
    submit(page, page.get_by_role("button", name=re.compile("opnemen", re.I)))
    page.locator("#conv_participants").fill("Karel Kmo, Anke Adviseur")
    page.locator("#conv_current_situation").fill("Opvolging op papier")
    page.locator("#conv_desired_situation").fill("Realtime zicht op de productie")
    page.locator("#conv_concrete_questions").fill("Welke sensoren passen bij onze machines?")
    submit(page, page.get_by_role("button", name=re.compile("Gesprek opslaan", re.I)))
    page.get_by_text(re.compile("Een traject starten met een kennispartner")).click()
    partner_select = page.locator("#traj_partner")
    before = partner_select.locator("option").count()
    # The partner list is searchable: typing narrows the options.
    page.locator("#traj_partner-filter").fill("vub")
    assert 1 < partner_select.locator("option").count() < before
    partner_select.select_option(
        value=partner_select.locator("option", has_text="VUB").first.get_attribute("value")
    )
    page.locator("#traj_reason").fill("AI-lab van de VUB past bij de vraag")
    page.locator("#traj_ask_validation").check()
    submit(page, page.locator("form[action$='/decide/trajectory/'] button[type=submit]"))
    advisor.assert_accessible("question detail")
    advisor.shot("03-question-detail")

    # The officer validates the choice; the trajectory opens.
    officer = session(locale="nl-BE")
    _accept_dialogs(officer.page)
    page = officer.login("officer@demo.digihub.be")
    page.goto("/questions/validations/")
    officer.assert_accessible("validations")
    page.get_by_role("link", name=reference).click()
    page.locator("#val_comment").fill("Akkoord")
    submit(page, page.get_by_role("button", name="Goedkeuren"))

    from digihub.trajectories.models import Trajectory

    trajectory = Trajectory.objects.get(question__reference=reference)

    # The partner writes the quote and sends it to the SME.
    partner = session(locale="nl-BE")
    _accept_dialogs(partner.page)
    page = partner.login("partner@demo.digihub.be")
    page.goto("/trajectories/partner/")
    partner.assert_accessible("partner workspace")
    partner.shot("04-partner-workspace")
    page.goto(f"/trajectories/{trajectory.pk}/quotes/new/")
    page.locator("#id_scope").fill(
        "Technische analyse van de productielijn en twee testdagen in het lab."
    )
    page.locator("#id_valid_until").fill((timezone.localdate() + dt.timedelta(days=30)).isoformat())
    page.locator("#id_lines-0-description").fill("Analyse en testdagen")
    page.locator("#id_lines-0-days").fill("4")
    page.locator("#id_lines-0-day_rate").fill("1000")
    partner.assert_accessible("quote form")
    submit(page, page.get_by_role("button", name="Ontwerp opslaan"))
    submit(page, page.get_by_role("button", name=re.compile("Naar de kmo sturen")))

    # The SME signs on its phone and sees what it pays.
    page = sme.login("sme@demo.digihub.be")
    page.goto(f"/trajectories/{trajectory.pk}/")
    sme.assert_accessible("trajectory for the SME")
    page.locator("#sign_signer_name").fill("Karel Kmo")
    page.locator("#sign_agree").check()
    sme.shot("05-sme-sign")
    submit(page, page.get_by_role("button", name="De offerte ondertekenen"))
    page.goto("/trajectories/mine/")
    pays = page.locator("main").inner_text()
    assert "€" in pays and "1.200,00" in pays and "+++" in pays, pays
    sme.assert_accessible("SME workspace")
    sme.shot("06-sme-workspace")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the SME's workspace scrolls sideways on a phone ({width}px)"

    # The partner plans a test day, downloads the invitation, delivers the advice and completes.
    page = partner.page
    page.goto(f"/trajectories/{trajectory.pk}/")
    # Planning is the next step: the primary button, with its form already open.
    assert page.locator(".next-step a.btn").inner_text() == "Een testdag of sessie plannen"
    page.locator(".next-step a.btn").click()
    start = (timezone.localtime() + dt.timedelta(days=5)).replace(hour=9, minute=0)
    page.locator("#session_kind").select_option("test_day")
    page.locator("#session_title").fill("Testdag in het lab")
    page.locator("#session_starts_at").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#session_ends_at").fill(
        (start + dt.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M")
    )
    submit(page, page.get_by_role("button", name="Plannen en uitnodigen"))
    with page.expect_download() as download:
        page.get_by_role("link", name=".ics").first.click()
    from pathlib import Path

    assert "BEGIN:VEVENT" in Path(download.value.path()).read_text(encoding="utf-8")
    page.locator("#advice_summary").fill(
        "1. Sensoren op drie machines. 2. Dashboard. 3. Opleiding."
    )
    submit(page, page.get_by_role("button", name="Afleveren", exact=True))
    assert page.locator("#complete_final_cost").count() == 1, page.locator(".messages").inner_text()
    page.locator("#complete_final_cost").fill("3800")
    submit(page, page.get_by_role("button", name="Het traject afronden"))
    trajectory.refresh_from_db()
    assert trajectory.phase == "completed"
    partner.assert_accessible("completed trajectory")

    # The SME answers the survey.
    page = sme.page
    page.goto(f"/trajectories/{trajectory.pk}/")
    page.locator("label[for='survey_score_4']").click()
    page.locator("#survey_comment").fill("Heel nuttig")
    submit(page, page.get_by_role("button", name="Versturen"))
    assert "5/5" in page.locator("main").inner_text() or "5" in page.locator("main").inner_text()

    # The coordinator opens the dashboard and downloads the answer as PDF and Word.
    coordinator = session(locale="nl-BE")
    page = coordinator.login("coordinator@demo.digihub.be")
    page.goto("/reports/")
    coordinator.assert_accessible("report")
    coordinator.shot("07-report")
    progress = page.locator("#download-progress")
    for label, magic in (("PDF (Nederlands)", b"%PDF"), ("Word (Nederlands)", b"PK")):
        with page.expect_download() as download:
            page.get_by_role("link", name=label).click()
            assert progress.is_visible()  # shown while the server builds the document
        assert Path(download.value.path()).read_bytes().startswith(magic)
        progress.wait_for(state="hidden")


def test_question_ends_in_a_referral_in_english(demo: None, session: Any) -> None:
    company = _sme_company()
    sme = session(locale="en-GB")
    reference = _submit_public_question(sme, company, "Which accounting package should we buy?")
    advisor = session(locale="en-GB", phone=True)
    _accept_dialogs(advisor.page)
    page = advisor.login("advisor@demo.digihub.be")
    page.goto("/questions/?tab=new")
    page.get_by_role("link", name=reference).click()
    submit(page, page.get_by_role("button", name=re.compile("Take this question")))
    page.locator("#conv_participants").fill("Karel, Anke")
    submit(page, page.get_by_role("button", name="Save conversation"))
    page.get_by_text("No trajectory: another route").click()
    page.locator("label", has_text="Referral within the funding agency").click()
    page.locator("#route_reason").fill("The SME portfolio fits better")
    submit(page, page.locator("form[action$='/decide/route/'] button[type=submit]"))
    advisor.assert_accessible("decided question on a phone")
    advisor.shot("08-referral-phone")
    from digihub.intake.models import Question

    question = Question.objects.get(reference=reference)
    assert question.decision == "no_trajectory" and question.route == "agency_referral"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the advisor's question page scrolls sideways on a phone ({width}px)"


def test_advisor_finds_a_known_company_while_registering(demo: None, session: Any) -> None:
    company = _sme_company()
    advisor = session(locale="nl-BE", phone=True)
    page = advisor.login("advisor@demo.digihub.be")
    page.goto("/questions/new/")
    page.locator("#company-lookup").fill(company.name[:6])
    result = page.locator("#company-lookup-results button", has_text=company.name).first
    result.wait_for()
    advisor.assert_accessible("register with lookup")
    result.click()
    assert page.locator("#id_enterprise_number").input_value() == company.enterprise_number_display
    assert page.locator("#id_postcode").input_value() == company.postcode
