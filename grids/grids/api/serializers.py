"""API shapes for grids, grid teams, the people's diary and coverage figures.

Serializers validate shapes only; the viewsets pass ``validated_data`` to
``grids.grids.actions`` (scope, roles, coverage conflicts, grants, photo checks, transitions).
Foreign keys in request bodies are resolved among the objects the caller may see
(``ScopedPrimaryKeyRelatedField``): an unknown or out-of-scope id answers 404.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.api.viewsets import ScopedPrimaryKeyRelatedField
from grids.grids.models import Grid, GridArea
from organizations.areas.models import Area
from organizations.orgs.models import PartyOrg


def _display(source: str, label: str):
    return serializers.CharField(source=source, read_only=True, label=label)


# ----------------------------------------------------------------------------- grids
class GridPlaceSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="area.id", read_only=True, label=_("区域编号"))
    name = serializers.CharField(source="area.name", read_only=True, label=_("名称"))
    code = serializers.CharField(source="area.code", read_only=True, label=_("编码"))
    level = serializers.IntegerField(source="area.level", read_only=True, label=_("层级"))
    level_display = _display("area.get_level_display", _("层级名称"))

    class Meta:
        model = GridArea
        fields = ["id", "name", "code", "level", "level_display"]


class GridSerializer(serializers.ModelSerializer):
    community = ScopedPrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("所属社区"))
    party_branch = ScopedPrimaryKeyRelatedField(
        queryset=PartyOrg.objects.all(), required=False, allow_null=True, label=_("网格党支部")
    )
    areas = ScopedPrimaryKeyRelatedField(
        queryset=Area.objects.all(), many=True, required=False, write_only=True, label=_("覆盖的小区或楼栋"),
        help_text=_("只写：小区或楼栋的编号列表；修改时给出即整体替换覆盖范围，不给则不变。"),
    )
    places = GridPlaceSerializer(source="coverage", many=True, read_only=True, label=_("覆盖范围"))
    community_name = serializers.CharField(source="community.name", read_only=True, label=_("社区名称"))
    party_branch_name = serializers.CharField(
        source="party_branch.name", read_only=True, allow_null=True, label=_("网格党支部名称")
    )

    class Meta:
        model = Grid
        fields = [
            "id", "code", "name", "community", "community_name", "party_branch", "party_branch_name",
            "description", "areas", "places", "created_at",
        ]
        read_only_fields = ["created_at"]
        extra_kwargs = {"code": {"validators": []}}
        validators = []

    def validate(self, attrs):
        if self.instance is not None and "community" in attrs and attrs["community"].pk != self.instance.community_id:
            raise serializers.ValidationError({"community": _("网格所属社区不能修改；请在新社区另建网格。")})
        return attrs


class FromCompoundsSerializer(serializers.Serializer):
    community = ScopedPrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("社区"))
