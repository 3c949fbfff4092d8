"""API shapes of people in several roles, 换届 reminders and leader links (read-only).
Names only: never a phone or an ID number."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.api.fields import inline_enum_field
from organizations.orgs.choices import OrgKind
from organizations.orgs.models import PartyOrg
from organizations.roles.choices import Body, LinkKind, Post
from organizations.roles.models import LeaderLink, Position

PositionBodyField = inline_enum_field(Body, "PositionBodyField")
PositionPostField = inline_enum_field(Post, "PositionPostField")
LeaderLinkKindField = inline_enum_field(LinkKind, "LeaderLinkKindField")
TermOrgKindField = inline_enum_field(OrgKind, "TermOrgKindField")


class PositionSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True, label=_("姓名"))
    community_name = serializers.CharField(source="community.name", read_only=True, label=_("社区名称"))
    body = PositionBodyField(read_only=True, label=_("班子"))
    post = PositionPostField(read_only=True, label=_("职务"))
    body_name = serializers.CharField(read_only=True, label=_("班子名称"))

    class Meta:
        model = Position
        fields = ["id", "member", "member_name", "community", "community_name", "body", "body_name", "org", "place",
                  "unit", "post", "started_on", "ended_on"]
        read_only_fields = fields


class LeaderLinkSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True, label=_("社区名称"))
    kind = LeaderLinkKindField(read_only=True, label=_("联系方式"))
    month_visits = serializers.IntegerField(read_only=True, label=_("本月走访次数"))
    behind = serializers.BooleanField(read_only=True, label=_("进度落后"))

    class Meta:
        model = LeaderLink
        fields = ["id", "leader_name", "leader_post", "community", "community_name", "kind", "year", "starts_on",
                  "ends_on", "required_days", "visits_per_month", "days_logged", "covered_until", "month_visits",
                  "behind"]
        read_only_fields = fields


class TermReminderSerializer(serializers.ModelSerializer):
    kind = TermOrgKindField(read_only=True, label=_("组织类别"))
    area_name = serializers.CharField(source="area.name", read_only=True, label=_("所在区域名称"))
    secretary_name = serializers.CharField(source="secretary.name", read_only=True, default="", label=_("书记"))
    term_ends_on = serializers.DateField(source="term_end", read_only=True, label=_("任期届满"))
    overdue = serializers.SerializerMethodField(label=_("已到期"))

    class Meta:
        model = PartyOrg
        fields = ["id", "name", "kind", "area", "area_name", "secretary_name", "term_started_on", "term_years",
                  "term_ends_on", "overdue"]
        read_only_fields = fields

    def get_overdue(self, obj) -> bool:
        return obj.term_end < self.context["today"]
