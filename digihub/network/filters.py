import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Hub, KnowledgePartner, PartnerKind, Theme


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=PartnerKind.choices, label=_("Kind"))
    themes = django_filters.ModelChoiceFilter(queryset=Theme.objects.all(), label=_("Theme"))
    hubs = django_filters.ModelChoiceFilter(queryset=Hub.objects.all(), label=_("Hub"))

    class Meta:
        model = KnowledgePartner
        fields = ["q", "kind", "themes", "hubs"]

    def search(
        self, qs: QuerySet[KnowledgePartner], name: str, value: str
    ) -> QuerySet[KnowledgePartner]:
        return qs.filter(
            Q(name__icontains=value)
            | Q(short_name__icontains=value)
            | Q(expertise__icontains=value)
        )
