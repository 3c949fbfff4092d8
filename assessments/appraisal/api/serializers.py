"""API shapes of 民主评议党员 (read-only)."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from assessments.appraisal.choices import AppraisalStatus, Grade
from assessments.appraisal.models import Appraisal, AppraisalGrade
from assessments.appraisal.selectors import GRADE_KEYS
from dangjian.api.fields import inline_enum_field

AppraisalStatusField = inline_enum_field(AppraisalStatus, "AppraisalStatusField")
GradeField = inline_enum_field(Grade, "AppraisalGradeField")


class GradeCountsSerializer(serializers.Serializer):
    excellent = serializers.IntegerField(label=_("优秀"))
    qualified = serializers.IntegerField(label=_("合格"))
    basic = serializers.IntegerField(label=_("基本合格"))
    unqualified = serializers.IntegerField(label=_("不合格"))


class AppraisalSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True, label=_("党支部名称"))
    status = AppraisalStatusField(read_only=True, label=_("状态"))
    status_display = serializers.CharField(source="get_status_display", read_only=True, label=_("状态名称"))
    counts = serializers.SerializerMethodField(label=_("各等次人数"))

    class Meta:
        model = Appraisal
        fields = ["id", "org", "org_name", "year", "activity", "status", "status_display", "confirmed_at", "approved_at",
                  "return_reason", "counts"]
        read_only_fields = fields

    def get_counts(self, obj) -> GradeCountsSerializer:
        return {k: getattr(obj, f"n_{k}", 0) for k in GRADE_KEYS}


class AppraisalGradeSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True, label=_("党员姓名"))
    grade = GradeField(read_only=True, label=_("评议等次"))
    grade_display = serializers.CharField(source="get_grade_display", read_only=True, label=_("等次名称"))

    class Meta:
        model = AppraisalGrade
        fields = ["id", "member", "member_name", "grade", "grade_display", "note"]
        read_only_fields = fields


class AppraisalDetailSerializer(AppraisalSerializer):
    grades = AppraisalGradeSerializer(many=True, read_only=True, label=_("党员评议等次"))

    class Meta(AppraisalSerializer.Meta):
        fields = [*AppraisalSerializer.Meta.fields, "grades"]
        read_only_fields = fields
