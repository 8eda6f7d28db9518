"""The admin site: every form on it checks its text as the platform's own forms do.

Control, bidi and zero-width characters are refused at the field (``digihub.core.validators``)
on every admin's add and change form, its inlines and its list-editable rows, including the admins
of installed packages: the site mixes the check into each admin class it registers, so a new
admin cannot forget it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.forms import BaseForm

from .forms import check_text_fields


def safe_form(form_class: type[BaseForm]) -> type[BaseForm]:
    """``form_class`` whose instances check their text fields."""
    if getattr(form_class, "checks_text", False):
        return form_class

    def __init__(self: BaseForm, *args: Any, **kwargs: Any) -> None:
        form_class.__init__(self, *args, **kwargs)
        check_text_fields(self)

    return type(
        form_class.__name__,
        (form_class,),
        {"checks_text": True, "__init__": __init__, "__module__": form_class.__module__},
    )


def _safe_formset(formset: Any) -> Any:
    form = safe_form(formset.form)
    if form is formset.form:
        return formset
    return type(formset.__name__, (formset,), {"form": form, "__module__": formset.__module__})


class SafeTextAdminMixin:
    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        return safe_form(super().get_form(request, obj, change=change, **kwargs))  # type: ignore[misc]

    def get_changelist_form(self, request: Any, **kwargs: Any) -> Any:
        return safe_form(super().get_changelist_form(request, **kwargs))  # type: ignore[misc]

    def get_formsets_with_inlines(self, request: Any, obj: Any = None) -> Iterator[Any]:
        for formset, inline in super().get_formsets_with_inlines(request, obj):  # type: ignore[misc]
            yield _safe_formset(formset), inline


class SafeTextAdminSite(admin.AdminSite):
    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, SafeTextAdminMixin):
            admin_class = type(
                admin_class.__name__,
                (SafeTextAdminMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)


class AdminConfig(DjangoAdminConfig):
    default_site = "digihub.core.admin_site.SafeTextAdminSite"
