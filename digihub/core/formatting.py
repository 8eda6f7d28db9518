"""One formatting path for money, numbers and dates (babel), in the active language.

Dutch follows Belgium ("€ 24.395,00", "5 mrt 2026"); English follows the euro-area English of
Ireland ("€24,395.00", "5 Mar 2026"): babel's en_BE writes amounts the continental way
("24.395,00 €"), which reads as a mistake in an English page. Every page, e-mail and download
shows one date format per language (``date``); ``long`` is kept for documents."""

from __future__ import annotations

import datetime as dt
from copy import copy
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent, get_group_symbol
from django.utils import timezone
from django.utils.translation import get_language, ngettext

DATE_FORMAT = (
    "medium"  # the one date format of the pages, per language: "5 mrt 2026" / "5 Mar 2026"
)
TIME_FORMAT = "HH:mm"


def babel_locale() -> str:
    language = get_language() or "nl"
    if language.startswith("fr"):
        return "fr_BE"
    return "en_IE" if language.startswith("en") else "nl_BE"


def eur(amount: Decimal | int | None) -> str:
    if amount is None:
        return "–"
    return format_currency(Decimal(amount), "EUR", locale=babel_locale())


@lru_cache(maxsize=8)
def _group_symbol(locale: str) -> str:
    return str(get_group_symbol(locale))


def number(value: Decimal | int | float | None) -> str:
    if value is None:
        return "–"
    if type(value) is int:
        # Counts fill the report's tables by the thousand; both Belgian locales group integers
        # by three, so this equals babel's format_decimal (tested) at a fraction of its cost.
        digits = f"{abs(value):,}".replace(",", _group_symbol(babel_locale()))
        return f"-{digits}" if value < 0 else digits
    return format_decimal(value, locale=babel_locale())


def percent(value: Decimal | float | None) -> str:
    if value is None:
        return "–"
    return format_percent(value, locale=babel_locale(), decimal_quantization=False)


# The one rounding rule of published figures: a share is shown with one decimal, a duration in
# whole days; both round half up (83.35 % → 83,4 %; 2.5 days → 3 days).
SHARE_DECIMALS = 1


def rounded_share(value: Decimal | float) -> Decimal:
    """A fraction (0.8333…) rounded to the published precision, still as a fraction."""
    step = Decimal(1).scaleb(-(SHARE_DECIMALS + 2))
    return Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP)


def share(value: Decimal | float | None) -> str:
    """A fraction as a percentage with exactly ``SHARE_DECIMALS`` decimals in the reader's
    locale: 0.8333… → "83,3%" (Dutch), "83.3%" (English)."""
    if value is None:
        return "–"
    locale = babel_locale()
    pattern = copy(Locale.parse(locale).percent_formats[None])
    pattern.frac_prec = (SHARE_DECIMALS, SHARE_DECIMALS)
    return str(pattern.apply(rounded_share(value), locale))


def whole_days(value: Decimal | float | None) -> int | None:
    """A duration in days rounded to whole days (half up)."""
    if value is None:
        return None
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def days(value: Decimal | float | None) -> str:
    """A duration in whole days with its unit, singular or plural: "1 dag", "195 dagen"."""
    n = whole_days(value)
    if n is None:
        return "–"
    return ngettext("%(n)s day", "%(n)s days", n) % {"n": number(n)}


def date(value: dt.date | None, fmt: str = DATE_FORMAT) -> str:
    """The date in the one format of the active language (``long`` spells the month out)."""
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return _format_date(value, "long" if fmt == "long" else DATE_FORMAT, babel_locale())


@lru_cache(maxsize=4096)
def _format_date(value: dt.date, fmt: str, locale: str) -> str:
    # Lists show a date per row and babel builds each one from its pattern (50 µs); a worker
    # meets the same few thousand days again and again.
    return str(format_date(value, format=fmt, locale=locale))


def datetime(value: dt.datetime | None, fmt: str = DATE_FORMAT) -> str:
    """The date as :func:`date` writes it, then the time in hours and minutes."""
    if value is None:
        return "–"
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    time = format_datetime(value, format=TIME_FORMAT, locale=babel_locale())
    return f"{date(value.date(), fmt)} {time}"
