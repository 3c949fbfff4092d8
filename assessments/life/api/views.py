"""API viewsets for organizational life.

Thin by design: scoping, filtering and pagination come from ``dangjian.api.viewsets``;
reads from ``assessments.life.selectors``; writes go to ``assessments.life.actions`` with
``actor=request.user`` (404 out of scope, 403 refused role, 400 field errors).
"""
from datetime import date, timedelta

import django_filters
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from assessments.life import actions, permissions, selectors
from assessments.life.api.serializers import (
    ActivityAttendanceSerializer,
    ActivitySerializer,
    ActivityTypeSerializer,
    AreaComplianceSerializer,
    InactiveMemberSerializer,
    OrgCalendarSerializer,
    RuleSetPublishSerializer,
    RuleSetSerializer,
    ServiceHoursSerializer,
    SignInRequestSerializer,
    SignInResultSerializer,
)
from assessments.life.models import Activity, ActivityType, RuleSet
from dangjian import trees
from dangjian.api.filters import IdFilter, visible_area_or_404
from dangjian.api.viewsets import ScopedModelViewSet, ScopedQuerysetMixin, ScopedReadOnlyViewSet
from organizations.areas import selectors as areas_selectors
from organizations.areas.models import Area
from organizations.members import selectors as members_selectors
from organizations.members.models import Member
from organizations.orgs import selectors as orgs_selectors
from organizations.orgs.models import PartyOrg
from services.ledger import selectors as ledger_selectors

_WITHIN = "?within=<区域编号> 只返回该区域子树内党组织的记录（区域不可见时 404）。"


def _attendance_dict(rows):
    if rows is None:
        return None
    return {row["member"]: (row["status"], row.get("reason", "")) for row in rows}


# ------------------------------------------------------------------ types and rules
@extend_schema_view(
    list=extend_schema(summary="活动类型", description="组织生活的活动类型（全局参考数据）。"),
    retrieve=extend_schema(summary="活动类型详情"),
)
class ActivityTypeViewSet(ScopedReadOnlyViewSet):
    serializer_class = ActivityTypeSerializer
    ordering = ("sort_order", "pk")
    pagination_class = None

    def scoped_queryset(self, user):
        return ActivityType.objects.all()


