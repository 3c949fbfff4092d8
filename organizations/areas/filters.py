"""Filters for areas, organizations, members, resident units and central households.

They narrow querysets that are already scoped (``visible_to``); they never widen them.
Foreign keys are filtered by plain id (``IdFilter``), not by a model choice, so a filter on
an id the caller cannot see gives an empty list instead of telling whether the id exists.
Members are found by exact phone or ID number through the keyed-hash columns: the
encrypted columns themselves cannot be searched.

The subtree filter ``?within=<area id>`` is the API filter backend
``dangjian.api.filters.WithinAreaFilter``.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet

from dangjian.api.filters import IdFilter
from organizations.areas.choices import AreaLevel, BuildingUse
from organizations.areas.models import Area


class AreaFilterSet(FilterSet):
    level = django_filters.ChoiceFilter(label=_("层级"), choices=AreaLevel.choices)
    parent = IdFilter(label=_("上级区域"), field_name="parent")
    building_use = django_filters.ChoiceFilter(label=_("楼栋用途"), choices=BuildingUse.choices)
    code = django_filters.CharFilter(label=_("编码"), field_name="code")
    q = django_filters.CharFilter(label=_("名称或编码包含"), method="filter_q")

    class Meta:
        model = Area
        fields = ["level", "parent", "building_use", "code", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))
