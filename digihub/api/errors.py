from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


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
