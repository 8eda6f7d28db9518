from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.signals import got_request_exception
from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("django.request")


def validation_error_payload(exc: ValidationError) -> dict[str, Any]:
    """Field-level errors in the same shape ninja uses for schema errors (422)."""
    detail: list[dict[str, Any]] = []
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                for message in error.messages:
                    detail.append(
                        {"loc": ["body", field], "msg": message, "type": error.code or "invalid"}
                    )
    else:
        for error in exc.error_list:
            for message in error.messages:
                detail.append({"loc": ["body"], "msg": message, "type": error.code or "invalid"})
    return {"detail": detail}


def server_error_response(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    """An unexpected error: the operator gets the traceback in the log (and error reporting
    through Django's ``got_request_exception``), the client a plain 500, also with DEBUG on."""
    logger.error(
        "Internal Server Error: %s",
        request.path,
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"status_code": 500, "request": request},
    )
    got_request_exception.send(sender=None, request=request)
    response = api.create_response(request, {"detail": "Internal server error"}, status=500)
    response._has_been_logged = True  # type: ignore[attr-defined]  # not once more by Django
    return response
