"""Read-only API of one-table reports, scoped like the pages.

``/api/reports/``       the reports the caller sees (defined in their tree, or asking them);
                        the detail carries the columns.
``/api/report-cells/``  the computed cells of those reports; ``?report=`` one report's.
Writes go through the portal's pages (the actions)."""
import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.permissions import IsAuthenticated

from assessments.reports import permissions
from assessments.reports.api.serializers import ReportCellSerializer, ReportDetailSerializer, ReportSerializer
from assessments.reports.choices import ReportStatus
from assessments.reports.models import Report, ReportCell, ReportColumn
from dangjian.api.filters import IdFilter
from dangjian.api.viewsets import ScopedReadOnlyViewSet


class ReportReaders(IsAuthenticated):
    message = _("只有区、街道、社区的工作人员可以查看报表。")

    def has_permission(self, request, view):
        return super().has_permission(request, view) and permissions.can_open_reports(request.user)


class ReportFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ReportStatus.choices)
    period_key = django_filters.CharFilter(label=_("统计期"))

    class Meta:
        model = Report
        fields = ("status", "period_key")


@extend_schema_view(list=extend_schema(summary="报表（一表通）"),
                    retrieve=extend_schema(summary="报表详情", responses=ReportDetailSerializer))
class ReportViewSet(ScopedReadOnlyViewSet):
    queryset_model = Report
    permission_classes = [ReportReaders]
    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet
    list_select_related = ("area", "within")
    ordering = ("-created_at", "-pk")
    within_field = "area"

    def get_serializer_class(self):
        return ReportDetailSerializer if self.action == "retrieve" else ReportSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related(Prefetch("columns", queryset=ReportColumn.objects.select_related("field")))
        return qs


class ReportCellFilterSet(django_filters.FilterSet):
    report = IdFilter(field_name="report_id", label=_("报表编号"))
    column = IdFilter(field_name="column_id", label=_("列编号"))

    class Meta:
        model = ReportCell
        fields = ("report", "column", "subject_id")


@extend_schema_view(list=extend_schema(summary="报表单元格"), retrieve=extend_schema(summary="报表单元格详情"))
class ReportCellViewSet(ScopedReadOnlyViewSet):
    queryset_model = ReportCell
    permission_classes = [ReportReaders]
    serializer_class = ReportCellSerializer
    filterset_class = ReportCellFilterSet
    ordering = ("report_id", "subject_id", "column_id")


ROUTES = (
    ("reports", ReportViewSet, "report"),
    ("report-cells", ReportCellViewSet, "report-cell"),
)
