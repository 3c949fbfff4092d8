"""API of the district dashboards: ``GET /api/dashboard/{area_id}/`` returns the figures
the dashboard page shows (from the rollup tables), its children's figures, the periods
computed and the ten weakest units.  Out of scope → 404; in scope without a roster role
→ 403."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from assessments.dashboard import permissions, selectors
from assessments.dashboard.api.serializers import DashboardSerializer, dashboard_data
from dangjian.api.viewsets import ScopedQuerysetMixin
from organizations.areas.models import Area


@extend_schema_view(
    retrieve=extend_schema(
        summary="区域数据看板",
        description="该区域（含全部下级）在某周期的看板指标（来自每晚及考核评分后刷新的汇总表）、各下级区域的指标、"
        "已计算的周期和下一级最弱的十个考核对象。需要对该区域的名册角色（系统管理员、区委组织部、街道、社区、网格）。",
        parameters=[OpenApiParameter("period", str, required=False, description="周期：2026、2026-Q3 或 2026-11；默认本年度")],
        responses={
            200: DashboardSerializer,
            403: OpenApiResponse(description="角色无权查看看板"),
            404: OpenApiResponse(description="区域不存在或不在管辖范围内"),
        },
    ),
)
class DashboardViewSet(ScopedQuerysetMixin, viewsets.GenericViewSet):
    queryset_model = Area
    serializer_class = DashboardSerializer
    filter_backends: list = []
    pagination_class = None
    lookup_url_kwarg = "area_id"

    def retrieve(self, request, area_id=None):
        area = self.get_object()
        if not permissions.can_view(request.user, area):
            raise PermissionDenied(_("您的角色不能查看该区域的数据看板。"))
        dash = selectors.build_dashboard(area, request.query_params.get("period"))
        return Response(DashboardSerializer(dashboard_data(dash)).data)


ROUTES = (("dashboard", DashboardViewSet, "dashboard"),)
