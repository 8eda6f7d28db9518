from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digihub.companies.validators import normalise_enterprise_number
from digihub.core.dates import validate_plausible_date
from digihub.core.forms import SafeTextForm
from digihub.core.widgets import searchable_partner_select
from digihub.network.models import CommercialPartner, KnowledgePartner, ServiceType, Theme
from digihub.network.routing import parse_postcode

from .models import ContactKind, Route, Shared


class QuestionForm(SafeTextForm):
    enterprise_number = forms.CharField(
        label=_("Enterprise number"),
        max_length=20,
        help_text=_("Ten digits, for example 0123.456.749."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    company_name = forms.CharField(
        label=_("Company name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    street = forms.CharField(
        label=_("Street and number"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    city = forms.CharField(
        label=_("Municipality"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    employees = forms.IntegerField(
        label=_("Number of employees"), min_value=0, max_value=1_000_000, required=False
    )
    turnover = forms.DecimalField(
        label=_("Annual turnover (EUR)"),
        min_value=0,
        max_value=10**12,
        decimal_places=2,
        required=False,
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    function = forms.CharField(label=_("Your function"), max_length=100, required=False)
    text = forms.CharField(
        label=_("Your question"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("What do you want to achieve, and where do you get stuck today?"),
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Themes"),
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["token"].initial = uuid.uuid4().hex

    def clean_token(self) -> str:
        # Only the token this form hands out (32 hex digits): other keys in the same column (the
        # API's idempotency keys) can never be written, nor claimed, from a public form.
        token = self.cleaned_data.get("token") or ""
        if token and (len(token) != 32 or token.strip("0123456789abcdef")):
            raise ValidationError(
                _("This form could not be read. Reload the page and send your question again.")
            )
        return token

    def clean_enterprise_number(self) -> str:
        return normalise_enterprise_number(self.cleaned_data["enterprise_number"])

    def clean_postcode(self) -> str:
        return str(parse_postcode(self.cleaned_data["postcode"]))


class PublicQuestionForm(QuestionForm):
    consent = forms.BooleanField(
        label=_(
            "I agree that the chamber, the hub's knowledge partners and the funding agency process these data to handle my question."
        ),
        required=True,
        error_messages={
            "required": _(
                "We can only handle your question when you agree to the processing of your data."
            )
        },
    )
    # Spam trap: hidden from people (CSS), filled in by bots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)


class PartnerQuestionForm(QuestionForm):
    consent = forms.BooleanField(
        label=_(
            "The company agreed that we pass its question and contact details on to the chamber."
        ),
        error_messages={"required": _("Pass a question on only when the company agreed to it.")},
    )


class AdvisorQuestionForm(QuestionForm):
    consent = forms.BooleanField(
        label=_("The contact agreed that their data are processed to handle the question."),
        error_messages={"required": _("Register the question only when the contact agreed to it.")},
    )
    channel_detail = forms.ChoiceField(
        label=_("How did the question come in?"),
        choices=[
            ("phone", _("Phone call")),
            ("visit", _("Company visit")),
            ("event", _("Event")),
            ("email", _("E-mail")),
            ("other", _("Other")),
        ],
    )


class ConversationForm(SafeTextForm):
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=ContactKind.choices)
    held_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
        validators=[validate_plausible_date],
    )
    participants = forms.CharField(label=_("Who took part"), max_length=300)
    current_situation = forms.CharField(
        label=_("Current situation"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    desired_situation = forms.CharField(
        label=_("Desired future situation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    concrete_questions = forms.CharField(
        label=_("Concrete questions"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    attachment = forms.FileField(label=_("Attachment"), required=False)


class TrajectoryDecisionForm(SafeTextForm):
    partner = forms.ModelChoiceField(
        queryset=KnowledgePartner.objects.filter(active=True),
        label=_("Knowledge partner"),
        widget=searchable_partner_select(),
    )
    reason = forms.CharField(
        label=_("Why this partner"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    ask_validation = forms.BooleanField(
        label=_("Ask the funding agency to validate this choice first"), required=False
    )
    service_type = forms.ChoiceField(
        label=_("Service"),
        choices=ServiceType.choices,
        initial=ServiceType.TEST_BEFORE_INVEST,
        required=False,  # a form sent without it (an older page, a script) means test before invest
    )

    def clean_service_type(self) -> str:
        return self.cleaned_data.get("service_type") or ServiceType.TEST_BEFORE_INVEST

    def __init__(self, *args: Any, hub: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partner_choices(self.fields["partner"], hub)


def partner_label(partner: Any, outside: bool = False) -> str:
    """The name once ("KU Leuven"), the full name when it says more ("VUB — Vrije Universiteit
    Brussel"), and "(outside the hub)" in the reader's language."""
    label = partner.short_name
    if partner.name and partner.name.casefold() != partner.short_name.casefold():
        label = f"{partner.short_name} — {partner.name}"
    if outside:
        return str(_("%(partner)s (outside the hub)") % {"partner": label})
    return label


def partner_choices(field: Any, hub: Any = None) -> None:
    """The active knowledge partners, the hub's consortium first; each option carries the
    partner's expertise and themes (both languages) so the filter box finds "sensor"."""
    consortium = set(hub.partners.values_list("pk", flat=True)) if hub is not None else set()
    partners = sorted(
        KnowledgePartner.objects.filter(active=True).prefetch_related("themes"),
        key=lambda p: (hub is not None and p.pk not in consortium, p.short_name.casefold()),
    )
    field.choices = [("", "—")] + [
        (p.pk, partner_label(p, outside=hub is not None and p.pk not in consortium))
        for p in partners
    ]
    field.widget.option_attrs = {
        str(p.pk): {
            "data-keywords": " ".join([p.expertise, *(t.every_name for t in p.themes.all())])
        }
        for p in partners
    }


def commercial_choices(field: Any) -> None:
    """The commercial partners, each option with its description and themes for the filter."""
    partners = list(CommercialPartner.objects.prefetch_related("themes"))
    field.widget.option_attrs = {
        str(p.pk): {
            "data-keywords": " ".join([p.description, *(t.every_name for t in p.themes.all())])
        }
        for p in partners
    }


class RouteDecisionForm(SafeTextForm):
    route = forms.ChoiceField(
        label=_("Route taken"), choices=Route.choices, widget=forms.RadioSelect
    )
    commercial_partner = forms.ModelChoiceField(
        queryset=CommercialPartner.objects.all(),
        required=False,
        label=_("Commercial partner (when introduced to one)"),
        widget=searchable_partner_select(),
    )
    reason = forms.CharField(
        label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        commercial_choices(self.fields["commercial_partner"])


class HandOverForm(SafeTextForm):
    advisor: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]
        label=_("Hand over to"),
    )
    reason = forms.CharField(
        label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args: Any, question: Any, **kwargs: Any) -> None:
        from .services import advisors_for_handover

        super().__init__(*args, **kwargs)
        self.fields["advisor"].queryset = advisors_for_handover(question)  # type: ignore[attr-defined]


class ReasonForm(SafeTextForm):
    reason = forms.CharField(
        label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ValidationForm(SafeTextForm):
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


class AttachmentForm(SafeTextForm):
    file = forms.FileField(label=_("File"))
    shared_with = forms.ChoiceField(
        label=_("Who may open it"),
        choices=Shared.choices,
        initial=Shared.INTERNAL,
        required=False,
    )
