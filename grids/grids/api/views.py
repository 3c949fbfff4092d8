"""API viewsets for grids, grid teams, the people's diary and coverage figures.

Thin by design: lists start from ``grids.grids.selectors`` (scoped to the reading roles), writes
go to ``grids.grids.actions`` with ``actor=request.user``; Django's ``ValidationError`` answers
400, ``PermissionDeniedError`` 403 and an object outside the caller's subtree 404
(``dangjian.api.exceptions``).
"""

import django_filters
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.response import Response

from dangjian import trees
from dangjian.api.filters import IdFilter
from dangjian.api.viewsets import ScopedModelViewSet
from dangjian.scoping import get_scope
from grids.grids import actions, permissions, selectors
from grids.grids.api.serializers import FromCompoundsSerializer, GridSerializer
from grids.grids.models import Grid, GridArea
from grids.teams import selectors as teams_selectors
from grids.teams.api.serializers import GridTeamMemberSerializer

_WITHIN = "?within=<区域编号> 只返回所属社区在该区域子树内的记录（区域不可见时 404）。"


# ------------------------------------------------------------------------ permissions
class GridReadPermission(IsAuthenticated):
    """Reads: a role that may read grids (系统管理员、区委组织部、街道、社区、网格员).
    Writes: ``write_roles`` somewhere; the action checks the node itself."""

    message = _("您的角色无权查看网格信息。")
    write_roles = permissions.GRID_MANAGE_ROLES
    write_message = _("您的角色无权管理网格。")

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        scope = get_scope(request.user)
        if not scope.has_role(*permissions.GRID_READ_ROLES):
            return False
        if request.method in SAFE_METHODS:
            return True
        if not scope.has_role(*self.write_roles):
            raise PermissionDenied(self.write_message)
        return True


# ---------------------------------------------------------------------------- filters
class GridFilterSet(FilterSet):
    community = IdFilter(label=_("所属社区"), field_name="community")
    has_branch = django_filters.BooleanFilter(label=_("已对应党支部"), method="filter_has_branch")
    q = django_filters.CharFilter(label=_("名称或编码包含"), method="filter_q")

    class Meta:
        model = Grid
        fields = ["community", "has_branch", "q"]

    def filter_has_branch(self, queryset, name, value):
        return queryset.filter(party_branch__isnull=not value)

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


# ------------------------------------------------------------------------------ grids
@extend_schema_view(
    list=extend_schema(summary="网格列表", description="调用者可查看的网格，含覆盖范围。" + _WITHIN),
    retrieve=extend_schema(summary="网格详情"),
    create=extend_schema(summary="新建网格", description="社区须在调用者管辖范围内；覆盖的小区、楼栋须在该社区内，且不属于其他网格。"),
    update=extend_schema(summary="修改网格", description="给出 areas 即整体替换覆盖范围，网格团队账号的权限随之调整。"),
    partial_update=extend_schema(summary="修改网格（部分字段）"),
)
class GridViewSet(ScopedModelViewSet):
    queryset_model = Grid
    serializer_class = GridSerializer
    filterset_class = GridFilterSet
    permission_classes = [GridReadPermission]
    list_select_related = ("community", "party_branch")
    ordering = (*trees.tree_order("community"), "code")
    within_field = "community"

    def scoped_queryset(self, user):
        return selectors.grids_for(user)

    def get_queryset(self):
        places = GridArea.objects.select_related("area").order_by(*trees.tree_order("area"))
        return super().get_queryset().prefetch_related(Prefetch("coverage", queryset=places))

    def create_object(self, data):
        return actions.grid_create(
            actor=self.actor(), community=data.pop("community"), areas=data.pop("areas", ()), **data
        )

    def update_object(self, instance, data):
        data.pop("community", None)
        areas = data.pop("areas", None)
        with transaction.atomic():
            grid = instance
            if data:
                grid = actions.grid_update(actor=self.actor(), grid=instance, **data)
            if areas is not None:
                grid = actions.grid_set_coverage(actor=self.actor(), grid=grid, areas=areas)
        return grid

    @extend_schema(
        summary="按小区一键生成网格",
        description="为社区中每个尚未划入网格的小区建一个网格（“一小区一网格”），关联该小区唯一的小区党支部；重复调用不会重复生成。",
        request=FromCompoundsSerializer,
        responses={201: GridSerializer(many=True)},
    )
    @action(detail=False, methods=["post"], url_path="from-compounds", url_name="from-compounds", filter_backends=[])
    def from_compounds(self, request):
        body = FromCompoundsSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        created = actions.grids_create_from_compounds(actor=request.user, community=body.validated_data["community"])
        grids = self.get_queryset().filter(pk__in=[g.pk for g in created])
        return Response(GridSerializer(grids, many=True, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="网格团队",
        description="该网格的团队成员（网格总长、网格长、网格员、志愿者），含已卸任的。",
        responses=GridTeamMemberSerializer(many=True),
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def team(self, request, pk=None):
        grid = self.get_object()
        rows = teams_selectors.grid_team(grid, include_ended=True).select_related("grid")
        return Response(GridTeamMemberSerializer(rows, many=True, context=self.get_serializer_context()).data)
