"""One plausible window for every date a person types (forms, API schemas, report periods).

A conversation held in the year 1 or a quote valid until 9999 is a typing error, and such dates
overflow date arithmetic further on (report periods, calendars). Dates must lie within
``DIGIHUB_DATE_WINDOW_YEARS`` years (default 20) before or after today.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import AfterValidator


def date_window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last plausible day: today minus and plus the configured number of years."""
    today = today or timezone.localdate()
    years = int(getattr(settings, "DIGIHUB_DATE_WINDOW_YEARS", 20))
    first = dt.date(max(today.year - years, dt.MINYEAR), 1, 1)
    last = dt.date(min(today.year + years, dt.MAXYEAR), 12, 31)
    return first, last


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    # The calendar day as given: converting 9999-12-31 23:30 to local time would overflow.
    return value.date() if isinstance(value, dt.datetime) else value


def validate_plausible_date(value: dt.date | dt.datetime | None) -> None:
    """Django validator: refuse a date (or date and time) outside the plausible window."""
    if value is None:
        return
    first, last = date_window()
    if not first <= _as_date(value) <= last:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s.")
            % {"first": first.strftime("%d/%m/%Y"), "last": last.strftime("%d/%m/%Y")},
            code="implausible_date",
        )


def _check(value: Any) -> Any:
    try:
        validate_plausible_date(value)
    except ValidationError as exc:
        # pydantic turns a ValueError into a 422 with this message.
        raise ValueError(exc.messages[0]) from None
    return value


# For API schemas: the same window, refused with a 422.
PlausibleDate = Annotated[dt.date, AfterValidator(_check)]
PlausibleDateTime = Annotated[dt.datetime, AfterValidator(_check)]
