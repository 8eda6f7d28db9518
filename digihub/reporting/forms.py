from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digihub.core.dates import validate_plausible_date
from digihub.core.forms import SafeTextForm
from digihub.core.widgets import FastSelect, searchable_partner_select
from digihub.network.models import Chamber, Hub, KnowledgePartner, Province, Theme

from .figures import ReportFilters


class ReportForm(SafeTextForm):
    on = forms.DateField(
        label=_("Reference date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_plausible_date],
    )
    start = forms.DateField(
        label=_("Period from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_plausible_date],
    )
    end = forms.DateField(
        label=_("Period until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_plausible_date],
    )
    hub = forms.ModelChoiceField(
        queryset=Hub.objects.all(), required=False, label=_("Hub"), widget=FastSelect
    )
    chamber = forms.ModelChoiceField(
        queryset=Chamber.objects.all(), required=False, label=_("Chamber"), widget=FastSelect
    )
    province = forms.ModelChoiceField(
        queryset=Province.objects.all(), required=False, label=_("Province"), widget=FastSelect
    )
    partner = forms.ModelChoiceField(
        queryset=KnowledgePartner.objects.all(),
        required=False,
        label=_("Knowledge partner"),
        widget=searchable_partner_select(),
    )
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.all(), required=False, label=_("Theme"), widget=FastSelect
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise ValidationError(_("The period starts after it ends."))
        on = data.get("on") or timezone.localdate()
        if isinstance(on, dt.date) and on > timezone.localdate():
            self.add_error("on", _("The reference date cannot lie in the future."))
        return data

    def values(self) -> tuple[dt.date, dt.date | None, dt.date | None, ReportFilters]:
        data = self.cleaned_data if self.is_valid() else {}
        on = data.get("on") or timezone.localdate()
        pk = lambda name: data[name].pk if data.get(name) else None  # noqa: E731
        return (
            on,
            data.get("start"),
            data.get("end"),
            ReportFilters(
                hub=pk("hub"),
                chamber=pk("chamber"),
                province=pk("province"),
                partner=pk("partner"),
                theme=pk("theme"),
            ),
        )


class CompareForm(ReportForm):
    """Two reference dates and the filters of the report; the answer at both dates."""

    first = forms.DateField(
        label=_("First reference date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_plausible_date],
    )
    second = forms.DateField(
        label=_("Second reference date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_plausible_date],
    )
    field_order = ["first", "second", "hub", "chamber", "province", "partner", "theme"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in ("on", "start", "end"):
            del self.fields[name]

    def clean(self) -> dict[str, object]:
        data = forms.Form.clean(self) or {}
        today = timezone.localdate()
        for name in ("first", "second"):
            day = data.get(name)
            if isinstance(day, dt.date) and day > today:
                self.add_error(name, _("The reference date cannot lie in the future."))
        first, second = data.get("first"), data.get("second")
        if isinstance(first, dt.date) and isinstance(second, dt.date) and first >= second:
            self.add_error("second", _("Choose a second date after the first."))
        return data

    def dates(self) -> tuple[dt.date, dt.date, ReportFilters]:
        """The two dates (by default a year ago and today) and the filters."""
        data = self.cleaned_data if self.is_valid() else {}
        second = data.get("second") or timezone.localdate()
        first = data.get("first") or _a_year_before(second)
        *_ignored, filters = self.values()
        return first, second, filters


def _a_year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
