"""The JSON API at /api/v1/ (django-ninja: typed schemas and an OpenAPI 3.1 document for free).

Each bounded context contributes a ``router`` in its own ``api`` module; permission checks are
the same ``digihub.core.access`` rules the pages use.
"""

from __future__ import annotations

from importlib import import_module

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI

from digihub.core.workflow import NotNow

from .auth import AUTH
from .errors import server_error_response, validation_error_payload

api = NinjaAPI(
    title="Digihub API",
    version="1",
    description="Hubs, companies, questions, funding, trajectories and reports of the Digihub network.",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=AUTH,
)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, validation_error_payload(exc), status=422)


@api.exception_handler(NotNow)
def on_not_now(request: HttpRequest, exc: NotNow) -> HttpResponse:
    """The step does not fit the object's state (any more): a conflict, not bad input."""
    return api.create_response(request, validation_error_payload(exc), status=409)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(OverflowError)
def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    return api.create_response(request, {"detail": "Number out of range"}, status=422)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Replaces ninja's default, which answers with the traceback as text when DEBUG is on.
    return server_error_response(request, exc, api)


ROUTERS = (
    ("network", "digihub.network.api"),
    ("companies", "digihub.companies.api"),
    ("intake", "digihub.intake.api"),
    ("funding", "digihub.funding.api"),
    ("trajectories", "digihub.trajectories.api"),
    ("matching", "digihub.matching.api"),
    ("reporting", "digihub.reporting.api"),
    ("maturity", "digihub.assessments.api"),
    ("registry", "digihub.registry.api"),
)

for prefix, module_name in ROUTERS:
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        continue
    api.add_router(f"/{prefix}/", module.router)
