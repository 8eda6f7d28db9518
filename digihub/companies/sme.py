"""EU SME classification (Commission Recommendation 2003/361/EC, article 2).

A company belongs to a class when it stays under the headcount ceiling and under at least one of
the two financial ceilings (turnover or balance-sheet total).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Micro enterprise")
    SMALL = "small", _("Small enterprise")
    MEDIUM = "medium", _("Medium-sized enterprise")
    LARGE = "large", _("Large enterprise")
    UNKNOWN = "unknown", _("Unknown")


# (class, headcount below, turnover at most, balance-sheet total at most) in euro
CEILINGS: tuple[tuple[SizeClass, int, Decimal, Decimal], ...] = (
    (SizeClass.MICRO, 10, Decimal("2000000"), Decimal("2000000")),
    (SizeClass.SMALL, 50, Decimal("10000000"), Decimal("10000000")),
    (SizeClass.MEDIUM, 250, Decimal("50000000"), Decimal("43000000")),
)

SME_CLASSES = frozenset({SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM})


def classify(
    employees: int | None, turnover: Decimal | None, balance_total: Decimal | None
) -> SizeClass:
    if employees is None or (turnover is None and balance_total is None):
        return SizeClass.UNKNOWN
    for size, max_staff, max_turnover, max_balance in CEILINGS:
        if employees < max_staff and (
            (turnover is not None and turnover <= max_turnover)
            or (balance_total is not None and balance_total <= max_balance)
        ):
            return size
    return SizeClass.LARGE


def is_sme(size: str) -> bool:
    return size in SME_CLASSES
