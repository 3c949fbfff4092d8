"""API shapes of 吹哨报到.  Whistles carry no resident's personal data; the accounts that
acted are shown by name to those who may open the whistle."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.api.fields import inline_enum_field
from organizations.areas.models import Area
from organizations.units.models import ResidentUnit
from services.resident.choices import Satisfaction
from services.whistles.choices import TargetStatus, WhistleSource, WhistleStatus
from services.whistles.models import Department, Whistle, WhistleEvent, WhistleTarget

WhistleStatusField = inline_enum_field(WhistleStatus, "WhistleStatusField")
TargetStatusField = inline_enum_field(TargetStatus, "TargetStatusField")
WhistleSourceField = inline_enum_field(WhistleSource, "WhistleSourceField")
SatisfactionField = inline_enum_field(Satisfaction, "SatisfactionField")


class WhistleTargetSerializer(serializers.ModelSerializer):
    party_kind = serializers.SerializerMethodField(label=_("类型（department/unit）"))
    party_name = serializers.SerializerMethodField(label=_("部门或单位名称"))
    status = TargetStatusField(read_only=True, label=_("状态"))
    status_display = serializers.CharField(source="get_status_display", read_only=True, label=_("状态名称"))
    satisfaction = SatisfactionField(read_only=True, label=_("满意度"))
    satisfaction_display = serializers.CharField(source="get_satisfaction_display", read_only=True, label=_("满意度名称"))

    class Meta:
        model = WhistleTarget
        fields = [
            "id", "department", "unit", "party_kind", "party_name", "status", "status_display", "reported_at",
            "answer", "resolved_at", "confirmed_at", "satisfaction", "satisfaction_display", "reopen_count",
            "escalation_stage", "escalated_at",
        ]
        read_only_fields = fields

    def get_party_kind(self, obj) -> str:
        return "department" if obj.department_id else "unit"

    def get_party_name(self, obj) -> str:
        return str(obj.party)


class WhistleEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField(label=_("操作人"))

    class Meta:
        model = WhistleEvent
        fields = ["id", "target", "from_status", "to_status", "note", "actor_name", "at"]
        read_only_fields = fields

    def get_actor_name(self, obj) -> str:
        actor = obj.actor
        return (actor.get_full_name() or actor.username) if actor else ""


class WhistleSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True, label=_("吹哨区域名称"))
    escalated_to_name = serializers.CharField(source="escalated_to.name", read_only=True, allow_null=True,
                                              label=_("已升级至"))
    status = WhistleStatusField(read_only=True, label=_("状态"))
    status_display = serializers.CharField(source="get_status_display", read_only=True, label=_("状态名称"))
    source = WhistleSourceField(read_only=True, label=_("来源"))
    targets = WhistleTargetSerializer(many=True, read_only=True, label=_("被吹哨单位"))

    class Meta:
        model = Whistle
        fields = [
            "id", "code", "area", "area_name", "title", "description", "source", "source_id", "status",
            "status_display", "report_due", "resolve_due", "escalated_to", "escalated_to_name", "escalation_level",
            "created_at", "closed_at", "targets",
        ]
        read_only_fields = fields


class WhistleDetailSerializer(WhistleSerializer):
    events = serializers.SerializerMethodField(label=_("进展"))

    class Meta(WhistleSerializer.Meta):
        fields = [*WhistleSerializer.Meta.fields, "events"]
        read_only_fields = fields

    def get_events(self, obj) -> list[dict]:
        from services.whistles.selectors import whistle_events

        return WhistleEventSerializer(whistle_events(obj), many=True).data


class WhistleCreateSerializer(serializers.Serializer):
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("吹哨的街道或社区"))
    title = serializers.CharField(max_length=100, label=_("吹哨事项"))
    description = serializers.CharField(max_length=2000, label=_("情况说明"))
    departments = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), many=True, required=False,
                                                     label=_("职能部门"))
    units = serializers.PrimaryKeyRelatedField(queryset=ResidentUnit.objects.all(), many=True, required=False,
                                               label=_("驻区单位"))
    report_due = serializers.DateTimeField(required=False, allow_null=True, label=_("报到截止（默认 24 小时）"))
    resolve_due = serializers.DateTimeField(required=False, allow_null=True, label=_("办结截止（默认 7 天）"))
    request = serializers.IntegerField(required=False, allow_null=True, min_value=1, label=_("来源诉求编号"))
    diary = serializers.IntegerField(required=False, allow_null=True, min_value=1, label=_("来源民情日记编号"))


class WhistleReportInSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, label=_("报到说明"))


class WhistleResolveSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=2000, label=_("办理结果"))


class WhistleConfirmSerializer(serializers.Serializer):
    satisfaction = SatisfactionField(label=_("满意度"))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, label=_("评价意见"))


class WhistleReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, label=_("原因"))


class DepartmentSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True, label=_("所属区域名称"))

    class Meta:
        model = Department
        fields = ["id", "name", "area", "area_name", "phone", "is_active"]
        read_only_fields = ["id", "area_name"]
