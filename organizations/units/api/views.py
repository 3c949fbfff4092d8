from drf_spectacular.utils import extend_schema, extend_schema_view

from dangjian.api.filters import _WITHIN
from dangjian.api.viewsets import ScopedModelViewSet
from organizations.units import actions
from organizations.units.api.serializers import ResidentUnitSerializer
from organizations.units.filters import ResidentUnitFilterSet
from organizations.units.models import ResidentUnit


@extend_schema_view(
    list=extend_schema(summary="驻区单位列表", description=_WITHIN),
    retrieve=extend_schema(summary="驻区单位详情"),
    create=extend_schema(summary="登记驻区单位"),
    update=extend_schema(summary="修改驻区单位"),
    partial_update=extend_schema(summary="修改驻区单位（部分字段）"),
)
class ResidentUnitViewSet(ScopedModelViewSet):
    queryset_model = ResidentUnit
    serializer_class = ResidentUnitSerializer
    filterset_class = ResidentUnitFilterSet
    list_select_related = ("community", "party_org")
    ordering = ("pk",)
    within_field = "community"

    def create_object(self, data):
        return actions.resident_unit_save(actor=self.actor(), **data)

    def update_object(self, instance, data):
        return actions.resident_unit_save(actor=self.actor(), unit=instance, **data)
