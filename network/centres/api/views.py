"""``/api/service-centres/``: the centres of the caller's subtree, read only."""
import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import extend_schema, extend_schema_view

from dangjian.api.filters import _WITHIN
from dangjian.api.viewsets import ScopedReadOnlyViewSet
from network.centres import selectors
from network.centres.api.serializers import ServiceCentreSerializer
from network.centres.choices import CentreLevel
from network.centres.models import ServiceCentre


class ServiceCentreFilterSet(FilterSet):
    level = django_filters.ChoiceFilter(label=_("层级"), choices=CentreLevel.choices)
    is_active = django_filters.BooleanFilter(label=_("在用"))

    class Meta:
        model = ServiceCentre
        fields = ["level", "is_active"]


@extend_schema_view(
    list=extend_schema(summary="党群服务中心（站）列表", description=_WITHIN),
    retrieve=extend_schema(summary="党群服务中心（站）详情"),
)
class ServiceCentreViewSet(ScopedReadOnlyViewSet):
    queryset_model = ServiceCentre
    serializer_class = ServiceCentreSerializer
    filterset_class = ServiceCentreFilterSet
    list_select_related = ("area", "runner")
    within_field = "area"

    def scoped_queryset(self, user):
        return selectors.with_standard(selectors.api_centres_for(user))


ROUTES = (("service-centres", ServiceCentreViewSet, "service-centre"),)
