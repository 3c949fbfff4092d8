"""API of 双报到.

``/api/member-reports/``
    The reports the caller may see (``MemberReport.visible_to``: the communities in their
    areas, and the members they may see — a member sees their own).  POST reports a member
    in (the member themself, or a managing role over their residence community): 201 for
    a new report, 200 when the same day's (or a still valid) report is returned.
``/api/cobuild-agreements/``
    Co-building agreements (``CoBuildAgreement.visible_to``); POST/PATCH through the
    actions; ``POST {id}/end/`` ends one (409 when it has already ended).
``/api/member-hours/``
    Members the caller may see with their hours of ``?year=`` (default this year) by
    source, the target and their report status today; ``?in_service=true``,
    ``?status=valid|expired|never``, ``?within=<area>`` (by residence).
Every list runs a constant number of queries.
"""
import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from dangjian.api.filters import IdFilter
from dangjian.api.viewsets import ScopedModelViewSet, ScopedQuerysetMixin, ScopedReadOnlyViewSet
from organizations.members.models import Member
from services.checkins import actions, selectors
from services.checkins.api.serializers import (
    AgreementEndSerializer,
    CoBuildAgreementSerializer,
    CoBuildAgreementWriteSerializer,
    MemberHoursSerializer,
    MemberReportCreateSerializer,
    MemberReportSerializer,
)
from services.checkins.choices import AgreementStatus
from services.checkins.models import CoBuildAgreement, MemberReport
from services.ledger.models import ServiceSource
from services.resident.api.serializers import ConflictSerializer


class MemberReportFilterSet(FilterSet):
    member = IdFilter(label=_("党员"), field_name="member")
    community = IdFilter(label=_("报到社区"), field_name="community")
    valid = django_filters.BooleanFilter(label=_("今天有效"), method="filter_valid")

    class Meta:
        model = MemberReport
        fields = ["member", "community", "valid"]

    def filter_valid(self, queryset, name, value):
        today = timezone.localdate()
        inside = {"reported_on__lte": today, "valid_until__gte": today}
        return queryset.filter(**inside) if value else queryset.exclude(**inside)


@extend_schema_view(
    list=extend_schema(summary="在职党员报到记录", tags=["reporting"]),
    retrieve=extend_schema(summary="报到记录详情", tags=["reporting"]),
    create=extend_schema(summary="在职党员到居住地社区报到", request=MemberReportCreateSerializer,
                         responses={201: MemberReportSerializer, 200: MemberReportSerializer}, tags=["reporting"]),
)
class MemberReportViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          mixins.CreateModelMixin, viewsets.GenericViewSet):
    queryset_model = MemberReport
    serializer_class = MemberReportSerializer
    filterset_class = MemberReportFilterSet
    permission_classes = [IsAuthenticated]  # a member reports themself; the action checks the rest
    list_select_related = ("member", "community")
    ordering = ("-reported_on", "-pk")
    within_field = "community"

    def create(self, request, *args, **kwargs):
        body = MemberReportCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        report = actions.member_report_in(actor=request.user, **body.validated_data)
        created = report.created
        report = self.get_queryset().filter(pk=report.pk).first() or report
        data = MemberReportSerializer(report, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class AgreementFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=AgreementStatus.choices)
    community = IdFilter(label=_("报到社区"), field_name="community")
    org = IdFilter(label=_("报到党组织"), field_name="org")

    class Meta:
        model = CoBuildAgreement
        fields = ["status", "community", "org"]


@extend_schema_view(
    list=extend_schema(summary="共建协议列表", tags=["reporting"]),
    retrieve=extend_schema(summary="共建协议详情", tags=["reporting"]),
    create=extend_schema(summary="登记共建协议", request=CoBuildAgreementWriteSerializer,
                         responses={201: CoBuildAgreementSerializer}, tags=["reporting"]),
    update=extend_schema(summary="修改共建协议", request=CoBuildAgreementWriteSerializer,
                         responses={200: CoBuildAgreementSerializer, 409: ConflictSerializer}, tags=["reporting"]),
    partial_update=extend_schema(summary="修改共建协议（部分字段）", request=CoBuildAgreementWriteSerializer,
                                 responses={200: CoBuildAgreementSerializer, 409: ConflictSerializer}, tags=["reporting"]),
)
class CoBuildAgreementViewSet(ScopedModelViewSet):
    queryset_model = CoBuildAgreement
    filterset_class = AgreementFilterSet
    list_select_related = ("org", "community")
    ordering = ("-starts_on", "-pk")
    within_field = "community"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("branches")

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return CoBuildAgreementWriteSerializer
        return CoBuildAgreementSerializer

    def create_object(self, data):
        return actions.agreement_create(actor=self.actor(), **data)

    def update_object(self, instance, data):
        return actions.agreement_update(actor=self.actor(), agreement=instance, **data)

    @extend_schema(summary="结束共建", request=AgreementEndSerializer,
                   responses={200: CoBuildAgreementSerializer, 409: OpenApiResponse(ConflictSerializer)},
                   tags=["reporting"])
    @action(detail=True, methods=["post"], filter_backends=[])
    def end(self, request, pk=None):
        agreement = self.get_object()
        body = AgreementEndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        agreement = actions.agreement_end(actor=request.user, agreement=agreement, note=body.validated_data.get("note", ""))
        agreement = self.get_queryset().filter(pk=agreement.pk).first() or agreement
        return Response(CoBuildAgreementSerializer(agreement, context=self.get_serializer_context()).data)


class MemberHoursFilterSet(FilterSet):
    in_service = django_filters.BooleanFilter(label=_("在职党员"), field_name="in_service")
    status = django_filters.ChoiceFilter(label=_("报到状态"), choices=selectors.ReportStatus.choices,
                                        field_name="report_status")

    class Meta:
        model = Member
        fields = ["in_service", "status"]


_YEAR = OpenApiParameter("year", {"type": "integer", "minimum": 2000, "maximum": 2100}, description="年度（默认今年），2000 至 2100")


@extend_schema_view(
    list=extend_schema(summary="党员服务时长汇总", parameters=[_YEAR], tags=["reporting"]),
    retrieve=extend_schema(summary="一名党员的服务时长", parameters=[_YEAR], tags=["reporting"]),
)
class MemberHoursViewSet(ScopedReadOnlyViewSet):
    queryset_model = Member
    serializer_class = MemberHoursSerializer
    filterset_class = MemberHoursFilterSet
    list_select_related = ("organization", "employer_org")
    ordering = ("name", "pk")
    within_field = "residence"

    def year(self) -> int:
        raw = self.request.query_params.get("year")
        if raw in (None, ""):
            return timezone.localdate().year
        if not (raw.isascii() and raw.isdigit()) or not 2000 <= int(raw) <= 2100:
            raise ValidationError({"year": [_("年度应为 2000 至 2100 之间的整数。")]})
        return int(raw)

    def scoped_queryset(self, user):
        year = self.year()
        start, end = selectors.year_bounds(year)
        members = selectors.with_report_status(Member.objects.visible_to(user), timezone.localdate())
        return members.annotate(
            year_hours=selectors.member_hours(start, end),
            **{f"hours_{s}": selectors.member_hours(start, end, s) for s in ServiceSource.values},
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "year": self.year()}


ROUTES = (
    ("member-reports", MemberReportViewSet, "member-report"),
    ("cobuild-agreements", CoBuildAgreementViewSet, "cobuild-agreement"),
    ("member-hours", MemberHoursViewSet, "member-hours"),
)
