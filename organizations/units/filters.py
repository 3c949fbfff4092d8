import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet

from dangjian.api.filters import IdFilter
from organizations.units.choices import ResidentUnitKind
from organizations.units.models import ResidentUnit


class ResidentUnitFilterSet(FilterSet):
    kind = django_filters.ChoiceFilter(label=_("单位性质"), choices=ResidentUnitKind.choices)
    community = IdFilter(label=_("所在社区"), field_name="community")
    party_org = IdFilter(label=_("单位党组织"), field_name="party_org")
    q = django_filters.CharFilter(label=_("单位名称包含"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = ResidentUnit
        fields = ["kind", "community", "party_org", "q"]
