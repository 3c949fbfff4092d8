from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.api.viewsets import _display
from network.instructors.models import Instructor, InstructorAssignment, InstructorVisit


class CurrentAssignmentSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True, label=_("单位名称"))

    class Meta:
        model = InstructorAssignment
        fields = ["id", "unit", "unit_name", "started_on", "last_visit_on"]


class InstructorSerializer(serializers.ModelSerializer):
    source_display = _display("get_source_display", _("来源名称"))
    area_name = serializers.CharField(source="area.name", read_only=True, label=_("选派区域名称"))
    phone_masked = serializers.CharField(read_only=True, label=_("联系电话（脱敏）"))
    current_assignments = CurrentAssignmentSerializer(many=True, read_only=True, source="current",
                                                      label=_("在联系的单位"))

    class Meta:
        model = Instructor
        fields = ["id", "name", "member", "area", "area_name", "source", "source_display", "appointed_on",
                  "ended_on", "active", "phone_masked", "current_assignments"]


class InstructorVisitSerializer(serializers.ModelSerializer):
    kind_display = _display("get_kind_display", _("指导内容名称"))
    instructor = serializers.IntegerField(source="assignment.instructor_id", read_only=True, label=_("指导员"))
    instructor_name = serializers.CharField(source="assignment.instructor.name", read_only=True, label=_("指导员姓名"))
    unit = serializers.IntegerField(source="assignment.unit_id", read_only=True, label=_("联系单位"))
    unit_name = serializers.CharField(source="assignment.unit.name", read_only=True, label=_("单位名称"))

    class Meta:
        model = InstructorVisit
        fields = ["id", "assignment", "instructor", "instructor_name", "unit", "unit_name", "visited_on", "kind",
                  "kind_display", "note"]
