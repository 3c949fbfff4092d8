import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet

from dangjian.api.filters import IdFilter
from organizations.orgs.choices import FormationMode, OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg


class PartyOrgFilterSet(FilterSet):
    kind = django_filters.ChoiceFilter(label=_("组织类别"), choices=OrgKind.choices)
    category = django_filters.ChoiceFilter(label=_("组织类型"), choices=OrgCategory.choices)
    formation = django_filters.ChoiceFilter(label=_("组建方式"), choices=FormationMode.choices)
    parent = IdFilter(label=_("上级组织"), field_name="parent")
    area = IdFilter(label=_("所在区域"), field_name="area")
    q = django_filters.CharFilter(label=_("名称或编码包含"), method="filter_q")

    class Meta:
        model = PartyOrg
        fields = ["kind", "category", "formation", "parent", "area", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))
