"""API shapes for organizational life.

Serializers validate shapes only; the viewsets hand ``validated_data`` to
``assessments.life.actions``, which check scope, roles, the roster and the rules.  Attendance
members are plain ids: the action refuses ids outside the roster without saying whose
they are.  The sign-in token of an activity is never exposed by the API (it is shown as a
QR code to the cadre who runs the activity).
"""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.life.choices import AttendanceStatus, DeliberationStep, Frequency
from assessments.life.models import Activity, ActivityRule, ActivityType, Attendance, RuleSet
from dangjian.api.viewsets import ScopedPrimaryKeyRelatedField
from organizations.areas.models import Area
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg


def _display(source: str, label: str):
    return serializers.CharField(source=source, read_only=True, label=label)


# ------------------------------------------------------------------ types and rules
class ActivityTypeSerializer(serializers.ModelSerializer):
    quorum_basis_display = _display("get_quorum_basis_display", _("到会人数要求名称"))

    class Meta:
        model = ActivityType
        fields = [
            "id", "code", "name", "description", "quorum_basis", "quorum_basis_display", "counts_service",
            "default_service_hours", "has_steps", "sort_order",
        ]
        read_only_fields = fields


class ActivityRuleSerializer(serializers.ModelSerializer):
    activity_type_code = serializers.CharField(source="activity_type.code", read_only=True, label=_("活动类型代码"))
    activity_type_name = serializers.CharField(source="activity_type.name", read_only=True, label=_("活动类型名称"))
    frequency_display = _display("get_frequency_display", _("频次名称"))
    org_kinds = serializers.ListField(child=serializers.CharField(), read_only=True, label=_("适用组织类别"))
    org_categories = serializers.ListField(child=serializers.CharField(), read_only=True, label=_("限于组织类型"))

    class Meta:
        model = ActivityRule
        fields = [
            "activity_type", "activity_type_code", "activity_type_name", "frequency", "frequency_display",
            "min_count", "org_kinds", "org_categories",
        ]
        read_only_fields = fields


class RuleSetSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True, allow_null=True, label=_("适用区域名称"))
    rules = ActivityRuleSerializer(many=True, read_only=True, label=_("规则"))

    class Meta:
        model = RuleSet
        fields = ["id", "name", "area", "area_name", "version", "effective_from", "notes", "created_at", "rules"]
        read_only_fields = fields


class RuleChangeSerializer(serializers.Serializer):
    activity_type = serializers.PrimaryKeyRelatedField(queryset=ActivityType.objects.all(), label=_("活动类型"))
    frequency = serializers.ChoiceField(choices=Frequency.choices, required=False, label=_("频次"))
    min_count = serializers.IntegerField(min_value=1, max_value=31, required=False, label=_("每期至少次数"))
    org_kinds = serializers.ListField(
        child=serializers.CharField(), required=False, label=_("适用组织类别"),
        help_text=_("组织类别代码：%(codes)s") % {"codes": ", ".join(OrgKind.values)},
    )
    org_categories = serializers.ListField(
        child=serializers.CharField(), required=False, label=_("限于组织类型"),
        help_text=_("组织类型代码：%(codes)s；空表示不限") % {"codes": ", ".join(OrgCategory.values)},
    )

    def _codes(self, values, allowed):
        bad = [v for v in values if v not in allowed]
        if bad:
            raise serializers.ValidationError(_("代码不正确：%(bad)s") % {"bad": ", ".join(bad)})
        return values

    def validate_org_kinds(self, values):
        return self._codes(values, OrgKind.values)

    def validate_org_categories(self, values):
        return self._codes(values, OrgCategory.values)


class RuleSetPublishSerializer(serializers.Serializer):
    """A new version for an area: the rules in force there on ``effective_from``, with
    the listed changes (types not listed are copied unchanged)."""

    area = ScopedPrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("适用区域"))
    name = serializers.CharField(max_length=100, label=_("名称"))
    effective_from = serializers.DateField(label=_("生效日期"))
    notes = serializers.CharField(required=False, allow_blank=True, default="", label=_("说明"))
    rules = RuleChangeSerializer(many=True, required=False, default=list, label=_("变动的规则"))


