from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from digihub.api.types import DbId, InputSchema
from digihub.core.access import get_visible_or_404, require, visible

from . import services
from .models import Company
from .policies import can_create_company

router = Router(tags=["companies"])


class CompanyIn(InputSchema):
    enterprise_number: str = Field(..., max_length=20)
    name: str = Field(..., min_length=1, max_length=200)
    legal_form: str = "BV"
    nace_main: str = Field("", max_length=7)
    nace_other: str = Field("", max_length=200)
    street: str = Field("", max_length=200)
    postcode: str = Field(..., max_length=6)
    city: str = Field(..., min_length=1, max_length=100)
    employees: int | None = Field(None, ge=0, le=1_000_000)
    turnover: Decimal | None = Field(None, ge=0, le=10**12, max_digits=15, decimal_places=2)
    balance_total: Decimal | None = Field(None, ge=0, le=10**12, max_digits=15, decimal_places=2)
    website: str = Field("", max_length=200)


class CompanyPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    legal_form: str | None = None
    nace_main: str | None = Field(None, max_length=7)
    street: str | None = Field(None, max_length=200)
    postcode: str | None = Field(None, max_length=6)
    city: str | None = Field(None, min_length=1, max_length=100)
    employees: int | None = Field(None, ge=0, le=1_000_000)
    turnover: Decimal | None = Field(None, ge=0, le=10**12, max_digits=15, decimal_places=2)
    balance_total: Decimal | None = Field(None, ge=0, le=10**12, max_digits=15, decimal_places=2)
    website: str | None = Field(None, max_length=200)
    version: int | None = None


class CompanyOut(Schema):
    id: int
    enterprise_number: str
    name: str
    legal_form: str
    nace_main: str
    nace_section: str
    street: str
    postcode: str
    city: str
    province_id: int
    chamber_id: int | None
    hub_id: int | None
    employees: int | None
    turnover: Decimal | None
    balance_total: Decimal | None
    size_class: str
    is_sme: bool
    version: int
    created_at: datetime


class CompanyFilters(InputSchema):
    q: str | None = None
    province: DbId | None = None
    size_class: str | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**9)


@router.get("/", response=list[CompanyOut])
def list_companies(request: HttpRequest, filters: Query[CompanyFilters]) -> object:
    qs = visible(request.user, Company).order_by("name", "pk")
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    if filters.province:
        qs = qs.filter(province_id=filters.province)
    if filters.size_class:
        qs = qs.filter(size_class=filters.size_class)
    return qs[filters.offset : filters.offset + filters.limit]


@router.get("/{company_id}", response=CompanyOut)
def get_company(request: HttpRequest, company_id: DbId) -> object:
    return get_visible_or_404(request.user, Company, pk=company_id)


@router.post("/", response={201: CompanyOut})
def create_company(request: HttpRequest, payload: CompanyIn) -> object:
    decision = can_create_company(request.user)
    if not decision:
        raise PermissionDenied(decision.reason)
    company = services.company_create(actor=request.user, data=payload.dict())
    return Status(201, company)


@router.patch("/{company_id}", response=CompanyOut)
def update_company(request: HttpRequest, company_id: DbId, payload: CompanyPatch) -> object:
    company = get_visible_or_404(request.user, Company, pk=company_id)
    require(request.user, "change", company)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    return services.company_update(
        actor=request.user, company=company, data=data, expected_version=version
    )
