from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
