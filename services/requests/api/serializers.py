"""API shapes of resident requests.  The requester's name and masked phone are shown only
to roster roles over the request's community; assignees see the task, not the person."""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.api.fields import inline_enum_field
from services.requests import permissions as sel
from services.requests import sla
from services.requests.choices import AssigneeKind, RequestSource, RequestStatus
from services.requests.models import RequestCategory, ServiceRequest
from services.resident.choices import Satisfaction

RequestStatusField = inline_enum_field(RequestStatus, "RequestStatusField")
RequestSourceField = inline_enum_field(RequestSource, "RequestSourceField")
AssigneeKindField = inline_enum_field(AssigneeKind, "AssigneeKindField")
SatisfactionField = inline_enum_field(Satisfaction, "SatisfactionField")


class RequestCategorySerializer(serializers.ModelSerializer):
    response_limit = serializers.SerializerMethodField(label=_("响应时限（文字）"))
    resolve_limit = serializers.SerializerMethodField(label=_("办结时限（文字）"))

    class Meta:
        model = RequestCategory
        fields = ["id", "code", "name", "description", "response_minutes", "resolve_minutes",
                  "response_limit", "resolve_limit", "sort_order"]
        read_only_fields = fields

    def get_response_limit(self, obj) -> str:
        return sla.limit_label(obj.response_minutes)

    def get_resolve_limit(self, obj) -> str:
        return sla.limit_label(obj.resolve_minutes)


class ServiceRequestSerializer(serializers.ModelSerializer):
    status = RequestStatusField(read_only=True, label=_("状态"))
    source = RequestSourceField(read_only=True, label=_("来源"))
    assignee_kind = AssigneeKindField(read_only=True, label=_("承办类型"))
    rating = SatisfactionField(read_only=True, label=_("评价"))
    status_display = serializers.CharField(source="get_status_display", read_only=True, label=_("状态名称"))
    community_name = serializers.CharField(source="community.name", read_only=True, label=_("社区名称"))
    building_name = serializers.CharField(source="building.name", read_only=True, allow_null=True, label=_("楼栋名称"))
    category_code = serializers.CharField(source="category.code", read_only=True, label=_("类别代码"))
    category_name = serializers.CharField(source="category.name", read_only=True, label=_("类别名称"))
    requester_name = serializers.SerializerMethodField(label=_("诉求人（有权限时）"))
    requester_phone_masked = serializers.SerializerMethodField(label=_("联系电话（脱敏，有权限时）"))
    address = serializers.SerializerMethodField(label=_("地址（有权限时）"))
    assignee_name = serializers.SerializerMethodField(label=_("承办人或队伍"))
    overdue = serializers.SerializerMethodField(label=_("已超时"))
    clock = serializers.SerializerMethodField(label=_("时限提示"))

    class Meta:
        model = ServiceRequest
        fields = [
            "id", "code", "community", "community_name", "building", "building_name", "address", "category",
            "category_code", "category_name", "text", "source", "status", "status_display",
            "requester_name", "requester_phone_masked", "response_due", "resolve_due", "overdue", "clock",
            "assignee_kind", "assigned_member", "assigned_worker", "assigned_team", "assignee_name",
            "dispatched_at", "accepted_at", "resolved_at", "resolve_note", "rating", "rating_comment", "rated_at",
            "cancel_reason", "created_at", "updated_at",
        ]
        read_only_fields = fields

    def _personal(self, obj) -> bool:
        request = self.context.get("request")
        return request is not None and sel.can_see_personal(request.user, obj)

    def get_requester_name(self, obj) -> str:
        return obj.requester_name if self._personal(obj) else ""

    def get_requester_phone_masked(self, obj) -> str:
        return obj.requester_phone_masked if self._personal(obj) else ""

    def get_address(self, obj) -> str:
        return obj.address if self._personal(obj) else ""

    def get_assignee_name(self, obj) -> str:
        if obj.assigned_member_id and obj.assignee_kind == AssigneeKind.MEMBER:
            return obj.assigned_member.name
        if obj.assigned_worker_id and obj.assignee_kind == AssigneeKind.GRID_WORKER:
            return obj.assigned_worker.person_name
        if obj.assigned_team_id and obj.assignee_kind == AssigneeKind.TEAM:
            return obj.assigned_team.name
        return ""

    def _clock(self, obj):
        return sla.request_clock(status=obj.status, response_due=obj.response_due, resolve_due=obj.resolve_due,
                                 resolved_at=obj.resolved_at, now=self.context.get("now") or timezone.now())

    def get_overdue(self, obj) -> bool:
        return self._clock(obj).overdue

    def get_clock(self, obj) -> str:
        return self._clock(obj).text


class RequestDispatchSerializer(serializers.Serializer):
    member = serializers.IntegerField(required=False, allow_null=True, label=_("党员编号"))
    worker = serializers.IntegerField(required=False, allow_null=True, label=_("网格团队成员编号"))
    team = serializers.IntegerField(required=False, allow_null=True, label=_("志愿服务队编号"))
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, label=_("派单说明"))

    def validate(self, attrs):
        given = [k for k in ("member", "worker", "team") if attrs.get(k) is not None]
        if len(given) != 1:
            raise serializers.ValidationError(_("请在 member、worker、team 中只填一个。"))
        return attrs


class RequestResolveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=1000, label=_("办理结果"))


class RequestReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, label=_("原因"))
