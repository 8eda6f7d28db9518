from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from digihub.network.models import Hub, Province, Theme

from .models import Company
from .sme import SizeClass


class CompanyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    province = django_filters.ModelChoiceFilter(
        queryset=Province.objects.all(), label=_("Province")
    )
    hub = django_filters.ModelChoiceFilter(queryset=Hub.objects.all(), label=_("Hub"))
    size_class = django_filters.ChoiceFilter(choices=SizeClass.choices, label=_("EU size class"))
    themes = django_filters.ModelChoiceFilter(queryset=Theme.objects.all(), label=_("Interest"))

    class Meta:
        model = Company
        fields = ["q", "province", "hub", "size_class", "themes"]

    def search(self, qs: QuerySet[Company], name: str, value: str) -> QuerySet[Company]:
        value = value.strip()
        digits = "".join(ch for ch in value if ch.isdigit())
        condition: Any = Q(name__icontains=value) | Q(city__icontains=value)
        if len(digits) >= 4:
            condition |= Q(enterprise_number__contains=digits)
        return qs.filter(condition)
