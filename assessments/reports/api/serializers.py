from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from assessments.reports.models import Report, ReportCell, ReportColumn
from dangjian.api.viewsets import _display


class ReportColumnSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True, label=_("列名"))
    field_name = serializers.CharField(source="field.name", read_only=True, default=None, allow_null=True,
                                       label=_("字段名称"), help_text=_("由报表字段填报的列：字段名称；计算列为空"))

    class Meta:
        model = ReportColumn
        fields = ("id", "position", "title", "figure_code", "field", "field_name")
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer):
    status_display = _display("get_status_display", _("状态名称"))
    subject_level_display = _display("get_subject_level_display", _("填报对象名称"))
    area_name = serializers.CharField(source="area.name", read_only=True, label=_("制表单位"))
    within_name = serializers.CharField(source="within.name", read_only=True, label=_("统计范围"))

    class Meta:
        model = Report
        fields = ("id", "name", "area", "area_name", "subject_level", "subject_level_display", "org_category",
                  "within", "within_name", "period_kind", "period_key", "due_on", "status", "status_display",
                  "published_at", "computed_at", "created_at")
        read_only_fields = fields


class ReportDetailSerializer(ReportSerializer):
    columns = ReportColumnSerializer(many=True, read_only=True, label=_("列"))

    class Meta(ReportSerializer.Meta):
        fields = (*ReportSerializer.Meta.fields, "columns")
        read_only_fields = fields


class ReportCellSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportCell
        fields = ("id", "report", "column", "subject_id", "number", "text", "url", "value_key", "filled",
                  "filled_at", "computed_at")
        read_only_fields = fields
