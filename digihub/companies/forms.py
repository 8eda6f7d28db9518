from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from digihub.core.forms import SafeTextModelForm, add_errors
from digihub.network.models import Theme

from .models import Company, Contact
from .services import COMPANY_FIELDS, _apply


class CompanyForm(SafeTextModelForm):
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Interests"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Company
        fields = [*COMPANY_FIELDS, "themes"]
        widgets = {
            "enterprise_number": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "0123.456.749"}
            ),
            "postcode": forms.TextInput(
                attrs={"inputmode": "numeric", "maxlength": 6, "autocomplete": "postal-code"}
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise_number"].max_length = 20  # type: ignore[attr-defined]
        self.fields["enterprise_number"].widget.attrs["maxlength"] = 20
        self.fields["enterprise_number"].validators = []
        self.fields["postcode"].max_length = 6  # type: ignore[attr-defined]
        self.fields["postcode"].validators = []
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _post_clean(self) -> None:
        # The service is the one place that validates a company; the form only reports.
        data = {f: self.cleaned_data.get(f) for f in COMPANY_FIELDS if f in self.cleaned_data}
        probe = Company(pk=self.instance.pk) if self.instance.pk else Company()
        for field in COMPANY_FIELDS:
            setattr(probe, field, getattr(self.instance, field))
        try:
            _apply(probe, data)
        except ValidationError as exc:
            add_errors(self, exc)


class ContactForm(SafeTextModelForm):
    class Meta:
        model = Contact
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "function",
            "language",
            "consent_at",
        ]
        widgets = {
            "consent_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            )
        }
