"""API shapes for areas, organizations, members, resident units and central households.

Serializers validate shapes only; the viewsets pass ``validated_data`` to the actions,
which check scope and roles and run the model rules (``full_clean``).  Model-level unique
checks are therefore left to the actions (``validators = []``), so each rule has one
implementation and one Chinese message.

Personal data: members never expose the phone or ID number in full — only the masked
forms; ``phone`` / ``id_number`` are write-only.  The full values are available from the
logged ``personal-data`` endpoint alone.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.api.viewsets import ScopedPrimaryKeyRelatedField, _display
from organizations.areas.models import Area


# ---------------------------------------------------------------------------- areas
class AreaSerializer(serializers.ModelSerializer):
    parent = ScopedPrimaryKeyRelatedField(
        queryset=Area.objects.all(), required=False, allow_null=True, label=_("上级区域")
    )
    level_display = _display("get_level_display", _("层级名称"))
    building_use_display = _display("get_building_use_display", _("楼栋用途名称"))

    class Meta:
        model = Area
        fields = [
            "id", "name", "code", "level", "level_display", "parent", "address", "households",
            "building_use", "building_use_display", "depth",
        ]
        read_only_fields = ["depth"]
        extra_kwargs = {"code": {"validators": []}}
        validators = []


class AreaChildSerializer(AreaSerializer):
    member_count = serializers.IntegerField(read_only=True, label=_("党员数（含下级）"))
    org_count = serializers.IntegerField(read_only=True, label=_("党组织数（含下级）"))
    child_count = serializers.IntegerField(read_only=True, label=_("直属下级区域数"))

    class Meta(AreaSerializer.Meta):
        fields = [*AreaSerializer.Meta.fields, "member_count", "org_count", "child_count"]


class LevelCountSerializer(serializers.Serializer):
    level = serializers.IntegerField(label=_("层级"))
    label = serializers.CharField(label=_("层级名称"))
    count = serializers.IntegerField(label=_("数量"))


class OrgCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField(label=_("党组织总数"))
    committees = serializers.IntegerField(label=_("党委/党工委"))
    general_branches = serializers.IntegerField(label=_("党总支"))
    branches = serializers.IntegerField(label=_("党支部"))
    groups = serializers.IntegerField(label=_("党小组"))
    compound_branches = serializers.IntegerField(label=_("小区党支部"))
    building_groups = serializers.IntegerField(label=_("楼道(楼栋)党小组"))


class MemberCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField(label=_("党员总数"))
    probationary = serializers.IntegerField(label=_("预备党员"))
    in_service = serializers.IntegerField(label=_("在职党员"))


class AreaSummarySerializer(serializers.Serializer):
    """Figures for an area's whole subtree (``selectors.area_summary``)."""

    levels = LevelCountSerializer(many=True, label=_("各层级下级区域数"))
    by_level = serializers.DictField(child=serializers.IntegerField(), label=_("层级→数量"))
    households = serializers.IntegerField(label=_("户数"))
    orgs = OrgCountsSerializer(label=_("党组织"))
    members = MemberCountsSerializer(label=_("党员"))
    central_households = serializers.IntegerField(label=_("党员中心户"))
