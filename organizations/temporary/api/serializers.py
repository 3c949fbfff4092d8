from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.api.viewsets import _display
from organizations.temporary.models import Secondment, TemporaryBranch


class SecondmentSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True, label=_("党员姓名"))
    home_org = serializers.IntegerField(source="member.organization_id", read_only=True, label=_("组织关系所在支部"))
    home_org_name = serializers.CharField(source="member.organization.name", read_only=True, label=_("所在支部名称"))

    class Meta:
        model = Secondment
        fields = ["id", "member", "member_name", "home_org", "home_org_name", "started_on", "ended_on"]


class TemporaryBranchSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="org.name", read_only=True, label=_("名称"))
    parent = serializers.IntegerField(source="org.parent_id", read_only=True, label=_("组建单位"))
    parent_name = serializers.CharField(source="org.parent.name", read_only=True, allow_null=True, label=_("组建单位名称"))
    area = serializers.IntegerField(source="org.area_id", read_only=True, label=_("所在区域"))
    purpose_display = _display("get_purpose_display", _("组建事由名称"))
    secondments = SecondmentSerializer(many=True, read_only=True, label=_("借调党员"))

    class Meta:
        model = TemporaryBranch
        fields = ["id", "org", "name", "parent", "parent_name", "area", "purpose", "purpose_display", "project_name",
                  "started_on", "expected_end", "dissolved_on", "dissolution_note", "secondments"]
