from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.api.viewsets import _display
from network.committees.models import BranchPairing, CommitteeProblem, CommitteeSeat, JointCommittee


class CommitteeSeatSerializer(serializers.ModelSerializer):
    party_name = serializers.SerializerMethodField(label=_("成员单位"))
    role_display = _display("get_role_display", _("职务名称"))

    class Meta:
        model = CommitteeSeat
        fields = ("id", "unit", "department", "party_name", "person_name", "person_post", "role", "role_display",
                  "since", "until")
        read_only_fields = fields

    def get_party_name(self, obj) -> str:
        return obj.party.name


class JointCommitteeSerializer(serializers.ModelSerializer):
    kind_display = _display("get_kind_display", _("类型名称"))
    area_name = serializers.CharField(source="area.name", read_only=True, label=_("所在区域"))
    convener_name = serializers.CharField(source="convener.name", read_only=True, label=_("牵头党组织"))

    class Meta:
        model = JointCommittee
        fields = ("id", "kind", "kind_display", "name", "area", "area_name", "convener", "convener_name",
                  "established_on", "active")
        read_only_fields = fields


class JointCommitteeDetailSerializer(JointCommitteeSerializer):
    seats = CommitteeSeatSerializer(many=True, read_only=True, source="current_seats", label=_("在任成员单位"))

    class Meta(JointCommitteeSerializer.Meta):
        fields = (*JointCommitteeSerializer.Meta.fields, "seats")
        read_only_fields = fields


class CommitteeProblemSerializer(serializers.ModelSerializer):
    status_display = _display("get_status_display", _("状态名称"))
    shown = serializers.CharField(read_only=True, label=_("当前进展"),
                                  help_text=_("open 待解决，whistled 已吹哨办理中，settled 已解决（含吹哨已办结），"
                                              "declined 不予解决，withdrawn 吹哨已撤销"))
    committee_name = serializers.CharField(source="committee.name", read_only=True, label=_("联席组织"))
    meeting_at = serializers.DateTimeField(source="meeting.activity.starts_at", read_only=True, label=_("会议时间"))
    whistle_code = serializers.CharField(source="whistle.code", read_only=True, default=None, allow_null=True,
                                         label=_("吹哨编号"))
    settled_on = serializers.DateTimeField(read_only=True, allow_null=True, label=_("解决时间"))

    class Meta:
        model = CommitteeProblem
        fields = ("id", "committee", "committee_name", "meeting", "meeting_at", "title", "description", "raised_by",
                  "status", "status_display", "shown", "whistle", "whistle_code", "settlement", "decline_reason",
                  "settled_on", "created_at")
        read_only_fields = fields


class BranchPairingSerializer(serializers.ModelSerializer):
    organ_branch_name = serializers.CharField(source="organ_branch.name", read_only=True, label=_("机关党支部"))
    compound_branch_name = serializers.CharField(source="compound_branch.name", read_only=True, label=_("小区党支部"))

    class Meta:
        model = BranchPairing
        fields = ("id", "organ_branch", "organ_branch_name", "compound_branch", "compound_branch_name", "since",
                  "until", "note")
        read_only_fields = fields
