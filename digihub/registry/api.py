"""Look-up in the KBO/BCE register, and a hub's data exported (a background task when large)."""

from __future__ import annotations

import base64
import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django_tasks import task
from ninja import Field, Query, Router, Schema

from digihub.network.models import Hub

from . import export as hub_export
from . import lookup as kbo_lookup
from .policies import can_exchange, can_search

router = Router(tags=["registry"])


class NaceOut(Schema):
    version: str
    code: str
    classification: str
    description: str


class EnterpriseOut(Schema):
    number: str
    number_display: str
    name: str
    status: str
    active: bool
    juridical_situation: str
    juridical_form: str
    legal_form: str
    legal_form_description: str
    start_date: dt.date | None
    street: str
    postcode: str
    city: str
    country: str
    address_from_establishment: bool
    names: list[list[str]]
    nace: list[NaceOut]
    fill: dict[str, str]


def _out(hit: kbo_lookup.Hit) -> EnterpriseOut:
    return EnterpriseOut(
        number=hit.number,
        number_display=hit.number_display,
        name=hit.name,
        status=hit.status,
        active=hit.is_active,
        juridical_situation=hit.juridical_situation,
        juridical_form=hit.juridical_form,
        legal_form=hit.legal_form,
        legal_form_description=hit.legal_form_description,
        start_date=hit.start_date,
        street=hit.street,
        postcode=hit.postcode,
        city=hit.city,
        country=hit.country,
        address_from_establishment=hit.address_from_establishment,
        names=[list(n) for n in hit.names],
        nace=[
            NaceOut(
                version=n.version,
                code=n.code,
                classification=n.classification,
                description=n.description,
            )
            for n in hit.nace
        ],
        fill=hit.fill(),
    )


class SearchIn(Schema):
    q: str = Field(..., min_length=2, max_length=120)
    limit: int = Field(10, ge=1, le=50)


@router.get("/enterprises", response=list[EnterpriseOut])
def search_enterprises(request: HttpRequest, query: Query[SearchIn]) -> list[EnterpriseOut]:
    """Enterprises by number (whole or first digits) or name (prefix, then similar names)."""
    decision = can_search(request.user)
    if not decision:
        raise PermissionDenied(decision.reason)
    return [_out(h) for h in kbo_lookup.search(query.q, limit=query.limit)]


@router.get("/enterprises/{number}", response=EnterpriseOut)
def get_enterprise(request: HttpRequest, number: str) -> EnterpriseOut:
    decision = can_search(request.user)
    if not decision:
        raise PermissionDenied(decision.reason)
    hit = kbo_lookup.by_number(number)
    if hit is None:
        raise Http404
    return _out(hit)


class ExportOut(Schema):
    status: str  # ready, queued, running, failed
    id: str = ""
    zip_base64: str = ""


@task()
def export_task(hub_id: int) -> str:
    """A large export runs in the worker; the ZIP lands in private storage."""
    hub = Hub.objects.get(pk=hub_id)
    data = hub_export.export_hub(hub)
    return default_storage.save(f"exports/{hub_id}/hub-{hub_id}.zip", ContentFile(data))


@router.post("/hubs/{hub_id}/export", response=ExportOut)
def start_export(request: HttpRequest, hub_id: int) -> ExportOut:
    """The hub's data as a ZIP (see the web page's README): inline when small, else a background
    task whose result is fetched with GET …/export/{id}."""
    hub = get_object_or_404(Hub, pk=hub_id)
    decision = can_exchange(request.user, hub)
    if not decision:
        raise PermissionDenied(decision.reason)
    if not hub_export.export_is_large(hub):
        data = hub_export.export_hub(hub, actor=request.user)
        return ExportOut(status="ready", zip_base64=base64.b64encode(data).decode())
    result = export_task.enqueue(hub.pk)
    return ExportOut(status=str(result.status).lower(), id=str(result.id))


@router.get("/hubs/{hub_id}/export/{result_id}")
def fetch_export(request: HttpRequest, hub_id: int, result_id: str) -> HttpResponse:
    hub = get_object_or_404(Hub, pk=hub_id)
    decision = can_exchange(request.user, hub)
    if not decision:
        raise PermissionDenied(decision.reason)
    try:
        result = export_task.get_result(result_id)
    except Exception as exc:
        raise Http404 from exc
    if result.args != [hub.pk] and tuple(result.args) != (hub.pk,):
        raise Http404
    if not result.is_finished:
        return HttpResponse(status=202)
    with default_storage.open(str(result.return_value), "rb") as handle:
        response = HttpResponse(handle.read(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="digihub-hub-{hub.pk}.zip"'
    return response
