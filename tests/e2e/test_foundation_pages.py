from __future__ import annotations

from typing import Any


def test_advisor_browses_companies_in_dutch_and_english(demo: None, session: Any) -> None:
    s = session(locale="nl-BE")
    page = s.login("advisor@demo.digihub.be")
    assert page.locator("h1").first.inner_text().startswith("Welkom")
    s.assert_accessible("home")
    page.get_by_role("link", name="Bedrijven").first.click()
    page.wait_for_url("**/companies/")
    s.assert_accessible("companies")
    page.locator("table tbody tr a").first.click()
    page.wait_for_url("**/companies/*/")
    s.assert_accessible("company detail")
    # Switch the language with the keyboard.
    page.locator("button[name=language][value=en]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Companies").count() >= 1


def test_company_list_on_a_phone(demo: None, session: Any) -> None:
    s = session(locale="nl-BE", phone=True)
    page = s.login("advisor@demo.digihub.be")
    page.goto("/companies/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"page scrolls sideways on a phone ({width}px)"
    s.assert_accessible("companies on phone")
