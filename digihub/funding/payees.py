"""Who an SME pays its share to, and by when: payees and payment terms as programme data.

IBAN and BIC are checked with schwifty (checksum, country format, bank registry); only accounts
in the SEPA zone are accepted, since the SME pays by SEPA credit transfer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from .models import Payee, Programme


def check_iban(value: str) -> str:
    """The IBAN in its compact form, or a ValidationError saying what is wrong."""
    text = "".join(str(value or "").split()).upper()
    if not text:
        raise ValidationError(_("Enter an IBAN."), code="required")
    try:
        iban = IBAN(text)
    except (SchwiftyException, ValueError) as exc:
        raise ValidationError(
            _("%(iban)s is not a valid IBAN (%(why)s).") % {"iban": text[:40], "why": exc},
            code="iban",
        ) from exc
    if not iban.in_sepa_zone:
        raise ValidationError(
            _("%(iban)s is not an account in the SEPA zone.") % {"iban": iban.formatted},
            code="sepa",
        )
    return str(iban.compact)


def check_bic(value: str, *, iban: str = "") -> str:
    """The BIC (8 or 11 characters), or the bank's BIC found from the IBAN when left empty."""
    text = "".join(str(value or "").split()).upper()
    if not text:
        if iban:
            try:
                found = IBAN(iban).bic
            except (SchwiftyException, ValueError):
                found = None
            return str(found.compact) if found else ""
        return ""
    try:
        bic = BIC(text)
    except (SchwiftyException, ValueError) as exc:
        raise ValidationError(
            _("%(bic)s is not a valid BIC (%(why)s).") % {"bic": text[:20], "why": exc},
            code="bic",
        ) from exc
    return str(bic.compact)


def format_iban(value: str) -> str:
    """The IBAN in groups of four, as banks print it."""
    compact = "".join(str(value or "").split())
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def payee_for(programme: Programme, hub: Any) -> Payee | None:
    """The account for a hub's requests under a programme: the payee of the programme and the
    hub's chamber, else the programme's own, else the chamber's (for every programme)."""
    chamber_id = getattr(hub, "chamber_id", None)
    candidates = list(
        Payee.objects.filter(
            Q(programme=programme, chamber_id=chamber_id)
            | Q(programme=programme, chamber__isnull=True)
            | Q(programme__isnull=True, chamber_id=chamber_id)
        )
    )

    def rank(payee: Payee) -> int:
        if payee.programme_id and payee.chamber_id:
            return 0
        return 1 if payee.programme_id else 2

    return min(candidates, key=rank) if candidates else None


def due_date_for(programme: Programme, on: dt.date) -> dt.date:
    """The due date of a share requested on ``on``: the programme's payment term later."""
    return on + dt.timedelta(days=programme.payment_term_days)
