"""Dutch is the default language and French the third: every source string has a Dutch and a
French translation, compiled."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client

LANGUAGES = ["nl", "fr"]


def _po(language: str) -> Path:
    return Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"


def _catalog(language: str):  # type: ignore[no-untyped-def]
    with _po(language).open("rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_translated_and_none_fuzzy(language: str) -> None:
    untranslated, fuzzy = [], []
    for message in _catalog(language):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not untranslated, f"{len(untranslated)} strings without {language}: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy translations to review: {fuzzy[:20]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_source(language: str) -> None:
    with _po(language).with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in _catalog(language):
        if message.id and not isinstance(message.id, tuple):
            found = (
                compiled.pgettext(message.context, message.id)
                if message.context
                else compiled.gettext(message.id)
            )
            assert found == message.string, f"run bin/i18n: {message.id!r} not compiled"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nl", "digitale begeleiding voor kmo"),
        ("en", "digital guidance for SMEs"),
        ("fr", "accompagnement numérique des PME"),
    ],
)
def test_public_home_in_each_language(client: Client, language: str, text: str) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)
    assert text in response.content.decode()
