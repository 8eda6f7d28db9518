"""Belgian formats for money, numbers and dates (babel), in the active language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent
from django.utils import timezone
from django.utils.translation import get_language


def babel_locale() -> str:
    return "en_BE" if (get_language() or "nl").startswith("en") else "nl_BE"


def eur(amount: Decimal | int | None) -> str:
    if amount is None:
        return "–"
    return format_currency(Decimal(amount), "EUR", locale=babel_locale())


def number(value: Decimal | int | float | None) -> str:
    if value is None:
        return "–"
    return format_decimal(value, locale=babel_locale())


def percent(value: Decimal | float | None) -> str:
    if value is None:
        return "–"
    return format_percent(value, locale=babel_locale(), decimal_quantization=False)


def date(value: dt.date | None, fmt: str = "medium") -> str:
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_date(value, format=fmt, locale=babel_locale())


def datetime(value: dt.datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return "–"
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return format_datetime(value, format=fmt, locale=babel_locale())
