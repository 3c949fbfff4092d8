"""API shapes of 项目化服务: the project book with its outcome (computed from the linked
records, read-only) and the brands."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.api.fields import inline_enum_field
from network.projects import selectors
from network.projects.choices import ProjectStatus, ServedGroup
from network.projects.models import ServiceBrand, ServiceProject

ProjectStatusField = inline_enum_field(ProjectStatus, "ProjectStatusField")
ServedGroupField = inline_enum_field(ServedGroup, "ServedGroupField")


class OutcomeSerializer(serializers.Serializer):
    people_served = serializers.IntegerField(label=_("服务群众（人）"))
    attendees = serializers.IntegerField(label=_("活动出席党员（人）"))
    wishes = serializers.IntegerField(label=_("关联微心愿（件）"))
    requests = serializers.IntegerField(label=_("关联诉求（件）"))
    items_done = serializers.IntegerField(label=_("办结事项（件）"))
    activities = serializers.IntegerField(label=_("开展活动（次）"))
    hours = serializers.DecimalField(max_digits=12, decimal_places=1, label=_("服务时长（小时）"))
    spent = serializers.DecimalField(max_digits=14, decimal_places=2, label=_("已支出（元）"))
    balance = serializers.DecimalField(max_digits=14, decimal_places=2, label=_("预算余额（元）"))


class ServiceProjectSerializer(serializers.ModelSerializer):
    status = ProjectStatusField(read_only=True, label=_("状态"))
    status_display = serializers.CharField(source="get_status_display", read_only=True, label=_("状态名称"))
    served_group = ServedGroupField(read_only=True, label=_("服务对象类别"))
    area_name = serializers.CharField(source="area.name", read_only=True, label=_("实施社区"))
    owner_org_name = serializers.CharField(source="owner_org.name", read_only=True, label=_("牵头党组织"))
    outcome = serializers.SerializerMethodField(label=_("服务成效"))

    class Meta:
        model = ServiceProject
        fields = ["id", "title", "goal", "served_group", "served_text", "owner_org", "owner_org_name", "area",
                  "area_name", "brand", "budget", "starts_on", "ends_on", "status", "status_display", "outcome"]
        read_only_fields = fields

    def get_outcome(self, obj) -> OutcomeSerializer:
        return OutcomeSerializer(selectors.outcome_of(obj)).data


class ServiceBrandSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True, label=_("所属区域"))

    class Meta:
        model = ServiceBrand
        fields = ["id", "name", "description", "area", "area_name"]
        read_only_fields = fields
