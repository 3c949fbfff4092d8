from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.api.viewsets import ScopedPrimaryKeyRelatedField, _display
from dangjian.privacy import mask_phone
from organizations.areas.models import Area
from organizations.orgs.models import PartyOrg
from organizations.units.models import ResidentUnit


# ------------------------------------------------------------ units and central households
class ResidentUnitSerializer(serializers.ModelSerializer):
    community = ScopedPrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("所在社区"))
    party_org = ScopedPrimaryKeyRelatedField(
        queryset=PartyOrg.objects.all(), required=False, allow_null=True, label=_("单位党组织")
    )
    kind_display = _display("get_kind_display", _("单位性质名称"))
    community_name = serializers.CharField(source="community.name", read_only=True, label=_("社区名称"))
    party_org_name = serializers.CharField(
        source="party_org.name", read_only=True, allow_null=True, label=_("单位党组织名称")
    )
    contact_phone = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=20, label=_("联系电话"),
        help_text=_("只写；读取时只返回脱敏后的 contact_phone_masked"),
    )
    contact_phone_masked = serializers.SerializerMethodField(label=_("联系电话（脱敏）"))

    class Meta:
        model = ResidentUnit
        fields = [
            "id", "name", "kind", "kind_display", "community", "community_name", "party_org", "party_org_name",
            "address", "contact_name", "contact_phone", "contact_phone_masked", "created_at",
        ]
        read_only_fields = ["created_at"]
        validators = []

    def get_contact_phone_masked(self, obj) -> str:
        return mask_phone(obj.contact_phone)

    def validate_contact_phone(self, value):
        value = value.strip()
        if value and not all(ch.isdigit() or ch in "-+ ()" for ch in value):
            raise serializers.ValidationError(_("联系电话只能包含数字、空格、括号、加号和短横线。"))
        return value
