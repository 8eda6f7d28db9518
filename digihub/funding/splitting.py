"""Splitting a euro amount over funding sources in exact cents.

Rule (largest remainder): every source first gets its share rounded *down* to the cent; the cents
left over go one by one to the sources with the largest dropped fraction (ties: the source listed
first). The parts therefore always sum to the whole, and each part is within one cent of
rate × amount.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal

from digihub.core.money import CENT, cents


def split_cents(amount: Decimal, rates: Sequence[Decimal]) -> list[Decimal]:
    total = cents(amount)
    if sum(rates, Decimal(0)) != Decimal(1):
        raise ValueError("rates must sum to 1")
    exact = [total * rate for rate in rates]
    floored = [value.quantize(CENT, rounding=ROUND_FLOOR) for value in exact]
    left = int(((total - sum(floored, Decimal(0))) / CENT).to_integral_value())
    order = sorted(range(len(rates)), key=lambda i: (-(exact[i] - floored[i]), i))
    for index in order[:left]:
        floored[index] += CENT
    return floored
