from django import forms
from django.utils.translation import gettext_lazy as _

from digihub.core.forms import SafeTextModelForm

from .models import KnowledgePartner, Theme
from .services import PARTNER_FIELDS


class PartnerForm(SafeTextModelForm):
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Expertise themes"),
    )

    class Meta:
        model = KnowledgePartner
        fields = [*PARTNER_FIELDS, "themes"]