# ----------------------------------------------------------------------- activities
class AttendanceInputSerializer(serializers.Serializer):
    member = serializers.IntegerField(min_value=1, label=_("党员编号"))
    # A plain string (not an enum) so its schema name does not collide with members' status.
    status = serializers.CharField(label=_("出席情况"), help_text=_("present 出席 / absent 缺席 / excused 请假"))
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200, label=_("缺席/请假原因"))

    def validate_status(self, value):
        if value not in AttendanceStatus.values:
            raise serializers.ValidationError(_("出席情况应为 present、absent 或 excused。"))
        return value


class AttendanceSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, label=_("出席情况"), help_text=_("present / absent / excused"))
    member_name = serializers.CharField(source="member.name", read_only=True, label=_("党员姓名"))
    status_display = _display("get_status_display", _("出席情况名称"))
    via_display = _display("get_via_display", _("登记方式名称"))

    class Meta:
        model = Attendance
        fields = ["id", "member", "member_name", "status", "status_display", "reason", "via", "via_display", "signed_in_at"]
        read_only_fields = fields


class ActivitySerializer(serializers.ModelSerializer):
    org = ScopedPrimaryKeyRelatedField(queryset=PartyOrg.objects.all(), label=_("党组织"))
    org_name = serializers.CharField(source="org.name", read_only=True, label=_("党组织名称"))
    activity_type = serializers.PrimaryKeyRelatedField(queryset=ActivityType.objects.all(), label=_("活动类型"))
    activity_type_name = serializers.CharField(source="activity_type.name", read_only=True, label=_("活动类型名称"))
    step = serializers.ChoiceField(choices=DeliberationStep.choices, required=False, allow_blank=True, label=_("议事环节"))
    service_hours = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True, label=_("服务时长（小时/人）"),
        help_text=_("留空按活动类型的默认时长"),
    )
    present_count = serializers.IntegerField(read_only=True, label=_("出席人数"))
    absent_count = serializers.IntegerField(read_only=True, label=_("缺席人数"))
    excused_count = serializers.IntegerField(read_only=True, label=_("请假人数"))
    attendance = AttendanceInputSerializer(
        many=True, required=False, write_only=True, label=_("出席情况"),
        help_text=_("完整的出席名单：修改时给出则整体替换，不给则保持不变"),
    )

    class Meta:
        model = Activity
        fields = [
            "id", "org", "org_name", "activity_type", "activity_type_name", "starts_at", "ends_at", "place", "topic",
            "minutes", "decisions", "step", "service_hours", "present_count", "absent_count", "excused_count",
            "attendance", "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        validators = []

    def validate_attendance(self, rows):
        seen = set()
        for row in rows:
            if row["member"] in seen:
                raise serializers.ValidationError(_("党员 %(id)s 重复出现。") % {"id": row["member"]})
            seen.add(row["member"])
        return rows


class QuorumSerializer(serializers.Serializer):
    basis = serializers.CharField(label=_("到会人数要求"))
    basis_label = serializers.CharField(label=_("应到人员"))
    expected = serializers.IntegerField(label=_("应到人数"))
    present = serializers.IntegerField(label=_("实到人数"))
    met = serializers.BooleanField(label=_("超过半数"))


class ActivityAttendanceSerializer(serializers.Serializer):
    quorum = QuorumSerializer(allow_null=True, label=_("到会人数核验（无要求的活动类型为空）"))
    results = AttendanceSerializer(many=True, label=_("出席记录（只含调用者可见的党员）"))


class SignInRequestSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=64, label=_("签到码"), help_text=_("二维码中 /life/sign-in/<签到码>/ 的签到码"))


class SignInResultSerializer(serializers.Serializer):
    activity = serializers.IntegerField(source="activity.pk", label=_("活动编号"))
    topic = serializers.CharField(source="activity.topic", label=_("主题"))
    member = serializers.IntegerField(source="attendance.member_id", label=_("党员编号"))
    status = serializers.CharField(source="attendance.status", label=_("出席情况"))
    signed_in_at = serializers.DateTimeField(source="attendance.signed_in_at", label=_("签到时间"))
    already = serializers.BooleanField(label=_("此前已签到"))


# ------------------------------------------------------------------------ compliance
class PeriodItemSerializer(serializers.Serializer):
    activity_type = serializers.CharField(label=_("活动类型"))
    period = serializers.CharField(label=_("期次"))


class ComplianceShareSerializer(serializers.Serializer):
    area_id = serializers.IntegerField(allow_null=True, label=_("区域编号"))
    name = serializers.CharField(label=_("区域名称"))
    total = serializers.IntegerField(label=_("党组织总数"))
    assessed = serializers.IntegerField(label=_("应评估组织数"))
    compliant = serializers.IntegerField(label=_("合规组织数"))
    share = serializers.FloatField(allow_null=True, label=_("合规率（0–1）"))


