from drf_spectacular.utils import extend_schema, extend_schema_view

from dangjian import trees
from dangjian.api.filters import _WITHIN
from dangjian.api.viewsets import ScopedModelViewSet
from organizations.orgs import actions
from organizations.orgs.api.serializers import PartyOrgSerializer
from organizations.orgs.filters import PartyOrgFilterSet
from organizations.orgs.models import PartyOrg


@extend_schema_view(
    list=extend_schema(summary="党组织列表", description="按树序列出调用者可见的党组织（按所在区域筛选子树）。" + _WITHIN),
    retrieve=extend_schema(summary="党组织详情"),
    create=extend_schema(summary="新建党组织"),
    update=extend_schema(summary="修改党组织"),
    partial_update=extend_schema(summary="修改党组织（部分字段）"),
)
class PartyOrgViewSet(ScopedModelViewSet):
    queryset_model = PartyOrg
    serializer_class = PartyOrgSerializer
    filterset_class = PartyOrgFilterSet
    list_select_related = ("area", "secretary")
    ordering = trees.tree_order()
    within_field = "area"

    def create_object(self, data):
        return actions.org_create(actor=self.actor(), parent=data.pop("parent", None), **data)

    def update_object(self, instance, data):
        return actions.org_update(actor=self.actor(), org=instance, **data)
