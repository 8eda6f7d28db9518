"""Money is Decimal euro with cent precision, never float.

Every amount column is a ``MoneyField`` (14 digits, 2 after the point), so every amount that is
stored, summed per budget or shown lies between zero and ``MAX_AMOUNT``: the largest value that
column holds on every database backend. Services refuse anything larger with a clear message
instead of letting the database (PostgreSQL) or the reading of the value (SQLite) fail.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

MONEY_MAX_DIGITS = 14
MONEY_DECIMAL_PLACES = 2


def column_max(max_digits: int, decimal_places: int) -> Decimal:
    """The largest value a DecimalField(max_digits, decimal_places) column holds."""
    return Decimal(10) ** (max_digits - decimal_places) - Decimal(1).scaleb(-decimal_places)


MAX_AMOUNT = column_max(MONEY_MAX_DIGITS, MONEY_DECIMAL_PLACES)  # 999,999,999,999.99


def cents(value: Decimal | int | str) -> Decimal:
    """Round to the cent, half away from zero (the rule Belgian accounting uses)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class MoneyField(models.DecimalField):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max_digits", MONEY_MAX_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_DECIMAL_PLACES)
        if not args:
            kwargs.setdefault("verbose_name", _("amount"))
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