class OrgComplianceSerializer(serializers.Serializer):
    id = serializers.IntegerField(label=_("党组织编号"))
    name = serializers.CharField(label=_("党组织名称"))
    kind = serializers.CharField(label=_("组织类别"))
    area_id = serializers.IntegerField(label=_("所在区域编号"))
    area_name = serializers.CharField(label=_("所在区域"))
    child_area_id = serializers.IntegerField(allow_null=True, label=_("所属下级区域编号（本级组织为空）"))
    compliant = serializers.BooleanField(label=_("合规"))
    overdue = serializers.SerializerMethodField(label=_("逾期未开展"))
    due = serializers.SerializerMethodField(label=_("本期待完成"))

    @extend_schema_field(PeriodItemSerializer(many=True))
    def get_overdue(self, obj):
        return [{"activity_type": t, "period": p} for t, p in obj.overdue]

    @extend_schema_field(PeriodItemSerializer(many=True))
    def get_due(self, obj):
        return [{"activity_type": t, "period": p} for t, p in obj.due]


class AreaComplianceSerializer(serializers.Serializer):
    area_id = serializers.IntegerField(source="area.pk", label=_("区域编号"))
    area_name = serializers.CharField(source="area.name", label=_("区域名称"))
    today = serializers.DateField(label=_("评估日"))
    window_start = serializers.DateField(label=_("评估期起始"))
    summary = ComplianceShareSerializer(label=_("全部"))
    children = ComplianceShareSerializer(many=True, label=_("各下级区域"))
    own = ComplianceShareSerializer(label=_("本级党组织"))
    noncompliant = OrgComplianceSerializer(many=True, label=_("未达标的党组织"))


class CalendarCellSerializer(serializers.Serializer):
    label = serializers.CharField(source="period.label", label=_("期次"))
    start = serializers.DateField(source="period.start", label=_("起"))
    end = serializers.DateField(source="period.end", label=_("止"))
    status = serializers.CharField(label=_("状态"))
    status_label = serializers.CharField(label=_("状态名称"))
    done = serializers.IntegerField(label=_("已开展次数"))
    activities = serializers.SerializerMethodField(label=_("计入的活动编号"))

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_activities(self, obj):
        return [a.pk for a in obj.activities]


class CalendarRowSerializer(serializers.Serializer):
    activity_type = serializers.IntegerField(source="activity_type.pk", label=_("活动类型编号"))
    activity_type_name = serializers.CharField(source="activity_type.name", label=_("活动类型名称"))
    frequency = serializers.CharField(label=_("频次"))
    frequency_label = serializers.CharField(label=_("频次名称"))
    min_count = serializers.IntegerField(label=_("每期至少次数"))
    periods = CalendarCellSerializer(source="cells", many=True, label=_("各期"))


class OrgCalendarSerializer(serializers.Serializer):
    org_id = serializers.IntegerField(source="org.pk", label=_("党组织编号"))
    org_name = serializers.CharField(source="org.name", label=_("党组织名称"))
    today = serializers.DateField(label=_("评估日"))
    start = serializers.DateField(label=_("评估期起始"))
    assessed = serializers.BooleanField(label=_("有定期要求"))
    compliant = serializers.BooleanField(label=_("合规"))
    rule_sets = serializers.ListField(child=serializers.CharField(), label=_("适用规则版本"))
    rows = CalendarRowSerializer(many=True, label=_("各项规则"))


# --------------------------------------------------------------------------- members
class InactiveMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(label=_("党员编号"))
    name = serializers.CharField(label=_("姓名"))
    organization = serializers.IntegerField(source="organization_id", label=_("所在支部编号"))
    organization_name = serializers.CharField(source="organization.name", label=_("所在支部"))
    status = serializers.CharField(label=_("党员状态"))
    last_present = serializers.DateTimeField(allow_null=True, label=_("最近一次出席"))


class ServiceHoursSerializer(serializers.Serializer):
    id = serializers.IntegerField(label=_("党员编号"))
    name = serializers.CharField(label=_("姓名"))
    organization = serializers.IntegerField(source="organization_id", label=_("所在支部编号"))
    organization_name = serializers.CharField(source="organization.name", label=_("所在支部"))
    service_hours = serializers.DecimalField(max_digits=8, decimal_places=1, label=_("服务时长（小时）"))
