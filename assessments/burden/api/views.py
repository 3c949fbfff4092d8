"""API of the burden meter: ``GET /api/burden/?month=2026-11[&within=<area>]`` — one row per
community the user sees (under ``within`` when given), in tree order (never sorted by the
figures), paginated: values typed by hand, values filled from the records, the share."""
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError

from assessments.burden import permissions, selectors
from assessments.burden.api.serializers import BurdenRowSerializer
from dangjian import trees
from dangjian.api.filters import WithinAreaFilter
from dangjian.api.viewsets import ScopedQuerysetMixin
from organizations.areas.models import Area


def _month(raw) -> date:
    if not raw:
        return selectors.month_start(timezone.localdate())
    try:
        y, m = str(raw).split("-")
        return date(int(y), int(m), 1)
    except (ValueError, TypeError):
        raise ValidationError({"month": [_("月份格式应为 2026-11。")]}) from None


@extend_schema_view(
    list=extend_schema(
        summary="减负监测（各社区某月）",
        description="每个可见社区某月的手工录入数（表单、导入、接口）、平台从记录自动生成的数据项数和自动生成率；"
        "按区域树顺序列出，不按数字排序、不排名。需要社区及以上的管理角色。",
        parameters=[OpenApiParameter("month", str, required=False, description="月份，如 2026-11；默认本月")],
    ),
)
class BurdenViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset_model = Area
    serializer_class = BurdenRowSerializer
    filter_backends = [WithinAreaFilter]
    within_field = ""
    ordering = trees.tree_order()  # tree order, never the figures: no ordering parameter

    def scoped_queryset(self, user):
        return selectors.communities_for(user)

    def list(self, request, *args, **kwargs):
        if not permissions.can_open(request.user):
            raise PermissionDenied(_("减负监测只对社区及其上级（街道、区委组织部）开放。"))
        month = _month(request.query_params.get("month"))
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = selectors.meter_rows(page, [month])
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


ROUTES = (("burden", BurdenViewSet, "burden"),)
