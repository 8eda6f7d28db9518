from __future__ import annotations

import re
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

# The highest page a list offers. A page number beyond it (say 99999999999999999999) would make
# an offset no database column holds; the list answers with an empty page past its end instead.
MAX_PAGE = 1_000_000
_PAGE = re.compile(r"[0-9]{1,7}")


def page_number(value: Any) -> int:
    """A page number from the query string: ASCII digits only (``"²"`` is a digit to Python and
    still no number), at least 1 and at most ``MAX_PAGE``; anything else is the first page."""
    text = str(value).strip()
    if not _PAGE.fullmatch(text):
        return MAX_PAGE if text.isascii() and text.isdigit() else 1
    return min(max(int(text), 1), MAX_PAGE)


class CountlessPaginator(Paginator):
    """Pages without COUNT(*): at a million rows a count costs more than the page itself."""

    def __init__(self, object_list: Any, per_page: int) -> None:
        super().__init__(object_list, per_page)

    def page(self, number: Any) -> Page:
        number = page_number(number)
        bottom = (number - 1) * self.per_page
        items = list(self.object_list[bottom : bottom + self.per_page + 1])
        page = Page(items[: self.per_page], number, self)
        page.has_next = lambda: len(items) > self.per_page  # type: ignore[method-assign]
        page.has_previous = lambda: number > 1  # type: ignore[method-assign]
        page.next_page_number = lambda: number + 1  # type: ignore[method-assign]
        page.previous_page_number = lambda: number - 1  # type: ignore[method-assign]
        return page


def paginate(request: HttpRequest, qs: QuerySet[Any], per_page: int = 25) -> Page:
    return CountlessPaginator(qs, per_page).page(request.GET.get("page", 1))
