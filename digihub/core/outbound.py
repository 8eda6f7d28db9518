"""Text that leaves the platform, made safe for the format it leaves in: one function per format.

Names, titles and reasons typed by users end up in spreadsheets, XML documents (PDF, SVG,
DOCX), e-mails and calendar files. Each writer passes its text through the function of its
format here, so a character that one format forbids or interprets never breaks or subverts a
download, and each rule is decided once."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from typing import Any

from django.conf import settings
from django.template.backends.django import DjangoTemplates

# Characters XML 1.0 does not allow at all (C0 controls except tab and line breaks, lone
# surrogates, U+FFFE/U+FFFF): lxml, python-docx and openpyxl refuse them with an exception.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Every control character except tab and line feed, for formats that keep line structure.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"\r\n?")
_LINE_SPACE = re.compile(r"[\t\n\r]+")

# A spreadsheet treats a cell typed with one of these first characters as a formula (leading
# tabs and line breaks are skipped by some importers before they look at the next character).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")


def xml_text(value: Any) -> str:
    """Text for an XML document (PDF via HTML, SVG, DOCX): without the characters XML forbids."""
    return _XML_FORBIDDEN.sub("", str(value))


def spreadsheet_cell(value: Any) -> Any:
    """A value for an XLSX or CSV cell. Numbers, dates and empty cells stay what they are; text
    loses its control characters and, when it would start a formula, gets a leading apostrophe
    so that it is shown as typed instead of evaluated."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if not isinstance(value, str) and hasattr(value, "isoformat"):
        return value  # dates and times are cell types of their own
    text = _CONTROL.sub("", _LINE_BREAKS.sub("\n", str(value)))
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def email_subject(value: Any) -> str:
    """A subject header: one line. A line break would end the header (header injection), and
    Django refuses to send such a message at all."""
    return " ".join(_CONTROL.sub("", _LINE_SPACE.sub(" ", str(value))).split())


def email_body(value: Any) -> str:
    """A plain-text body: line structure kept, other control characters removed."""
    return _CONTROL.sub("", _LINE_BREAKS.sub("\n", str(value)))


@cache
def _plain_text_templates() -> DjangoTemplates:
    """The project's template engine with autoescaping off: HTML escaping belongs to HTML, and
    would show ``&lt;`` and ``&amp;`` to the reader of a plain-text mail."""
    config: dict[str, Any] = next(
        template
        for template in settings.TEMPLATES
        if template["BACKEND"] == "django.template.backends.django.DjangoTemplates"
    )
    options: dict[str, Any] = {
        key: value
        for key, value in (config.get("OPTIONS") or {}).items()
        if key != "context_processors"  # they need a request; a mail has none
    }
    return DjangoTemplates(
        {
            "NAME": "plain_text",
            "DIRS": config.get("DIRS", []),
            "APP_DIRS": config.get("APP_DIRS", False),
            "OPTIONS": {**options, "autoescape": False},
        }
    )


def plain_text_email(template_name: str, context: dict[str, Any]) -> str:
    """Render a plain-text (``.txt``) e-mail template: nothing escaped. The text still goes
    through ``email_body`` when it is sent."""
    return _plain_text_templates().get_template(template_name).render(context)


def ics_text(value: Any, *, multiline: bool = False) -> str:
    """Text for an iCalendar property (RFC 5545 forbids control characters in TEXT values). A
    single-line property such as a summary gets its line breaks as spaces; icalendar escapes
    the rest (commas, semicolons, line feeds)."""
    text = _CONTROL.sub("", _LINE_BREAKS.sub("\n", str(value)))
    if not multiline:
        return " ".join(_LINE_SPACE.sub(" ", text).split())
    return text
