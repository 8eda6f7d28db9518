"""Dutch is the default language: every source string has a Dutch translation, compiled."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client

PO = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _catalog():  # type: ignore[no-untyped-def]
    with PO.open("rb") as handle:
        return read_po(handle)


def test_every_string_translated_and_none_fuzzy() -> None:
    untranslated, fuzzy = [], []
    for message in _catalog():
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not untranslated, f"{len(untranslated)} strings without Dutch: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy translations to review: {fuzzy[:20]}"


def test_compiled_catalogue_matches_the_source() -> None:
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in _catalog():
        if message.id and not isinstance(message.id, tuple):
            assert compiled.gettext(message.id) == message.string, (
                f"run bin/i18n: {message.id!r} not compiled"
            )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"),
    [("nl", "digitale begeleiding voor kmo"), ("en", "digital guidance for SMEs")],
)
def test_public_home_in_both_languages(client: Client, language: str, text: str) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)
    assert text in response.content.decode()
