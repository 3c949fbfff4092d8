"""``/api/designations/``: the designations of the caller's subtree, read only."""
import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import extend_schema, extend_schema_view

from dangjian.api.filters import _WITHIN
from dangjian.api.viewsets import ScopedReadOnlyViewSet
from network.designations import selectors
from network.designations.api.serializers import DesignationSerializer
from network.designations.choices import DesignationKind
from network.designations.models import Designation


class DesignationFilterSet(FilterSet):
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=DesignationKind.choices)
    current = django_filters.BooleanFilter(label=_("只看有效的"), method="filter_current")

    class Meta:
        model = Designation
        fields = ["kind", "current"]

    def filter_current(self, queryset, name, value):
        q = selectors.state_q("current")
        return queryset.filter(q) if value else queryset.exclude(q)


@extend_schema_view(
    list=extend_schema(summary="示范点与星级评定列表", description=_WITHIN),
    retrieve=extend_schema(summary="示范点与星级评定详情"),
)
class DesignationViewSet(ScopedReadOnlyViewSet):
    queryset_model = Designation
    serializer_class = DesignationSerializer
    filterset_class = DesignationFilterSet
    list_select_related = ("place",)
    within_field = "place"

    def scoped_queryset(self, user):
        return selectors.api_designations_for(user)


ROUTES = (("designations", DesignationViewSet, "designation"),)
