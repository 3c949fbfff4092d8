"""API shapes of 双报到.  Member reports and hours carry the member's name (the community
and the employer's organization work with it) but never a phone or an ID number."""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dangjian.api.fields import inline_enum_field
from dangjian.api.viewsets import ScopedPrimaryKeyRelatedField
from organizations.areas.models import Area
from organizations.members.models import Member
from organizations.orgs.models import PartyOrg
from services.checkins.choices import AgreementStatus
from services.checkins.models import CoBuildAgreement, MemberReport
from services.checkins.rules import hours_target, progress_percent
from services.checkins.selectors import ReportStatus

AgreementStatusField = inline_enum_field(AgreementStatus, "AgreementStatusField")
ReportStatusField = inline_enum_field(ReportStatus, "ReportStatusField")


class MemberReportSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True, label=_("党员姓名"))
    community_name = serializers.CharField(source="community.name", read_only=True, label=_("报到社区名称"))
    is_valid = serializers.SerializerMethodField(label=_("今天是否有效"))

    class Meta:
        model = MemberReport
        fields = ["id", "member", "member_name", "community", "community_name", "reported_on", "valid_until", "skills",
                  "is_valid", "created_at"]
        read_only_fields = fields

    def get_is_valid(self, obj) -> bool:
        return obj.reported_on <= timezone.localdate() <= obj.valid_until


class MemberReportCreateSerializer(serializers.Serializer):
    member = ScopedPrimaryKeyRelatedField(queryset=Member.objects.all(), label=_("党员编号"),
                                          help_text=_("党员本人报到时填自己的编号；社区工作人员代为登记时填该党员的编号。"))
    reported_on = serializers.DateField(required=False, allow_null=True, label=_("报到日期"), help_text=_("不填为今天。"))
    skills = serializers.CharField(max_length=200, required=False, allow_blank=True, label=_("特长与服务意向"))


class CoBuildAgreementSerializer(serializers.ModelSerializer):
    status = AgreementStatusField(read_only=True, label=_("状态"))
    status_display = serializers.CharField(source="get_status_display", read_only=True, label=_("状态名称"))
    org_name = serializers.CharField(source="org.name", read_only=True, label=_("报到党组织名称"))
    community_name = serializers.CharField(source="community.name", read_only=True, label=_("报到社区名称"))
    branches = serializers.PrimaryKeyRelatedField(many=True, read_only=True, label=_("结对小区党支部"))

    class Meta:
        model = CoBuildAgreement
        fields = ["id", "org", "org_name", "community", "community_name", "branches", "title", "text", "starts_on",
                  "ends_on", "status", "status_display", "created_at"]
        read_only_fields = fields


class CoBuildAgreementWriteSerializer(serializers.Serializer):
    org = ScopedPrimaryKeyRelatedField(queryset=PartyOrg.objects.all(), label=_("报到党组织编号"))
    community = ScopedPrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("报到社区编号"))
    branches = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False,
                                     label=_("结对小区党支部编号"))
    title = serializers.CharField(max_length=100, label=_("协议名称"))
    text = serializers.CharField(max_length=5000, label=_("共建内容"))
    starts_on = serializers.DateField(label=_("开始日期"))
    ends_on = serializers.DateField(label=_("结束日期"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:  # the parties of an agreement do not change
            del self.fields["org"]
            del self.fields["community"]

    def to_representation(self, instance):
        return CoBuildAgreementSerializer(instance, context=self.context).data


class AgreementEndSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, label=_("结束说明"))


class MemberHoursSerializer(serializers.ModelSerializer):
    """A member's service hours of one year by source, and their report status today."""

    organization_name = serializers.CharField(source="organization.name", read_only=True, label=_("所在党组织"))
    employer_name = serializers.SerializerMethodField(label=_("工作单位"))
    report_status = ReportStatusField(read_only=True, label=_("报到状态"))
    report_valid_until = serializers.DateField(read_only=True, allow_null=True, label=_("报到有效期至"))
    year = serializers.SerializerMethodField(label=_("年度"))
    hours_total = serializers.DecimalField(source="year_hours", max_digits=10, decimal_places=1, read_only=True,
                                           label=_("年度服务时长"))
    hours_activity = serializers.DecimalField(max_digits=10, decimal_places=1, read_only=True, label=_("活动时长"))
    hours_wish = serializers.DecimalField(max_digits=10, decimal_places=1, read_only=True, label=_("微心愿时长"))
    hours_request = serializers.DecimalField(max_digits=10, decimal_places=1, read_only=True, label=_("居民诉求时长"))
    target = serializers.SerializerMethodField(label=_("年度目标（小时）"))
    progress_percent = serializers.SerializerMethodField(label=_("目标完成度（%）"))

    class Meta:
        model = Member
        fields = ["id", "name", "organization", "organization_name", "in_service", "employer_name", "report_status",
                  "report_valid_until", "year", "hours_total", "hours_activity", "hours_wish", "hours_request",
                  "target", "progress_percent"]
        read_only_fields = fields

    def get_employer_name(self, obj) -> str:
        return obj.employer_org.name if obj.employer_org_id else obj.employer

    def get_year(self, obj) -> int:
        return self.context["year"]

    @extend_schema_field(serializers.DecimalField(max_digits=6, decimal_places=1))
    def get_target(self, obj):
        return str(hours_target())

    def get_progress_percent(self, obj) -> int:
        return progress_percent(obj.year_hours, hours_target())
