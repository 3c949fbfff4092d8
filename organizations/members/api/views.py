from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from dangjian.api.filters import _WITHIN
from dangjian.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet
from dangjian.portal import client_ip
from organizations.members import actions
from organizations.members.api.serializers import CentralHouseholdSerializer, MemberSerializer, PersonalDataSerializer
from organizations.members.choices import AccessChannel
from organizations.members.filters import CentralHouseholdFilterSet, MemberFilterSet
from organizations.members.models import CentralHousehold, Member


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
