from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digihub.core.dates import validate_plausible_date
from digihub.core.formatting import eur
from digihub.core.forms import SafeTextForm
from digihub.core.money import MAX_AMOUNT, cents, column_max
from digihub.core.widgets import searchable_partner_select
from digihub.network.models import KnowledgePartner

from .models import AdviceKind, Phase, Place, SessionKind


class QuoteForm(SafeTextForm):
    scope = forms.CharField(
        label=_("Scope of the technical analysis"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    methodology = forms.CharField(
        label=_("Methodology"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=lambda: timezone.localdate() + dt.timedelta(days=60),
        validators=[validate_plausible_date],
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class QuoteLineForm(SafeTextForm):
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    days = forms.DecimalField(
        label=_("Days"),
        max_digits=6,
        decimal_places=2,
        required=False,
        min_value=0,
        max_value=column_max(6, 2),
    )
    day_rate = forms.DecimalField(
        label=_("Day rate (EUR)"),
        max_digits=10,
        decimal_places=2,
        required=False,
        min_value=0,
        max_value=MAX_AMOUNT,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        days, rate = data.get("days"), data.get("day_rate")
        if days and rate and cents(days * rate) > MAX_AMOUNT:
            self.add_error(
                "day_rate",
                _("This line comes to more than %(max)s, the most one amount can be.")
                % {"max": eur(MAX_AMOUNT)},
            )
        return data


# One blank line after the lines there are (the form adds and removes lines in the browser);
# a blank line is ignored, a line marked DELETE is left out.
QuoteLineFormSet = forms.formset_factory(
    QuoteLineForm, extra=1, min_num=1, max_num=30, validate_max=True, can_delete=True
)


def line_dicts(formset: Any) -> list[dict[str, Any]]:
    return [
        f.cleaned_data
        for f in formset.forms
        if f.cleaned_data
        and not f.cleaned_data.get("DELETE")
        and any(f.cleaned_data.get(k) for k in ("description", "days", "day_rate"))
    ]


class SignForm(SafeTextForm):
    signer_name = forms.CharField(label=_("Your full name"), max_length=200)
    pdf_sha256 = forms.CharField(widget=forms.HiddenInput)
    agree = forms.BooleanField(
        label=_("I have read this quote and accept it on behalf of the company.")
    )


class SignedCopyForm(SafeTextForm):
    signer_name = forms.CharField(label=_("Signed by"), max_length=200)
    file = forms.FileField(label=_("Signed copy (PDF)"))


class SessionForm(SafeTextForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        validators=[validate_plausible_date],
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        validators=[validate_plausible_date],
    )
    place = forms.ChoiceField(label=_("Place"), choices=Place.choices)
    location = forms.CharField(label=_("Address or link"), max_length=300, required=False)
    participants = forms.CharField(label=_("Participants"), max_length=500, required=False)
    agenda = forms.CharField(
        label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class OutcomeForm(SafeTextForm):
    outcome = forms.CharField(label=_("Outcome notes"), widget=forms.Textarea(attrs={"rows": 3}))


class AdviceForm(SafeTextForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=AdviceKind.choices)
    delivered_on = forms.DateField(
        label=_("Delivered on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
        validators=[validate_plausible_date],
    )
    summary = forms.CharField(
        label=_("The advice (or a summary of the report)"), widget=forms.Textarea(attrs={"rows": 6})
    )
    file = forms.FileField(label=_("Report (PDF or Word, optional)"), required=False)


class CompleteForm(SafeTextForm):
    final_cost = forms.DecimalField(
        label=_("Final eligible cost (EUR, excl. VAT)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
    )
    reason = forms.CharField(label=_("Remarks"), max_length=300, required=False)


class ReasonForm(SafeTextForm):
    reason = forms.CharField(
        label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class PartnerForm(SafeTextForm):
    partner = forms.ModelChoiceField(
        queryset=KnowledgePartner.objects.filter(active=True),
        label=_("New knowledge partner"),
        widget=searchable_partner_select(),
    )
    reason = forms.CharField(
        label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class SurveyForm(SafeTextForm):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you? (1 = not at all, 5 = very)"),
        coerce=int,
        choices=[(i, str(i)) for i in range(1, 6)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class TrajectoryFilter(SafeTextForm):
    phase = forms.ChoiceField(
        label=_("Phase"), choices=[("", _("All phases")), *Phase.choices], required=False
    )
    partner = forms.ModelChoiceField(
        queryset=KnowledgePartner.objects.all(),
        required=False,
        label=_("Partner"),
        widget=searchable_partner_select(),
    )
    q = forms.CharField(label=_("Search"), required=False)
