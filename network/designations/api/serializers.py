from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from network.designations.models import Designation


class DesignationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True, label=_("类别名称"))
    label = serializers.CharField(read_only=True, label=_("称号"))
    state = serializers.SerializerMethodField(label=_("状态"))
    place_name = serializers.CharField(source="place.name", read_only=True, label=_("所在区域名称"))

    class Meta:
        model = Designation
        fields = ["id", "kind", "kind_display", "label", "stars", "title", "org", "area", "centre", "place",
                  "place_name", "granted_by", "granted_on", "valid_until", "revoked_on", "revoke_reason", "state"]
        read_only_fields = fields

    def get_state(self, obj) -> str:
        """current 有效 / pending 尚未生效 / expired 已过期 / revoked 已撤销"""
        return obj.state()
