from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from digihub.core.dates import validate_plausible_date
from digihub.core.forms import SafeTextForm
from digihub.network.models import Hub

from .models import EntryKind, FundingSource, Programme


class LedgerFilter(SafeTextForm):
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.all(), required=False, label=_("Programme")
    )
    hub = forms.ModelChoiceField(queryset=Hub.objects.all(), required=False, label=_("Hub"))
    source = forms.ModelChoiceField(
        queryset=FundingSource.objects.all(), required=False, label=_("Source")
    )
    kind = forms.ChoiceField(
        choices=[("", "—"), *EntryKind.choices], required=False, label=_("Kind")
    )
    start = forms.DateField(
        required=False,
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        required=False,
        label=_("Until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class AmountForm(SafeTextForm):
    amount = forms.DecimalField(
        label=_("Amount (EUR)"), max_digits=14, decimal_places=2, min_value=0
    )
    reason = forms.CharField(label=_("Why"), max_length=300)


class StatementUploadForm(SafeTextForm):
    file = forms.FileField(
        label=_("Bank statement (camt.053 XML)"),
        help_text=_("The ISO 20022 camt.053 file your bank's online banking exports."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )


class ReceiptForm(SafeTextForm):
    amount = forms.DecimalField(
        label=_("Amount received (EUR)"), max_digits=14, decimal_places=2, min_value=0
    )
    received_on = forms.DateField(
        label=_("Received on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_plausible_date],
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReasonForm(SafeTextForm):
    reason = forms.CharField(label=_("Why"), max_length=300)


class ResolveForm(SafeTextForm):
    communication = forms.CharField(
        label=_("Structured communication of the request"),
        max_length=20,
        help_text=_("For example 123/4567/89012."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class DismissForm(SafeTextForm):
    note = forms.CharField(label=_("What is this credit?"), max_length=300)
