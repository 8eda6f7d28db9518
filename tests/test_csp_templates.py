"""The Content-Security-Policy forbids inline scripts, event handlers and style attributes:
no template may rely on them (they would silently not work in the browser)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TEMPLATES = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("digihub/*/templates/**/*.html")]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"\sstyle\s*=", re.I)
STYLE_TAG = re.compile(r"<style[\s>]", re.I)


def test_templates_exist() -> None:
    assert len(TEMPLATES) > 10


def test_no_inline_script_handler_or_style() -> None:
    problems = []
    for path in TEMPLATES:
        text = path.read_text()
        # SVG documents served as images may carry their own styles; pages may not.
        if path.suffix == ".html" and "/svg/" not in str(path):
            for pattern, what in (
                (INLINE_SCRIPT, "inline <script>"),
                (HANDLER, "event handler attribute"),
                (STYLE_ATTR, "style attribute"),
                (STYLE_TAG, "<style> element"),
            ):
                if pattern.search(text) and "{# csp-exempt: pdf #}" not in text:
                    problems.append(f"{path.relative_to(ROOT)}: {what}")
    assert not problems, problems


def test_csp_header_is_sent(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/bench/bare")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
