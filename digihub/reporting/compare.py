"""The same answer at two reference dates, side by side with the differences: the question
is asked again every year, and the reader wants to see what moved."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .document import Kind, figure_rows, show
from .figures import Figures


@dataclass(frozen=True)
class Compared:
    label: str
    kind: Kind
    first: Any
    second: Any

    @property
    def difference(self) -> Any:
        """Second minus first; nothing when either side has no value (a lead time of no
        trajectory)."""
        if self.first is None or self.second is None:
            return None
        if self.kind == Kind.MONEY:
            return Decimal(self.second) - Decimal(self.first)
        if self.kind == Kind.DAYS:
            from digihub.core.formatting import whole_days

            return (whole_days(self.second) or 0) - (whole_days(self.first) or 0)
        return self.second - self.first

    @property
    def shown(self) -> tuple[str, str, str]:
        """Both values and the difference as the reader sees them; a rise carries a plus."""
        difference = self.difference
        text = show(difference, self.kind)
        if difference is not None and difference > 0:
            text = f"+{text}"
        return show(self.first, self.kind), show(self.second, self.kind), text


def compare_rows(first: Figures, second: Figures) -> list[Compared]:
    """Every figure of the answer at both dates, in the order of the answer."""
    seconds = {label: value for label, value, _kind in figure_rows(second)}
    rows = []
    for label, value, kind in figure_rows(first):
        rows.append(Compared(label, kind, value, seconds.get(label)))
    known = {row.label for row in rows}
    for label, value, kind in figure_rows(second):
        if label not in known:
            rows.append(Compared(label, kind, None, value))
    return rows
