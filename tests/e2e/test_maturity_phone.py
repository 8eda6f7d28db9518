"""A customer fills in the T0 maturity assessment through its link, on a phone, in French: the
answers are saved as they go, a reload halfway resumes where it stopped, and the result is shown
after submitting."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

PHONE_WIDTH = 390


def _invited_t0() -> Any:
    from digihub.assessments.models import Assessment, FilledBy, Moment, Status

    a = (
        Assessment.objects.filter(
            moment=Moment.T0, status=Status.INVITED, filled_by=FilledBy.CUSTOMER
        )
        .order_by("pk")
        .first()
    )
    assert a is not None, "the demo data sends one T0 link that is not answered yet"
    return a


def _fits_the_phone(page: Any, where: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{where} scrolls sideways on a phone ({width}px)"


def _answer(page: Any, question: Any) -> None:
    """Tick the first choice of a question and wait until the page has saved it."""
    choice = question.locator("input[type=radio], input[type=checkbox]").first
    with page.expect_response(
        lambda r: "/maturity/fill/" in r.url and r.request.method == "POST"
    ) as saved:
        choice.check()
    assert saved.value.status == 200, saved.value.text()
    # htmx swaps the answer in after the response has arrived: wait for it, do not race it.
    expect(page.locator("#save-status")).to_have_text(re.compile(r"\d{1,2}:\d{2}"))


def _french(text: str) -> str:
    from django.utils import translation

    with translation.override("fr"):
        return translation.gettext(text)


def test_customer_fills_t0_on_a_phone_in_french(demo: None, session: Any) -> None:
    from digihub.assessments.links import make_token
    from digihub.assessments.models import Answer, Status

    a = _invited_t0()
    first = a.questionnaire.dimensions.order_by("order").first()
    link = f"/maturity/fill/{a.pk}/{make_token(a)}/"
    customer = session(locale="fr-BE", phone=True)  # the browser asks for French
    page = customer.page
    page.goto(link)
    assert page.locator("html").get_attribute("lang") == "fr"
    # The texts come from the French catalogue, whatever it holds today.
    assert page.locator("h1").inner_text() == _french(first.name)
    customer.assert_accessible("maturity assessment, first part, French phone")
    customer.shot("maturity-fr-phone")

    steps = page.locator(".dma-steps li").count() - 1  # the last step is the review
    assert steps == 6
    for part in range(1, steps + 1):
        assert f"?d={part}" in page.url or (part == 1 and "?d=" not in page.url)
        _fits_the_phone(page, f"part {part}")
        questions = page.locator("fieldset.dma-question")
        count = questions.count()
        assert count >= 1
        halfway = part == 3
        for index in range(count):
            _answer(page, questions.nth(index))
            if halfway and index == 0:
                # The customer stops here and comes back: what was saved is there again.
                assert Answer.objects.filter(assessment=a).exists()
                page.reload()
                assert page.locator("html").get_attribute("lang") == "fr"
                questions = page.locator("fieldset.dma-question")
                resumed = questions.nth(0).locator("input:checked")
                assert resumed.count() == 1, "the saved answer is not shown after a reload"
        with page.expect_navigation():
            page.locator("form button[name=next]").click()

    # The review: every part answered; submitting shows the result.
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator(".dma-review .badge.warn").count() == 0
    customer.assert_accessible("maturity review, French phone")
    _fits_the_phone(page, "the review")
    submit = page.locator("main form button[type=submit]")
    assert submit.inner_text() == _french("Submit my answers")
    with page.expect_navigation():
        submit.click()
    a.refresh_from_db()
    assert a.status == Status.SUBMITTED and a.overall is not None
    result = page.locator(".dma")
    assert str(round(a.overall)) in result.locator("strong").inner_text()
    assert result.locator("li").count() == 6  # the score of each dimension
    assert page.locator("html").get_attribute("lang") == "fr"
    customer.assert_accessible("maturity result, French phone")
    customer.shot("maturity-fr-phone-result")
    _fits_the_phone(page, "the result")
