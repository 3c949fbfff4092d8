"""API shapes of the micro-wishes.  Staff serializers show the requester's name and masked
phone only to roster roles over the wish's community; public serializers never show any
personal data (no requester, no claimant name)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dangjian.api.fields import inline_enum_field
from dangjian.workflow import available_transitions
from organizations.areas.models import Area
from organizations.orgs.models import PartyOrg
from services.resident.choices import Satisfaction
from services.wishes import permissions
from services.wishes.choices import WishAction, WishKind, WishStatus
from services.wishes.models import Wish

WishKindField = inline_enum_field(WishKind, "WishKindField")
WishStatusField = inline_enum_field(WishStatus, "WishStatusField")


class WishSerializer(serializers.ModelSerializer):
    kind = WishKindField(read_only=True, label=_("心愿类别"))
    status = WishStatusField(read_only=True, label=_("状态"))
    community_name = serializers.CharField(source="community.name", read_only=True, label=_("社区名称"))
    building_name = serializers.CharField(source="building.name", read_only=True, allow_null=True, label=_("楼栋名称"))
    kind_display = serializers.CharField(source="get_kind_display", read_only=True, label=_("类别名称"))
    status_display = serializers.CharField(source="get_status_display", read_only=True, label=_("状态名称"))
    rating_display = serializers.CharField(source="get_rating_display", read_only=True, label=_("评价名称"))
    requester_name = serializers.SerializerMethodField(label=_("心愿人姓名（有权限时）"))
    requester_phone_masked = serializers.SerializerMethodField(label=_("联系电话（脱敏，有权限时）"))
    claimant_kind = serializers.CharField(read_only=True, allow_null=True, label=_("认领方（member/org）"))
    claimed_member_name = serializers.CharField(source="claimed_member.name", read_only=True, allow_null=True,
                                                label=_("认领党员"))
    claimed_org_name = serializers.CharField(source="claimed_org.name", read_only=True, allow_null=True,
                                             label=_("认领党组织"))

    class Meta:
        model = Wish
        fields = [
            "id", "code", "community", "community_name", "building", "building_name", "address", "kind",
            "kind_display", "text", "status", "status_display", "reject_reason", "cancel_reason",
            "requester_name", "requester_phone_masked", "claimant_kind", "claimed_member", "claimed_member_name",
            "claimed_org", "claimed_org_name", "published_at", "claimed_at", "fulfilled_at", "fulfil_note",
            "rating", "rating_display", "rating_comment", "rated_at", "created_at",
        ]
        read_only_fields = fields

    def _personal(self, obj) -> bool:
        request = self.context.get("request")
        return request is not None and permissions.can_see_personal(request.user, obj)

    def get_requester_name(self, obj) -> str:
        return obj.requester_name if self._personal(obj) else ""

    def get_requester_phone_masked(self, obj) -> str:
        return obj.requester_phone_masked if self._personal(obj) else ""


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, label=_("原因"))


class ClaimSerializer(serializers.Serializer):
    org = serializers.PrimaryKeyRelatedField(
        queryset=PartyOrg.objects.all(), required=False, allow_null=True, label=_("代表认领的党组织"),
        help_text=_("不填则以调用者本人的党员身份认领；填写时须是调用者管理的党组织。"),
    )


class FulfilSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=1000, label=_("完成情况"))
    photo = serializers.FileField(required=False, allow_null=True, label=_("完成照片"),
                                  help_text=_("multipart/form-data：JPG、PNG 或 WebP，不超过 5 MB。"))


# ----------------------------------------------------------------------------- public
class PublicWishSubmitSerializer(serializers.Serializer):
    community = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("社区编号"))
    building = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(), required=False, allow_null=True,
                                                  label=_("楼栋编号"))
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, label=_("地址"))
    kind = WishKindField(label=_("心愿类别"))
    text = serializers.CharField(max_length=1000, label=_("心愿内容"))
    name = serializers.CharField(max_length=50, write_only=True, label=_("姓名"))
    phone = serializers.CharField(max_length=20, write_only=True, label=_("手机号"))
    photo = serializers.FileField(required=False, allow_null=True, write_only=True, label=_("照片"))


class TimelineEntrySerializer(serializers.Serializer):
    status = WishStatusField(source="to_status", label=_("状态"))
    status_display = serializers.CharField(source="label", label=_("状态名称"))
    at = serializers.DateTimeField(label=_("时间"))


class PublicWishSerializer(serializers.Serializer):
    """What anyone holding the tracking code may read: progress only, no personal data."""

    code = serializers.CharField(label=_("查询码"))
    community_name = serializers.CharField(source="community.name", label=_("社区"))
    kind = WishKindField(label=_("心愿类别"))
    text = serializers.CharField(source="public_text", label=_("心愿内容（审核后公开，号码已遮盖）"))
    status = WishStatusField(label=_("状态"))
    status_display = serializers.CharField(source="get_status_display", label=_("状态名称"))
    claimed_by = serializers.SerializerMethodField(label=_("认领情况（不含姓名）"))
    reject_reason = serializers.CharField(source="public_reject_reason", label=_("未通过原因"))
    rating = serializers.CharField(label=_("评价"))
    submitted_at = serializers.DateTimeField(source="created_at", label=_("提交时间"))
    can_rate = serializers.SerializerMethodField(label=_("可以评价"))
    timeline = serializers.SerializerMethodField(label=_("进展"))

    def get_claimed_by(self, obj) -> str:
        from services.wishes.views import claimant_phrase

        return str(claimant_phrase(obj))

    def get_can_rate(self, obj) -> bool:
        return WishAction.RATE in available_transitions(obj, None)

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, obj):
        from services.wishes.selectors import public_timeline

        return TimelineEntrySerializer(public_timeline(obj), many=True).data


class PublicRateSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Satisfaction.choices, label=_("评价"))
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, label=_("意见建议"))
    phone_last4 = serializers.CharField(min_length=4, max_length=4, label=_("手机号后四位"))
