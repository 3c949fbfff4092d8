from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from grids.coverage import permissions, selectors
from grids.coverage.api.serializers import CoverageSerializer, GapRowSerializer
from grids.grids.api.views import GridReadPermission
from grids.grids.models import Grid
from organizations.areas.models import Area

# --------------------------------------------------------------------------- coverage
GAP_PARAM = OpenApiParameter(
    "kind", str, enum=list(selectors.GAP_KINDS), required=True,
    description="compounds_without_grid 未划入网格的小区；grids_without_branch 未对应党支部的网格；"
    "compounds_without_branch 未建党支部的小区；buildings_without_group 未建党小组的楼栋",
)


class CoverageViewSet(viewsets.GenericViewSet):
    """``/api/coverage/{area_id}/``: coverage figures of an area's subtree and its children."""

    serializer_class = CoverageSerializer
    permission_classes = [GridReadPermission]
    filter_backends = []

    def get_queryset(self):  # used by the schema generator only; the area comes from the URL
        return Grid.objects.none()

    def _area(self, pk):
        if not (str(pk).isascii() and str(pk).isdigit()):
            raise Http404
        area = Area.objects.visible_to(self.request.user).filter(pk=int(pk)).first()
        if area is None:
            raise Http404
        if not permissions.can_read_area_coverage(self.request.user, area):
            raise PermissionDenied(_("您的角色无权查看该区域的网格覆盖情况。"))
        return area

    @extend_schema(
        summary="网格与党组织覆盖情况",
        description="该区域整个子树的小区网格覆盖率、网格党支部覆盖率、小区党支部覆盖率、楼栋党小组覆盖率、"
        "党员中心户联系住户覆盖率，以及每个直属下级区域的同样数字（一次按集合计算）。",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="区域编号")],
        responses=CoverageSerializer,
    )
    def retrieve(self, request, pk=None):
        area = self._area(pk)
        body = {
            "id": area.pk, "name": area.name, "level": area.level,
            "figures": selectors.coverage(area),
            "children": selectors.coverage_children(area),
        }
        return Response(CoverageSerializer(body).data)

    @extend_schema(
        summary="短板清单",
        description="该区域子树中尚未覆盖的小区、网格或楼栋（分页）。",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="区域编号"), GAP_PARAM],
        responses=GapRowSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def gaps(self, request, pk=None):
        kind = request.query_params.get("kind")
        if kind not in selectors.GAP_KINDS:
            raise ValidationError({"kind": [_("请给出短板类型：%(kinds)s。") % {"kinds": "、".join(selectors.GAP_KINDS)}]})
        area = self._area(pk)
        page = self.paginate_queryset(selectors.GAP_KINDS[kind](area))
        rows = [
            {"id": row.pk, "name": row.name, "code": row.code,
             "parent_name": row.community.name if isinstance(row, Grid) else (row.parent.name if row.parent_id else "")}
            for row in page
        ]
        return self.get_paginated_response(GapRowSerializer(rows, many=True).data)
