"""Every role, from the link in its e-mail to the step it finished, in Dutch and in English.

Each journey starts where a real person starts: the link in the e-mail the platform sent (read from
``django.core.mail.outbox``: the live server runs in this process), then signing in, then the page
the link names and the one thing to do there. On every page: no sideways scrolling at the width
used (1366 or 390 px), axe-core without serious or critical violations, and the visible text is
collected to find strings of the other language (see ``_leaks``).

Widths alternate per language so that every role is seen at both: in Dutch the advisor and the
partner work at 1366 px and the officer and the SME at 390 px; in English the other way round.
The work between the roles (the exploratory conversation, the decision) is done through the same
services the pages call, to keep the journeys short.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from .conftest import DEMO_PASSWORD

WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
PO = Path(__file__).resolve().parents[2] / "locale" / "nl" / "LC_MESSAGES" / "django.po"


@cache
def _catalogue() -> tuple[dict[str, str], int]:
    """The Dutch catalogue as {English msgid: Dutch msgstr} for plain strings (no placeholders),
    and how many entries are still untranslated or fuzzy (computed from the .po)."""
    from babel.messages.pofile import read_po

    with PO.open("rb") as handle:
        catalog = read_po(handle)
    pairs: dict[str, str] = {}
    untranslated = 0
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy or not all(strings):
            untranslated += 1
            continue
        if isinstance(message.id, str) and "%" not in message.id and "{" not in message.id:
            pairs[message.id] = str(strings[0])
    return pairs, untranslated


def _leaks(texts: set[str], language: str) -> list[str]:
    """Text of the interface in the other language: in the Dutch UI a whole text that is an
    English msgid translated differently; in the English UI a Dutch translation of a msgid.
    Whole text nodes are compared, so a name typed by a user is not mistaken for a leak unless it
    is word for word an interface string."""
    pairs, _ = _catalogue()
    foreign = (
        {en for en, nl in pairs.items() if en != nl}
        if language == "nl"
        else {nl for en, nl in pairs.items() if en != nl}
    )
    return sorted(t for t in texts if t in foreign and re.search(r"[A-Za-z]{3}", t))


TEXTS_JS = """() => {
  const out = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const el = node.parentElement;
    if (!el || el.closest('script, style, template, noscript')) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) out.add(text);
  }
  for (const el of document.querySelectorAll('[aria-label], [placeholder], [title]')) {
    for (const name of ['aria-label', 'placeholder', 'title']) {
      const value = (el.getAttribute(name) || '').trim();
      if (value) out.add(value);
    }
  }
  return [...out];
}"""


class Person:
    def __init__(self, browser: Any, base_url: str, language: str, phone: bool) -> None:
        self.language = language
        self.width = (PHONE if phone else WIDE)["width"]
        self.context = browser.new_context(
            locale="nl-BE" if language == "nl" else "en-GB",
            viewport=PHONE if phone else WIDE,
            base_url=base_url,
            is_mobile=phone,
            has_touch=phone,
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.page.on("dialog", lambda dialog: dialog.accept())
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on(
            "console",
            lambda msg: (
                self.errors.append(msg.text)
                if msg.type == "error" and "Content Security Policy" in msg.text
                else None
            ),
        )
        self.texts: set[str] = set()
        self.pages: list[str] = []

    def look(self, name: str) -> None:
        """The checks of every page: language, no sideways scroll, accessibility; text kept."""
        page = self.page
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == self.language, name
        scroll = page.evaluate("document.documentElement.scrollWidth")
        inner = page.evaluate("window.innerWidth")
        assert scroll <= inner, f"{name} scrolls sideways at {self.width}px ({scroll} > {inner})"
        from .conftest import AXE

        page.evaluate(AXE.read_text())
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [
            (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
            if v.get("impact") in ("serious", "critical")
        ]
        assert not serious, (name, serious)
        self.texts.update(page.evaluate(TEXTS_JS))
        self.pages.append(name)

    def open_link(self, url: str, email: str) -> Any:
        """Follow an e-mail's link while signed out: the login page, then the linked page."""
        page = self.page
        parts = urlsplit(url)
        page.goto(parts.path + (f"?{parts.query}" if parts.query else ""))
        if "/accounts/login/" in page.url:
            page.fill("input[name=login]", email)
            page.fill("input[name=password]", DEMO_PASSWORD)
            with page.expect_navigation():
                page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
        assert parts.path in page.url, (page.url, parts.path)
        return page

    def shot(self, name: str) -> None:
        from .conftest import SCREENSHOTS

        if SCREENSHOTS:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)

    def close(self) -> None:
        assert not self.errors, self.errors
        self.context.close()


