"""API viewsets for grids, grid teams, the people's diary and coverage figures.

Thin by design: lists start from ``grids.selectors`` (scoped to the reading roles), writes
go to ``grids.actions`` with ``actor=request.user``; Django's ``ValidationError`` answers
400, ``PermissionDeniedError`` 403 and an object outside the caller's subtree 404
(``dangjian.api.exceptions``).
"""
import mimetypes

import django_filters
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response

from dangjian.api.filters import IdFilter
from dangjian.api.viewsets import ScopedModelViewSet, ScopedQuerysetMixin
from dangjian.scoping import get_scope
from grids import actions, permissions, selectors
from grids.api.serializers import (
    CoverageSerializer,
    DiaryConvertSerializer,
    DiaryEntrySerializer,
    DiaryResolveSerializer,
    FromCompoundsSerializer,
    GapRowSerializer,
    GridSerializer,
    GridTeamMemberSerializer,
    TeamEndSerializer,
)
from grids.choices import DiaryCategory, DiaryKind, DiaryStatus, TeamRole
from grids.models import DiaryEntry, Grid, GridArea, GridTeamMember
from organizations.areas.models import Area

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


class DiaryPermission(GridReadPermission):
    write_roles = permissions.DIARY_ROLES
    write_message = _("只有网格员和社区工作人员可以填写民情日记。")


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


class TeamFilterSet(FilterSet):
    grid = IdFilter(label=_("网格"), field_name="grid")
    role = django_filters.ChoiceFilter(label=_("团队角色"), choices=TeamRole.choices)
    current = django_filters.BooleanFilter(label=_("仍在任"), method="filter_current")

    class Meta:
        model = GridTeamMember
        fields = ["grid", "role", "current"]

    def filter_current(self, queryset, name, value):
        return queryset.filter(ended_on__isnull=value)


class DiaryFilterSet(FilterSet):
    grid = IdFilter(label=_("网格"), field_name="grid")
    building = IdFilter(label=_("楼栋"), field_name="building")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=DiaryKind.choices)
    category = django_filters.ChoiceFilter(label=_("类别"), choices=DiaryCategory.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=DiaryStatus.choices)
    occurred_after = django_filters.DateFilter(label=_("日期不早于"), field_name="occurred_on", lookup_expr="gte")
    occurred_before = django_filters.DateFilter(label=_("日期不晚于"), field_name="occurred_on", lookup_expr="lte")

    class Meta:
        model = DiaryEntry
        fields = ["grid", "building", "kind", "category", "status", "occurred_after", "occurred_before"]


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
    ordering = ("community__tree_id", "community__lft", "code")
    within_field = "community"

    def scoped_queryset(self, user):
        return selectors.grids_for(user)

    def get_queryset(self):
        places = GridArea.objects.select_related("area").order_by("area__tree_id", "area__lft")
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
        rows = selectors.grid_team(grid, include_ended=True).select_related("grid")
        return Response(GridTeamMemberSerializer(rows, many=True, context=self.get_serializer_context()).data)


# ------------------------------------------------------------------------------ teams
@extend_schema_view(
    list=extend_schema(summary="网格团队成员列表", description="可按网格、角色、是否在任筛选。" + _WITHIN),
    retrieve=extend_schema(summary="网格团队成员详情"),
    create=extend_schema(
        summary="登记网格团队成员",
        description="党员、账号或姓名至少给一项。网格总长、网格长、网格员若给出账号，该账号随即获得本网格覆盖区域的网格员权限。",
    ),
)
class GridTeamViewSet(
    ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset_model = GridTeamMember
    serializer_class = GridTeamMemberSerializer
    filterset_class = TeamFilterSet
    permission_classes = [GridReadPermission]
    list_select_related = ("grid", "member", "user")
    ordering = ("grid_id", "role", "id")
    within_field = "grid__community"

    def scoped_queryset(self, user):
        return selectors.team_for(user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        assignment = actions.team_member_add(
            actor=self.request.user, grid=data.pop("grid"), role=data["role"], member=data.get("member"),
            user=data.get("username"), display_name=data.get("display_name", ""), started_on=data.get("started_on"),
        )
        serializer.instance = self.get_queryset().filter(pk=assignment.pk).first() or assignment

    @extend_schema(
        summary="结束任职",
        description="登记结束日期，并收回随任职授予的网格员权限。",
        request=TeamEndSerializer,
        responses=GridTeamMemberSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def end(self, request, pk=None):
        assignment = self.get_object()
        body = TeamEndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actions.team_member_end(actor=request.user, assignment=assignment, ended_on=body.validated_data.get("ended_on"))
        fresh = self.get_queryset().get(pk=assignment.pk)
        return Response(GridTeamMemberSerializer(fresh, context=self.get_serializer_context()).data)


# ------------------------------------------------------------------------------ diary
class PassthroughRenderer(BaseRenderer):
    """Lets a file answer be negotiated whatever the client's Accept header."""

    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


@extend_schema_view(
    list=extend_schema(summary="民情日记列表", description="可按网格、楼栋、类型、类别、状态和日期筛选。" + _WITHIN),
    retrieve=extend_schema(summary="民情日记详情"),
    create=extend_schema(
        summary="记录民情日记",
        description="网格员和社区工作人员填写；楼栋须在该网格内；问题记为“待处理”，走访记为“已记录”。"
        "照片用 multipart/form-data 上传，只收 JPG、PNG、WebP，且不超过 5 MB。",
    ),
)
class DiaryViewSet(
    ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset_model = DiaryEntry
    serializer_class = DiaryEntrySerializer
    filterset_class = DiaryFilterSet
    permission_classes = [DiaryPermission]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    list_select_related = ("grid", "building", "author")
    ordering = ("-occurred_on", "-id")
    within_field = "grid__community"

    def scoped_queryset(self, user):
        return selectors.diary_for(user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        entry = actions.diary_record(actor=self.request.user, grid=data.pop("grid"), **data)
        serializer.instance = self.get_queryset().filter(pk=entry.pk).first() or entry

    def _answer(self, entry):
        fresh = self.get_queryset().get(pk=entry.pk)
        return Response(DiaryEntrySerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(summary="问题已解决", description="待处理 → 已解决；其他状态返回 400。",
                   request=DiaryResolveSerializer, responses=DiaryEntrySerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def resolve(self, request, pk=None):
        entry = self.get_object()
        body = DiaryResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(actions.diary_resolve(actor=request.user, entry=entry, **body.validated_data))

    @extend_schema(
        summary="登记转办",
        description="待处理 → 已转办：记录它转成的居民诉求或吹哨报到及其编号（服务模块建立记录后调用）；其他状态返回 400。",
        request=DiaryConvertSerializer, responses=DiaryEntrySerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def convert(self, request, pk=None):
        entry = self.get_object()
        body = DiaryConvertSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return self._answer(actions.diary_convert(
            actor=request.user, entry=entry, target=data["converted_to"], target_id=data["converted_id"]
        ))

    @extend_schema(
        summary="日记照片",
        responses={(200, "image/*"): OpenApiResponse(OpenApiTypes.BINARY, description="照片文件"),
                   404: OpenApiResponse(description="没有照片，或日记不存在/不在管辖范围内")},
    )
    @action(detail=True, methods=["get"], filter_backends=[], renderer_classes=[PassthroughRenderer])
    def photo(self, request, pk=None):
        entry = self.get_object()
        if not entry.photo:
            raise Http404
        content_type = mimetypes.guess_type(entry.photo.name)[0] or "application/octet-stream"
        response = FileResponse(entry.photo.open("rb"), content_type=content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=3600"
        return response


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