@extend_schema_view(
    list=extend_schema(summary="组织生活规则版本", description="默认规则和调用者辖区内（及其上级）发布的各版本，含规则项。"),
    retrieve=extend_schema(summary="规则版本详情"),
    create=extend_schema(
        summary="发布规则新版本",
        description="区委组织部或系统管理员为本辖区发布新版本：以生效日该区域适用的规则为底，按 rules 修改；"
        "自生效日起适用于该区域及全部下级区域。",
        request=RuleSetPublishSerializer, responses={201: RuleSetSerializer},
    ),
)
class RuleSetViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset_model = RuleSet
    serializer_class = RuleSetSerializer
    list_select_related = ("area",)
    ordering = (*trees.tree_order("area"), "-version", "pk")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("rules__activity_type")

    def create(self, request):
        serializer = RuleSetPublishSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        rules = [dict(r, activity_type=r["activity_type"].pk) for r in data["rules"]]
        rule_set = actions.rule_set_publish(
            actor=request.user, area=data["area"], name=data["name"], effective_from=data["effective_from"],
            notes=data["notes"], rules=rules,
        )
        rule_set = self.get_queryset().get(pk=rule_set.pk)
        return Response(RuleSetSerializer(rule_set).data, status=201)

    @extend_schema(
        summary="某区域适用的规则",
        parameters=[
            OpenApiParameter("area", int, required=True, description="区域编号（须在调用者可见范围内）"),
            OpenApiParameter("date", date, required=False, description="日期，默认今天"),
        ],
        responses={200: RuleSetSerializer, 404: OpenApiResponse(description="区域不存在或不在管辖范围内")},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def effective(self, request):
        area = visible_area_or_404(request.user, request.query_params.get("area"))
        raw = request.query_params.get("date")
        try:
            day = date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError:
            raise ValidationError({"date": [_("日期格式应为 YYYY-MM-DD。")]}) from None
        rule_set = selectors.rule_set_for(Area.objects.get(pk=area.pk), day)
        if rule_set is None:
            raise Http404
        rule_set = RuleSet.objects.prefetch_related("rules__activity_type").select_related("area").get(pk=rule_set.pk)
        return Response(RuleSetSerializer(rule_set).data)


# ----------------------------------------------------------------------- activities
class ActivityFilterSet(FilterSet):
    org = IdFilter(label=gettext_lazy("党组织编号"), field_name="org")
    activity_type = IdFilter(label=gettext_lazy("活动类型编号"), field_name="activity_type")
    start = django_filters.DateFilter(label=gettext_lazy("起始日期（含）"), method="filter_start")
    end = django_filters.DateFilter(label=gettext_lazy("截止日期（含）"), method="filter_end")

    class Meta:
        model = Activity
        fields = ["org", "activity_type", "start", "end"]

    def filter_start(self, queryset, name, value):
        return queryset.filter(starts_at__gte=selectors.day_start(value))

    def filter_end(self, queryset, name, value):
        return queryset.filter(starts_at__lt=selectors.day_start(value + timedelta(days=1)))


@extend_schema_view(
    list=extend_schema(summary="组织生活记录", description="调用者可见党组织的活动，新的在前；?org= 按党组织。" + _WITHIN),
    retrieve=extend_schema(summary="组织生活记录详情"),
    create=extend_schema(
        summary="填报组织生活",
        description="须对该党组织有管理角色；attendance 中的党员须在该组织名册内（党员先锋日、志愿服务可为任何可见党员），"
        "缺席和请假须填原因。计入志愿服务的活动类型自动为出席党员记录服务时长。",
    ),
    update=extend_schema(summary="修改组织生活记录", description="给出 attendance 则整体替换出席名单。"),
    partial_update=extend_schema(summary="修改组织生活记录（部分字段）"),
)
class ActivityViewSet(ScopedModelViewSet):
    queryset_model = Activity
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilterSet
    list_select_related = ("org", "activity_type")
    ordering = ("-starts_at", "-pk")
    within_field = "org__area"

    def scoped_queryset(self, user):
        if self.action == "list":  # the page's counts are attached after pagination
            return selectors.activities_for(user)
        return selectors.with_attendance_counts(selectors.activities_for(user))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        selectors.attach_attendance_counts(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create_object(self, data):
        attendance = _attendance_dict(data.pop("attendance", None))
        return actions.activity_file(actor=self.actor(), org=data.pop("org"), attendance=attendance, **data)

    def update_object(self, instance, data):
        org = data.pop("org", None)
        if org is not None and org.pk != instance.org_id:
            raise ValidationError({"org": [_("不能更改活动所属的党组织。")]})
        attendance = _attendance_dict(data.pop("attendance", None))
        return actions.activity_update(actor=self.actor(), activity=instance, attendance=attendance, **data)

    @extend_schema(
        summary="出席情况与到会人数核验",
        description="出席记录（只含调用者可见的党员）和到会人数是否超过半数（支部党员大会按正式党员，支委会按支部委员）。",
        responses=ActivityAttendanceSerializer,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def attendance(self, request, pk=None):
        activity = self.get_object()
        activity = Activity.objects.select_related("activity_type", "org__area").get(pk=activity.pk)
        rows = selectors.visible_attendance(request.user, activity)
        return Response(ActivityAttendanceSerializer({"quorum": selectors.activity_quorum(activity), "results": rows}).data)


# ------------------------------------------------------------------------ sign-in
class SignInViewSet(viewsets.GenericViewSet):
    """QR sign-in for apps: the same rules as the page behind the QR code."""

    serializer_class = SignInRequestSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        summary="扫码签到",
        description="登录账号关联的党员在活动签到时间内（开始前30分钟至结束后30分钟）签到为出席；重复签到不产生新记录。",
        request=SignInRequestSerializer,
        responses={
            200: SignInResultSerializer,
            400: OpenApiResponse(description="签到尚未开始 / 签到已结束 / 账号未关联党员 / 不是该组织党员"),
            404: OpenApiResponse(description="签到码不存在"),
        },
    )
    def create(self, request):
        serializer = SignInRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = actions.activity_sign_in(actor=request.user, token=serializer.validated_data["token"])
        return Response(SignInResultSerializer(result).data)


# ------------------------------------------------------------------ compliance
@extend_schema_view(
    retrieve=extend_schema(
        summary="区域组织生活合规情况",
        description="该区域子树内党组织在滚动12个月内是否有逾期未开展的组织生活：合规率、各下级区域合规率、未达标组织及逾期项。"
        "需要对该区域的名册角色（系统管理员、区委组织部、街道、社区、网格）。",
        responses={200: AreaComplianceSerializer, 403: OpenApiResponse(description="角色无权查看"), 404: OpenApiResponse(description="区域不可见")},
    ),
)
class ComplianceViewSet(ScopedQuerysetMixin, viewsets.GenericViewSet):
    queryset_model = Area
    serializer_class = AreaComplianceSerializer
    filter_backends: list = []
    pagination_class = None

    def retrieve(self, request, pk=None):
        area = self.get_object()
        if not permissions.can_oversee(request.user, area):
            raise PermissionDenied(_("您的角色不能查看该区域的组织生活合规情况。"))
        return Response(AreaComplianceSerializer(selectors.area_compliance(area, timezone.localdate())).data)


@extend_schema_view(
    retrieve=extend_schema(
        summary="党组织合规日历",
        description="该党组织每项适用规则在滚动12个月内各期的状态（已完成、本期待完成、逾期未开展、未到期）及计入的活动。",
        responses={200: OrgCalendarSerializer, 404: OpenApiResponse(description="党组织不可见")},
    ),
)
class OrgCalendarViewSet(ScopedQuerysetMixin, viewsets.GenericViewSet):
    queryset_model = PartyOrg
    serializer_class = OrgCalendarSerializer
    list_select_related = ("area",)
    filter_backends: list = []
    pagination_class = None

    def retrieve(self, request, pk=None):
        org = self.get_object()
        return Response(OrgCalendarSerializer(selectors.org_calendar(org, timezone.localdate())).data)


# ---------------------------------------------------------------------- members
_SUBJECT_PARAMETERS = [
    OpenApiParameter("within", int, required=False, description="区域编号：该区域子树内党组织的党员（默认调用者的顶级区域）"),
    OpenApiParameter("org", int, required=False, description="党组织编号：该组织名册内的党员"),
]


class _MemberReportViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Members of an area (``?within=``) or an organization (``?org=``), for roster roles."""

    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def subject(self):
        user = self.request.user
        params = self.request.query_params
        if params.get("org"):
            try:
                pk = int(params["org"])
            except ValueError:
                raise ValidationError({"org": [_("党组织编号必须是整数。")]}) from None
            org = orgs_selectors.orgs_for(user).select_related("area").filter(pk=pk).first()
            if org is None:
                raise Http404
            if not permissions.can_oversee_org(user, org):
                raise PermissionDenied(_("您的角色不能查看党员名册。"))
            return org
        if params.get("within"):
            area = Area.objects.get(pk=visible_area_or_404(user, params["within"]).pk)
        else:
            tops = list(areas_selectors.top_areas_for(user))
            area = tops[0] if tops else None
        if area is None or not permissions.can_oversee(user, area):
            raise PermissionDenied(_("您的角色不能查看党员名册。"))
        return area

    def visible(self, members):
        return (members & members_selectors.members_for(self.request.user)).select_related("organization")


@extend_schema_view(
    list=extend_schema(
        summary="连续六个月未参加组织生活的党员",
        description="自六个月前（含当日）起没有出席任何组织生活的党员（党章第九条），附最近一次出席时间；六个月内入党的不列入。",
        parameters=_SUBJECT_PARAMETERS,
    ),
)
class InactiveMemberViewSet(_MemberReportViewSet):
    serializer_class = InactiveMemberSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Member.objects.none()
        members = selectors.inactive_members(self.subject(), timezone.localdate())
        return self.visible(members).order_by(*trees.tree_order("organization"), "name", "pk")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        selectors.last_attended(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(
        summary="党员志愿服务时长",
        description="按年度汇总的志愿服务时长（党员先锋日、志愿服务等活动出席自动计入），多的在前。",
        parameters=[*_SUBJECT_PARAMETERS, OpenApiParameter("year", int, required=False, description="年度，默认今年")],
    ),
)
class ServiceHoursViewSet(_MemberReportViewSet):
    serializer_class = ServiceHoursSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Member.objects.none()
        subject = self.subject()
        raw = self.request.query_params.get("year")
        try:
            year = int(raw) if raw else timezone.localdate().year
            date(year, 1, 1)
        except ValueError:
            raise ValidationError({"year": [_("年度不正确。")]}) from None
        members = members_selectors.members_for(self.request.user)
        if isinstance(subject, PartyOrg):
            members = members.filter(selectors.roster_q(subject))
        else:
            members = members.filter(trees.subtree_q(subject, "organization__area"))
        return ledger_selectors.with_year_hours(members, year, "service_hours").select_related(
            "organization"
        ).order_by("-service_hours", "name", "pk")