def _link(to: str, contains: str) -> str:
    """The link of the newest e-mail to ``to`` whose text names ``contains``."""
    for message in reversed(mail.outbox):
        if to in message.to and contains in message.body:
            found = re.search(r"https?://\S+", message.body)
            assert found, message.body
            return found.group(0)
    raise AssertionError(f"no e-mail to {to} about {contains}: {[m.subject for m in mail.outbox]}")


def _code(to: str) -> str:
    for message in reversed(mail.outbox):
        if to in message.to:
            found = re.search(r"^\s*([A-Z0-9-]{6,9})\s*$", message.body, re.M)
            if found:
                return found.group(1)
    raise AssertionError(f"no login code for {to}")


def _submit(page: Any, button: Any) -> None:
    with page.expect_navigation():
        button.click()


WORDS = {
    "nl": {
        "take": "opnemen",
        "approve": "Goedkeuren",
        "draft": "De offerte opstellen",
        "add": "Regel toevoegen",
        "save": "Ontwerp opslaan",
        "send": "Naar de kmo sturen",
        "sign": "De offerte ondertekenen",
    },
    "en": {
        "take": "Take this question",
        "approve": "Approve",
        "draft": "Draft the quote",
        "add": "Add a line",
        "save": "Save draft",
        "send": "Send to the SME to sign",
        "sign": "Sign the quote",
    },
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_role_from_the_email_link(
    demo: None, browser: Any, live_server: Any, language: str, settings: Any
) -> None:
    from digihub.accounts.models import User
    from digihub.intake import services as intake
    from digihub.intake.models import Question, Status
    from digihub.trajectories.models import Phase, QuoteStatus, Trajectory

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    words = WORDS[language]
    dutch = language == "nl"
    sme_user = User.objects.get(email="sme@demo.digihub.be")
    company = sme_user.company
    people: list[Person] = []

    def person(phone: bool) -> Person:
        p = Person(browser, live_server.url, language, phone)
        people.append(p)
        return p

    # A question comes in; the chamber's advisors get an e-mail with its link.
    question, _ = intake.register_question(
        actor=None,
        data=intake.Registration(
            enterprise_number=company.enterprise_number,
            company_name=company.name,
            postcode=company.postcode,
            city=company.city,
            first_name="Karel",
            last_name="Kmo",
            email="sme@demo.digihub.be",
            phone="+32 470 12 34 56",
            text="We willen onze productie opvolgen met sensoren.",
            consent=True,
        ),
    )
    advisor_user = User.objects.get(email="advisor@demo.digihub.be")

    # Advisor: from the e-mail to taking the question.
    advisor = person(phone=not dutch)
    page = advisor.open_link(
        _link("advisor@demo.digihub.be", question.reference), "advisor@demo.digihub.be"
    )
    advisor.look("question (advisor)")
    _submit(page, page.get_by_role("button", name=re.compile(words["take"], re.I)))
    advisor.look("question taken")
    question.refresh_from_db()
    assert question.status == Status.IN_PROGRESS and question.advisor == advisor_user

    # The conversation and the decision (with the agency's validation) as the pages do them.
    intake.record_conversation(
        actor=advisor_user,
        question=question,
        held_on=timezone.localdate(),
        participants="Karel Kmo, Anke Adviseur",
        current_situation="Opvolging op papier",
        desired_situation="Realtime zicht op de productie",
        concrete_questions="Welke sensoren passen bij onze machines?",
        notes="Interne notitie van de kamer",
    )
    from digihub.network.models import KnowledgePartner

    partner_user = User.objects.get(email="partner@demo.digihub.be")
    intake.decide_trajectory(
        actor=advisor_user,
        question=question,
        partner=KnowledgePartner.objects.get(pk=partner_user.partner_id),
        reason="Het lab past bij de vraag",
        ask_validation=True,
    )

    # Officer: from the e-mail to the approved choice, seeing the room for it first.
    officer = person(phone=dutch)
    page = officer.open_link(
        _link("officer@demo.digihub.be", question.reference), "officer@demo.digihub.be"
    )
    figures = page.locator(".validation-figures")
    assert figures.count() == 1
    assert "€" in figures.inner_text()
    officer.look("validation (officer)")
    if dutch:
        figures.scroll_into_view_if_needed()
        officer.shot("09-officer-validation-phone")
    _submit(page, page.get_by_role("button", name=words["approve"], exact=True))
    officer.look("validated")
    question.refresh_from_db()
    assert question.status == Status.DECIDED
    trajectory = Trajectory.objects.get(question=question)

    # Partner: from the e-mail to the quote sent to the SME.
    partner = person(phone=not dutch)
    page = partner.open_link(
        _link("partner@demo.digihub.be", trajectory.reference), "partner@demo.digihub.be"
    )
    main = page.locator("main").inner_text()
    for shown in ("Karel", "sme@demo.digihub.be", "+32 470 12 34 56", "Opvolging op papier"):
        assert shown in main, shown
    assert "Interne notitie" not in page.content()
    primary = page.locator(".next-step a.btn")
    assert primary.inner_text() == words["draft"]
    partner.look("trajectory (partner)")
    _submit(page, primary)
    page.locator("#id_scope").fill("Technische analyse van de productielijn.")
    page.locator("#id_valid_until").fill((timezone.localdate() + dt.timedelta(days=30)).isoformat())
    page.locator("#id_lines-0-description").fill("Analyse")
    page.locator("#id_lines-0-days").fill("2")
    page.locator("#id_lines-0-day_rate").fill("1000")
    page.locator("[data-add-line]").click()
    page.locator("#id_lines-2-description").fill("Testdag" if dutch else "Lab day")
    page.locator("#id_lines-2-days").fill("1")
    page.locator("#id_lines-2-day_rate").fill("1500")
    total = "3.500,00" if dutch else "3,500.00"
    page.locator("#quote-split-body .quote-total", has_text=total).wait_for()
    assert page.locator("#quote-split-body table.money tbody tr").count() >= 2  # per source
    partner.look("quote form")
    if dutch:
        page.locator("#quote-split").scroll_into_view_if_needed()
        partner.shot("10-quote-form")
    _submit(page, page.get_by_role("button", name=words["save"]))
    _submit(page, page.get_by_role("button", name=re.compile(words["send"])))
    partner.look("quote sent")
    trajectory.refresh_from_db()
    assert trajectory.phase == Phase.QUOTE
    quote = trajectory.quotes.get(status=QuoteStatus.ISSUED)
    assert quote.total == 3500

    # SME: from the e-mail (sign in by one-time code) to the signed quote.
    sme = person(phone=dutch)
    link = urlsplit(_link("sme@demo.digihub.be", trajectory.reference))
    page = sme.page
    page.goto(f"{link.path}?{link.query}")
    sme.look("ask for a sign-in code")
    email_box = page.locator("input[name=email]")
    if not email_box.input_value():
        email_box.fill("sme@demo.digihub.be")
    _submit(page, page.locator("main form button[type=submit]").first)
    page.locator("input[name=code]").fill(_code("sme@demo.digihub.be"))
    _submit(page, page.locator("main form button[type=submit]").first)
    assert f"/trajectories/{trajectory.pk}/" in page.url, page.url
    assert page.locator(".next-step a.btn").inner_text() == words["sign"]
    sme.look("quote to sign (SME)")
    page.locator("#sign_signer_name").fill("Karel Kmo")
    page.locator("#sign_agree").check()
    _submit(page, page.get_by_role("button", name=words["sign"]))
    sme.look("signed")
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SIGNED

    for p in people:
        p.close()
    assert Question.objects.filter(pk=question.pk, status=Status.DECIDED).exists()

    # Strings of the other language, outside user data. Runs once the Dutch catalogue is
    # complete: while entries are untranslated, English text in the Dutch UI is expected.
    leaks = _leaks(set().union(*(p.texts for p in people)), language)
    _, untranslated = _catalogue()
    if untranslated:
        pytest.skip(
            f"journey passed; the language-leak check waits for {untranslated} untranslated "
            f"entries in {PO.name} (found now: {leaks[:10]})"
        )
    assert not leaks, leaks


def test_the_leak_check_can_fail() -> None:
    """The comparison finds an English interface string in Dutch and a Dutch one in English."""
    pairs, _ = _catalogue()
    english, dutch = "Draft the quote", pairs["Draft the quote"]
    assert english != dutch
    assert _leaks({english, "Bedrijf X"}, "nl") == [english]
    assert _leaks({dutch, "Bedrijf X"}, "en") == [dutch]
    assert _leaks({dutch}, "nl") == [] and _leaks({english}, "en") == []
