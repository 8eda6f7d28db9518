"""End-to-end tests in headless Chromium (Debian's package), driven by Playwright.

No browser is downloaded: Playwright starts /usr/bin/chromium (or $CHROMIUM). Without it the
browser tests are skipped with a message; CI installs it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# itself (setting up data) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = (
    Path(os.environ.get("DIGIHUB_SCREENSHOTS", ""))
    if os.environ.get("DIGIHUB_SCREENSHOTS")
    else None
)
DEMO_PASSWORD = "digihub-demo-2026"

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM:
                item.add_marker(
                    pytest.mark.skip(reason="Chromium not installed (Debian package 'chromium')")
                )


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db: Any) -> None:
    from django.core.cache import cache
    from django.core.management import call_command

    _migration_data()

    cache.clear()  # login rate limits of earlier tests in this process must not lock the browser out

    call_command("demo_data", stdout=open(os.devnull, "w"))  # noqa: SIM115


def _migration_data() -> None:
    """Each browser test runs on a committed database that is emptied afterwards, which also
    removes what data migrations wrote (the maturity questionnaires); put it back."""
    import importlib

    from django.apps import apps

    if apps.get_model("assessments", "Questionnaire").objects.exists():
        return
    migration = importlib.import_module("digihub.assessments.migrations.0002_eu_dma")
    migration.install(apps, None)


class Session:
    """One person's browser tab on the live server."""

    def __init__(
        self, browser: Any, base_url: str, *, locale: str = "nl-BE", phone: bool = False
    ) -> None:
        self.context = browser.new_context(
            locale=locale,
            viewport=PHONE if phone else DESKTOP,
            base_url=base_url,
            accept_downloads=True,
            is_mobile=phone,
            has_touch=phone,
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
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

    def login(self, email: str, password: str = DEMO_PASSWORD) -> Any:
        page = self.page
        page.goto("/accounts/login/")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", password)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
        return page

    def axe(self, name: str = "") -> list[dict[str, Any]]:
        """Run axe-core on the current page; return serious and critical violations."""
        self.page.evaluate(AXE.read_text())
        result = self.page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        serious = [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]
        return [
            {
                "id": v["id"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
                "page": name or self.page.url,
            }
            for v in serious
        ]

    def assert_accessible(self, name: str = "") -> None:
        violations = self.axe(name)
        assert not violations, violations

    def shot(self, name: str) -> None:
        if SCREENSHOTS:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)

    def close(self) -> None:
        assert not self.errors, self.errors
        self.context.close()


@pytest.fixture
def session(browser: Any, live_server: Any) -> Iterator[Any]:
    opened: list[Session] = []

    def open_session(**kwargs: Any) -> Session:
        s = Session(browser, live_server.url, **kwargs)
        opened.append(s)
        return s

    yield open_session
    for s in opened:
        s.close()
