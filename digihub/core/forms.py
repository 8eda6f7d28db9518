from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .validators import multi_line_text, single_line_text


def add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors at their field, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def check_text_fields(form: forms.BaseForm) -> None:
    """Every text field of the form refuses control, bidi and zero-width characters; a text
    area (multi-line) keeps tabs and line breaks. The error shows at the field, with what the
    user typed still in it."""
    for field in form.fields.values():
        # A password is never shown and is compared as typed: whatever someone chose still works.
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
            multiline = isinstance(field.widget, forms.Textarea)
            field.validators.append(multi_line_text if multiline else single_line_text)


class SafeTextForm(forms.Form):
    """The base of every form: see ``check_text_fields``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        check_text_fields(self)


class SafeTextModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """The base of every model form: see ``check_text_fields``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        check_text_fields(self)
