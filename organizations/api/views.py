"""API viewsets for areas, party organizations, members, resident units and central households.

Thin by design: scoping, filtering and pagination come from ``dangjian.api.viewsets``;
reads of figures come from ``organizations.selectors``; writes go to
``organizations.actions`` with ``actor=request.user``.
"""
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from dangjian.api.viewsets import ActionDestroyMixin, ScopedModelViewSet, ScopedReadOnlyViewSet
from dangjian.auth import client_ip
from organizations import actions, selectors
from organizations.api.serializers import (
    AreaChildSerializer,
    AreaSerializer,
    AreaSummarySerializer,
    CentralHouseholdSerializer,
    MemberSerializer,
    PartyOrgSerializer,
    PersonalDataSerializer,
    ResidentUnitSerializer,
)
from organizations.choices import AccessChannel
from organizations.filtersets import AreaFilterSet, CentralHouseholdFilterSet, MemberFilterSet, PartyOrgFilterSet, ResidentUnitFilterSet
from organizations.models import Area, CentralHousehold, Member, PartyOrg, ResidentUnit

_WITHIN = "?within=<区域编号> 只返回该区域子树内的记录（区域不可见时 404）。"


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
    ordering = ("tree_id", "lft")
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
    ordering = ("tree_id", "lft")
    within_field = "area"

    def create_object(self, data):
        return actions.org_create(actor=self.actor(), parent=data.pop("parent", None), **data)

    def update_object(self, instance, data):
        return actions.org_update(actor=self.actor(), org=instance, **data)


@extend_schema_view(
    list=extend_schema(summary="党员名册", description="手机号、身份证号只返回脱敏值；可按手机号或身份证号精确查找。" + _WITHIN),
    retrieve=extend_schema(summary="党员详情"),
    create=extend_schema(summary="新建党员"),
    update=extend_schema(summary="修改党员"),
    partial_update=extend_schema(summary="修改党员（部分字段）"),
)
class MemberViewSet(ScopedModelViewSet):
    """No DELETE here: removing a member from the roster is a separate procedure (405)."""

    queryset_model = Member
    serializer_class = MemberSerializer
    filterset_class = MemberFilterSet
    list_select_related = ("organization", "residence")
    ordering = ("pk",)
    within_field = "residence"

    def create_object(self, data):
        return actions.member_create(actor=self.actor(), **data)

    def update_object(self, instance, data):
        return actions.member_update(actor=self.actor(), member=instance, **data)

    @extend_schema(
        summary="查看完整个人信息",
        description="返回完整手机号和身份证号，并记录一次查看（个人信息查看记录）。"
        "只有系统管理员、区委组织部、街道、社区角色可用，其他角色返回 403。",
        request=None,
        responses={200: PersonalDataSerializer, 403: OpenApiResponse(description="角色无权查看完整个人信息")},
    )
    @action(
        detail=True, methods=["post"], url_path="personal-data", url_name="personal-data",
        filter_backends=[], permission_classes=[IsAuthenticated],
    )
    def personal_data(self, request, pk=None):
        member = self.get_object()
        revealed = actions.member_reveal_personal_data(
            actor=request.user, member=member, channel=AccessChannel.API, ip=client_ip(request)
        )
        body = PersonalDataSerializer({"id": member.pk, "name": member.name, **revealed}).data
        return Response(body, headers={"Cache-Control": "no-store"})


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


@extend_schema_view(
    list=extend_schema(summary="党员中心户列表", description=_WITHIN),
    retrieve=extend_schema(summary="党员中心户详情"),
)
class CentralHouseholdViewSet(ScopedReadOnlyViewSet):
    queryset_model = CentralHousehold
    serializer_class = CentralHouseholdSerializer
    filterset_class = CentralHouseholdFilterSet
    list_select_related = ("member", "building")
    ordering = ("pk",)
    within_field = "building"
