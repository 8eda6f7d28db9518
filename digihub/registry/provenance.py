"""Where each value of a company record came from, kept on every save (any path: form, API,
admin, import): a value equal to the KBO/BCE register's came from the register, another one was
typed by a person. A new company also takes what the person left empty (NACE codes, street,
legal form) from the register."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

from digihub.companies.models import Company, LegalForm

TRACKED = ("name", "street", "postcode", "city", "legal_form", "nace_main", "nace_other")
_extract: contextvars.ContextVar[Any] = contextvars.ContextVar("kbo_extract", default=None)


@contextlib.contextmanager
def kbo_source(extract: Any) -> Iterator[None]:
    """Saves inside this block take their values from this extract (the refresh)."""
    token = _extract.set(extract)
    try:
        yield
    finally:
        _extract.reset(token)


def _register_values(number: str) -> dict[str, str] | None:
    from .lookup import by_number

    try:
        hit = by_number(number)
    except Exception:
        return None
    return hit.fill() if hit is not None else None


@receiver(pre_save, sender=Company, dispatch_uid="registry.provenance")
def keep_provenance(sender: Any, instance: Company, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaddata: the record comes with its own provenance
        return
    provenance = dict(instance.provenance or {})
    values = {f: str(getattr(instance, f) or "") for f in TRACKED}
    if (
        instance.pk
        and all(provenance.get(f, {}).get("value") == values[f] for f in TRACKED if values[f])
        and all(f in provenance for f in TRACKED if values[f])
    ):
        return  # nothing of what is tracked changed
    register = _register_values(instance.enterprise_number) if instance.enterprise_number else None
    if register and instance.pk is None:
        for name in ("nace_main", "nace_other", "street"):
            if not getattr(instance, name) and register[name]:
                setattr(instance, name, register[name])
        if instance.legal_form == LegalForm.BV and register["legal_form"] != LegalForm.BV:
            # the default of a form that did not ask: the register knows better
            instance.legal_form = register["legal_form"]
        values = {f: str(getattr(instance, f) or "") for f in TRACKED}
    extract = _extract.get()
    today = timezone.localdate().isoformat()
    for name in TRACKED:
        value = values[name]
        known = provenance.get(name)
        if known and known.get("value") == value:
            continue
        if not value:
            provenance.pop(name, None)
            continue
        if register is not None and register.get(name) == value:
            entry = {"source": "kbo", "value": value, "on": today}
            if extract is not None:
                entry["extract"] = extract.extract_number
        else:
            entry = {"source": "entered", "value": value, "on": today}
        provenance[name] = entry
    instance.provenance = provenance
