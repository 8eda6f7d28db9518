from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from digihub.accounts.roles import Role
from digihub.core.forms import SafeTextForm
from digihub.core.widgets import searchable_partner_select
from digihub.network.models import CommercialPartner, KnowledgePartner

from .models import RelationKind


class RelationForm(SafeTextForm):
    enterprise_number = forms.CharField(
        label=_("Enterprise number of the company"),
        max_length=14,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "0123.456.749"}
        ),
    )
    knowledge_partner = forms.ModelChoiceField(
        queryset=KnowledgePartner.objects.filter(active=True),
        required=False,
        label=_("Knowledge partner"),
        widget=searchable_partner_select(),
    )
    commercial_partner = forms.ModelChoiceField(
        queryset=CommercialPartner.objects.all(),
        required=False,
        label=_("or commercial partner"),
        widget=searchable_partner_select(),
    )
    kind = forms.ChoiceField(label=_("How they are related"), choices=RelationKind.choices)
    description = forms.CharField(
        label=_("Details (who, which share)"), max_length=300, required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user.role == Role.PARTNER:
            # Partner staff declare for their own organisation: the partner is theirs.
            del self.fields["knowledge_partner"]
            del self.fields["commercial_partner"]
        elif user.role == Role.SME and user.company_id:
            self.fields["enterprise_number"].initial = user.company.enterprise_number
            self.fields["enterprise_number"].disabled = True


class WithdrawForm(SafeTextForm):
    reason = forms.CharField(
        label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
