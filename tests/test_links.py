"""Row links built once per pattern give the same address as ``reverse`` for every page of the
platform that takes one whole number, under any script prefix and language."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.template import engines
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.base import get_script_prefix, set_script_prefix
from django.utils import translation

from digihub.core.links import object_path


def _one_number_patterns(patterns: Any = None, namespace: str = "") -> Iterator[str]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _one_number_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            converters = entry.pattern.converters
            if len(converters) == 1 and type(next(iter(converters.values()))).__name__ == (
                "IntConverter"
            ):
                yield f"{namespace}{entry.name}"


NAMES = sorted(set(_one_number_patterns()))


def test_the_platform_has_such_pages() -> None:
    assert {"intake:detail", "trajectories:detail", "companies:detail"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_same_address_as_reverse(name: str) -> None:
    for pk in (1, 42, 1234567):
        assert object_path(name, pk) == reverse(name, args=[pk])


def test_follows_the_script_prefix_and_language() -> None:
    before = get_script_prefix()
    try:
        set_script_prefix("/hub-west/")
        assert object_path("trajectories:detail", 7) == reverse("trajectories:detail", args=[7])
        assert object_path("trajectories:detail", 7).startswith("/hub-west/")
    finally:
        set_script_prefix(before)
    with translation.override("fr"):
        assert object_path("intake:detail", 3) == reverse("intake:detail", args=[3])


def test_refuses_what_is_not_one_whole_number() -> None:
    with pytest.raises(NoReverseMatch):
        object_path("inbox:index", 1)
    with pytest.raises(NoReverseMatch):
        object_path("trajectories:detail", -1)
    with pytest.raises(ValueError):
        object_path("trajectories:detail", "1/../admin")


def test_template_tag() -> None:
    template = engines["django"].from_string(
        '{% load digihub %}<a href="{% object_url "companies:detail" pk %}">'
    )
    assert template.render({"pk": 5}) == f'<a href="{reverse("companies:detail", args=[5])}">'
