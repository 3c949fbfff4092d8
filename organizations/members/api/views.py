from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from dangjian.api.filters import _WITHIN
from dangjian.api.viewsets import ErrorDetailSerializer, ScopedModelViewSet, ScopedReadOnlyViewSet
from dangjian.portal import client_ip
from organizations.members import actions
from organizations.members.api.serializers import (
    CentralHouseholdSerializer,
    MemberLookupResultSerializer,
    MemberLookupSerializer,
    MemberSerializer,
    PersonalDataSerializer,
)
from organizations.members.choices import LOOKUP_FIELDS, AccessChannel
from organizations.members.filters import CentralHouseholdFilterSet, MemberFilterSet
from organizations.members.models import CentralHousehold, Member


class PersonalDataInUrl(APIException):
    """A phone or ID number in a query string: refused (400) without repeating it."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "personal_data_in_url"


_NO_NUMBERS_IN_URLS = OpenApiResponse(
    ErrorDetailSerializer,
    description="网址中带有 phone 或 id_number 参数：个人信息不能放在网址中，请改用 POST /api/members/lookup/",
)


@extend_schema_view(
    list=extend_schema(
        summary="党员名册",
        description="手机号、身份证号只返回脱敏值。不能在网址中按手机号或身份证号查找"
        "（带 phone、id_number 参数返回 400），请用 POST /api/members/lookup/。" + _WITHIN,
        responses={200: MemberSerializer(many=True), 400: _NO_NUMBERS_IN_URLS},
    ),
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

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Personal data never travels in a URL: URLs land in access logs, proxies and histories.
        # The value is not repeated in the answer.
        if any(name in request.query_params for name in LOOKUP_FIELDS):
            raise PersonalDataInUrl(_(
                "不能在网址中按手机号或身份证号查找（网址会被记录在访问日志中）；"
                "请改用 POST /api/members/lookup/，在请求体中提交 {\"phone\": …} 或 {\"id_number\": …}。"
            ))

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


    @extend_schema(
        summary="按手机号或身份证号查找党员",
        description="请求体中提交完整的 phone 或 id_number（只能一项），返回辖区内匹配的党员（脱敏，与名册列表相同的字段）。"
        "只有系统管理员、区委组织部、街道、社区角色可用，且只在这些角色的辖区内查找；其他角色返回 403。"
        "每次查找（包括被拒绝的）都记入个人信息查看记录（查找字段和匹配人数，不记录号码本身）；"
        "每位用户每小时最多 30 次（默认值，可用设置 MEMBER_LOOKUP_USER_LIMIT 调整），超过返回 429 和 Retry-After。",
        request=MemberLookupSerializer,
        responses={
            200: MemberLookupResultSerializer,
            400: OpenApiResponse(description="未提供号码、同时提供两项，或号码不完整、校验位不正确（不回显号码）"),
            403: OpenApiResponse(ErrorDetailSerializer, description="角色无权查看完整个人信息（已记录）"),
            429: OpenApiResponse(ErrorDetailSerializer, description="查找过于频繁（响应头 Retry-After 为等待秒数）"),
        },
    )
    @action(
        detail=False, methods=["post"], url_path="lookup", url_name="lookup",
        filter_backends=[], pagination_class=None, permission_classes=[IsAuthenticated],
    )
    def lookup(self, request):
        data = request.data if hasattr(request.data, "get") else {}
        given = [name for name in LOOKUP_FIELDS if str(data.get(name) or "").strip()]
        field = given[0] if len(given) == 1 else None
        try:
            found = actions.member_lookup(
                actor=request.user, field=field, value=str(data.get(field) or "") if field else "",
                channel=AccessChannel.API, ip=client_ip(request),
            )
        except actions.LookupThrottled as exc:
            return Response(
                {"detail": str(exc)}, status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(exc.retry_after)},
            )
        rows = MemberSerializer(found, many=True, context=self.get_serializer_context()).data
        return Response({"count": len(found), "results": rows}, headers={"Cache-Control": "no-store"})


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
