"""API viewsets for areas, party organizations, members, resident units and central households.

Thin by design: scoping, filtering and pagination come from ``dangjian.api.viewsets``;
reads of figures come from ``organizations.areas.selectors``; writes go to
``organizations.areas.actions`` with ``actor=request.user``.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from dangjian import trees
from dangjian.api.filters import _WITHIN
from dangjian.api.viewsets import ActionDestroyMixin, ScopedModelViewSet
from organizations.areas import actions, selectors
from organizations.areas.api.serializers import AreaChildSerializer, AreaSerializer, AreaSummarySerializer
from organizations.areas.filters import AreaFilterSet
from organizations.areas.models import Area


@extend_schema_view(
    list=extend_schema(summary="区域列表", description="按树序列出调用者可见的区域。" + _WITHIN),
    retrieve=extend_schema(summary="区域详情"),
    create=extend_schema(summary="新建区域", description="上级区域须在调用者管辖范围内，且层级须低于上级。"),
    update=extend_schema(summary="修改区域"),
    partial_update=extend_schema(summary="修改区域（部分字段）"),
    destroy=extend_schema(summary="删除区域", description="只能删除没有下级区域、没有党员居住和党组织依托的区域。"),
)
class AreaViewSet(ActionDestroyMixin, ScopedModelViewSet):
    queryset_model = Area
    serializer_class = AreaSerializer
    filterset_class = AreaFilterSet
    ordering = trees.tree_order()
    within_field = ""

    def create_object(self, data):
        return actions.area_create(actor=self.actor(), parent=data.pop("parent", None), **data)

    def update_object(self, instance, data):
        return actions.area_update(actor=self.actor(), area=instance, **data)

    def delete_object(self, instance):
        actions.area_delete(actor=self.actor(), area=instance)

    @extend_schema(summary="区域汇总", description="该区域整个子树的下级区域、党组织、党员、党员中心户数。",
                   responses=AreaSummarySerializer)
    @action(detail=True, methods=["get"], filter_backends=[])
    def summary(self, request, pk=None):
        area = self.get_object()
        return Response(AreaSummarySerializer(selectors.area_summary(area)).data)

    @extend_schema(summary="直属下级区域", description="直属下级区域，附子树党员数、党组织数和下级数。",
                   responses=AreaChildSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def children(self, request, pk=None):
        area = self.get_object()
        children = selectors.area_children(area).visible_to(request.user)
        page = self.paginate_queryset(children)
        return self.get_paginated_response(AreaChildSerializer(page, many=True, context=self.get_serializer_context()).data)
