from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.api.viewsets import _display
from organizations.development.models import DevelopmentCase, DevelopmentStep


class StepSerializer(serializers.ModelSerializer):
    people = serializers.PrimaryKeyRelatedField(many=True, read_only=True, label=_("相关人员（党员编号）"))

    class Meta:
        model = DevelopmentStep
        fields = ["id", "code", "on", "people", "note", "hours", "notice_until", "activity", "votes_expected",
                  "votes_present", "votes_yes", "votes_no", "votes_abstain", "votes_written", "recorded_at"]
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer):
    gender_display = _display("get_gender_display", _("性别名称"))
    stage_display = _display("get_stage_display", _("阶段名称"))
    organization_name = serializers.CharField(source="organization.name", read_only=True, label=_("支部名称"))
    rule_set_version = serializers.IntegerField(source="rule_set.version", read_only=True, label=_("规则版本"))
    phone_masked = serializers.CharField(read_only=True, label=_("手机号（脱敏）"))
    id_number_masked = serializers.CharField(read_only=True, label=_("身份证号（脱敏）"))

    class Meta:
        model = DevelopmentCase
        fields = ["id", "name", "gender", "gender_display", "birth_date", "phone_masked", "id_number_masked",
                  "organization", "organization_name", "stage", "stage_display", "rule_set", "rule_set_version",
                  "applied_on", "member", "probation_extension_months", "next_step", "next_allowed_on", "due_step",
                  "due_on", "created_at", "updated_at"]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    steps = StepSerializer(many=True, read_only=True, label=_("办理记录"))

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "steps"]
        read_only_fields = fields
