from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.be import vat
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError


def normalise_enterprise_number(value: str) -> str:
    """Return the ten-digit form (``0123456749``) or raise a ValidationError that says why."""
    raw = (value or "").strip()
    try:
        return vat.validate(raw)
    except InvalidChecksum as exc:
        raise ValidationError(
            _("%(value)s has a wrong check digit: this is not an existing enterprise number.")
            % {"value": raw},
            code="enterprise_number_checksum",
        ) from exc
    except InvalidComponent as exc:
        raise ValidationError(
            _("An enterprise number starts with 0 or 1."), code="enterprise_number_prefix"
        ) from exc
    except InvalidLength as exc:
        raise ValidationError(
            _("An enterprise number has ten digits, for example 0123.456.749."),
            code="enterprise_number_length",
        ) from exc
    except StdnumError as exc:
        raise ValidationError(
            _("Enter an enterprise number of ten digits, for example 0123.456.749."),
            code="enterprise_number_format",
        ) from exc


def validate_enterprise_number(value: str) -> None:
    normalise_enterprise_number(value)


def format_enterprise_number(value: str) -> str:
    return f"{value[:4]}.{value[4:7]}.{value[7:]}" if len(value) == 10 else value
