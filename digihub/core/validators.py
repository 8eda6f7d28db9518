"""What a text field accepts: no control characters, no bidi overrides, no zero-width characters.

Such characters cannot be seen on screen, yet they reorder what a reader sees (U+202E turns
``exe.pdf`` around), hide a difference between two names that look the same, or break the
documents, mails and calendar files the text ends up in. Every form field (through
``digihub.core.forms``) and every API input schema (through ``digihub.api.types``) checks its
text here."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# C0 and C1 control characters and DEL; tab, line feed and carriage return are matched apart.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE = re.compile("[\t\n\r]")
# Bidi embeddings, overrides and isolates; zero-width space, joiners, word joiner, BOM.
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2060\ufeff]")


@dataclass(frozen=True)
class TextProblem:
    message: str
    position: int  # 1-based, as a person counts


def text_problem(value: str, *, multiline: bool) -> TextProblem | None:
    """The first character a text field must refuse, or None. Multi-line text may hold tabs
    and line breaks; a single line may not."""
    found = [
        match
        for match in (
            _CONTROL.search(value),
            _INVISIBLE.search(value),
            None if multiline else _LINE.search(value),
        )
        if match is not None
    ]
    if not found:
        return None
    first = min(found, key=lambda match: match.start())
    position = first.start() + 1
    if first.re is _LINE:
        return TextProblem(
            str(
                _(
                    "This field holds a single line: remove the line break or tab at position %(position)s."
                )
                % {"position": position}
            ),
            position,
        )
    return TextProblem(
        str(
            _("Remove the invisible or control character %(code)s at position %(position)s.")
            % {"code": f"U+{ord(first.group()):04X}", "position": position}
        ),
        position,
    )


@deconstructible
class PlainTextValidator:
    """A Django validator for ``text_problem``."""

    code = "text_characters"

    def __init__(self, *, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, value: object) -> None:
        if not isinstance(value, str):
            return
        problem = text_problem(value, multiline=self.multiline)
        if problem is not None:
            raise ValidationError(problem.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlainTextValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((type(self), self.multiline))


single_line_text = PlainTextValidator(multiline=False)
multi_line_text = PlainTextValidator(multiline=True)
