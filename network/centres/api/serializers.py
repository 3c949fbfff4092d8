from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from network.centres.models import ServiceCentre


class ServiceCentreSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True, label=_("层级名称"))
    area_name = serializers.CharField(source="area.name", read_only=True, label=_("服务区域名称"))
    runner_name = serializers.CharField(source="runner.name", read_only=True, default=None, label=_("运行管理组织名称"))
    facilities = serializers.ListField(child=serializers.CharField(), read_only=True, label=_("功能设施（代码）"))
    facility_labels = serializers.ListField(child=serializers.CharField(), read_only=True, label=_("功能设施"))
    standard = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, allow_null=True,
                                        label=_("适用的最低面积（平方米）"))
    meets_standard = serializers.BooleanField(source="meets", read_only=True, allow_null=True, label=_("面积达标"))

    class Meta:
        model = ServiceCentre
        fields = ["id", "name", "level", "level_display", "area", "area_name", "address", "floor_area",
                  "opening_hours", "phone", "facilities", "facility_labels", "runner", "runner_name", "is_active",
                  "standard", "meets_standard"]
        read_only_fields = fields
