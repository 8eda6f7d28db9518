"""Form widgets for long lists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _


class FastSelect(forms.Select):
    """A select that writes its options in Python.

    Django renders every option through its own template, about 50 µs apiece: the thousand
    partners and two hundred hubs of the European network made that a third of the report
    page. The markup is the same as Django's (escaped by ``format_html``).

    ``option_attrs`` maps an option's value to extra attributes of that option (the words the
    filter box of a partner select also searches: ``data-keywords``)."""

    option_attrs: dict[str, dict[str, str]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.option_attrs = {}

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [
            format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))
        ]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html('<optgroup label="{}">', group))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    option["value"],
                    flatatt({**option["attrs"], **self.option_attrs.get(str(option["value"]), {})}),
                    option["label"],
                )
                for option in options
            )
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))


def searchable_partner_select() -> FastSelect:
    """The knowledge or commercial partners, with a filter box (static/js/app.js)."""
    return FastSelect(attrs={"data-searchable": _("Type to filter the partners")})
