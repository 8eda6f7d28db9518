"""Postcode → province → chamber → hub."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from .models import Chamber, Hub, PostcodeArea, Province


@dataclass(frozen=True)
class Route:
    province: Province
    chamber: Chamber | None
    hub: Hub | None


def parse_postcode(value: str | int) -> int:
    text = str(value).strip().upper().removeprefix("B-").removeprefix("B")
    if not (len(text) == 4 and text.isdigit() and 1000 <= int(text) <= 9999):
        raise ValidationError(
            _("%(value)s is not a Belgian postcode (four digits, 1000 to 9999).")
            % {"value": value},
            code="postcode",
        )
    return int(text)


def route_postcode(value: str | int) -> Route:
    postcode = parse_postcode(value)
    area = (
        PostcodeArea.objects.select_related("province", "chamber", "hub")
        .filter(start__lte=postcode, end__gte=postcode)
        .annotate(width=F("end") - F("start"))
        .order_by("width")  # the narrowest area wins, so a chamber can carve out its part
        .first()
    )
    if area is None:
        raise ValidationError(
            _("Postcode %(value)s is not served by any hub of this network.") % {"value": postcode},
            code="postcode_unrouted",
        )
    hub = area.hub or Hub.objects.filter(province=area.province).select_related("chamber").first()
    chamber = area.chamber or (hub.chamber if hub else None)
    return Route(province=area.province, chamber=chamber, hub=hub)
