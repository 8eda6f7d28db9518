from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from digihub.api.types import DbId
from digihub.core.access import get_visible_or_404, visible

from .models import Chamber, Hub, KnowledgePartner, Province, Theme

router = Router(tags=["network"])


class ThemeOut(Schema):
    id: int
    code: str
    name_nl: str
    name_en: str
    name_fr: str


class ProvinceOut(Schema):
    id: int
    code: str
    name_nl: str
    name_en: str
    name_fr: str
    region: str


class ChamberOut(Schema):
    id: int
    name: str
    short_name: str


class PartnerOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    capacity: int
    expertise: str
    website: str
    theme_codes: list[str]

    @staticmethod
    def resolve_theme_codes(obj: KnowledgePartner) -> list[str]:
        return [t.code for t in obj.themes.all()]


class HubOut(Schema):
    id: int
    name: str
    province_id: int
    chamber_id: int
    partner_ids: list[int]

    @staticmethod
    def resolve_partner_ids(obj: Hub) -> list[int]:
        return [p.pk for p in obj.partners.all()]


@router.get("/themes", response=list[ThemeOut])
def list_themes(request: HttpRequest) -> object:
    return visible(request.user, Theme)


@router.get("/provinces", response=list[ProvinceOut])
def list_provinces(request: HttpRequest) -> object:
    return visible(request.user, Province)


@router.get("/chambers", response=list[ChamberOut])
def list_chambers(request: HttpRequest) -> object:
    return visible(request.user, Chamber)


@router.get("/hubs", response=list[HubOut])
def list_hubs(request: HttpRequest) -> object:
    return visible(request.user, Hub).prefetch_related("partners")


@router.get("/partners", response=list[PartnerOut])
def list_partners(request: HttpRequest) -> object:
    return visible(request.user, KnowledgePartner).prefetch_related("themes")


@router.get("/partners/{partner_id}", response=PartnerOut)
def get_partner(request: HttpRequest, partner_id: DbId) -> object:
    return get_visible_or_404(
        request.user, KnowledgePartner.objects.prefetch_related("themes"), pk=partner_id
    )
