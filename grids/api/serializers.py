"""API shapes for grids, grid teams, the people's diary and coverage figures.

Serializers validate shapes only; the viewsets pass ``validated_data`` to
``grids.actions`` (scope, roles, coverage conflicts, grants, photo checks, transitions).
Foreign keys in request bodies are resolved among the objects the caller may see
(``ScopedPrimaryKeyRelatedField``): an unknown or out-of-scope id answers 404.
"""
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.api.viewsets import ScopedPrimaryKeyRelatedField
from grids.choices import ConversionTarget
from grids.models import DiaryEntry, Grid, GridArea, GridTeamMember
from organizations.areas.models import Area
from organizations.members.models import Member
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


# ----------------------------------------------------------------------------- teams
class GridTeamMemberSerializer(serializers.ModelSerializer):
    grid = ScopedPrimaryKeyRelatedField(queryset=Grid.objects.all(), label=_("网格"))
    member = ScopedPrimaryKeyRelatedField(
        queryset=Member.objects.all(), required=False, allow_null=True, label=_("党员")
    )
    username = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=150, label=_("登录账号"),
        help_text=_("只写：网格总长、网格长、网格员的登录账号；该账号随任职获得本网格覆盖区域的网格员权限。"),
    )
    role_display = _display("get_role_display", _("团队角色名称"))
    person_name = serializers.CharField(read_only=True, label=_("姓名"))
    has_account = serializers.SerializerMethodField(label=_("有登录账号"))
    grid_name = serializers.CharField(source="grid.name", read_only=True, label=_("网格名称"))

    class Meta:
        model = GridTeamMember
        fields = [
            "id", "grid", "grid_name", "role", "role_display", "member", "username", "display_name",
            "person_name", "has_account", "started_on", "ended_on",
        ]
        read_only_fields = ["ended_on"]

    def get_has_account(self, obj) -> bool:
        return obj.user_id is not None

    def validate_username(self, value):
        value = (value or "").strip()
        if not value:
            return None
        user = get_user_model().objects.filter(username=value, is_active=True).first()
        if user is None:
            raise serializers.ValidationError(_("账号不存在或已停用。"))
        return user


class TeamEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False, label=_("结束日期"), help_text=_("不填则为今天"))


# ----------------------------------------------------------------------------- diary
class DiaryEntrySerializer(serializers.ModelSerializer):
    grid = ScopedPrimaryKeyRelatedField(queryset=Grid.objects.all(), label=_("网格"))
    building = ScopedPrimaryKeyRelatedField(
        queryset=Area.objects.all(), required=False, allow_null=True, label=_("楼栋")
    )
    photo = serializers.FileField(
        write_only=True, required=False, allow_null=True, label=_("照片"),
        help_text=_("只写（multipart/form-data）：JPG、PNG 或 WebP，不超过 5 MB。"),
    )
    grid_name = serializers.CharField(source="grid.name", read_only=True, label=_("网格名称"))
    building_name = serializers.CharField(source="building.name", read_only=True, allow_null=True, label=_("楼栋名称"))
    kind_display = _display("get_kind_display", _("类型名称"))
    category_display = _display("get_category_display", _("类别名称"))
    status_display = _display("get_status_display", _("状态名称"))
    converted_to_display = _display("get_converted_to_display", _("转办为（名称）"))
    author_name = serializers.SerializerMethodField(label=_("记录人"))
    has_photo = serializers.SerializerMethodField(label=_("有照片"))

    class Meta:
        model = DiaryEntry
        fields = [
            "id", "grid", "grid_name", "building", "building_name", "household", "kind", "kind_display",
            "category", "category_display", "text", "occurred_on", "photo", "has_photo", "status", "status_display",
            "resolution", "converted_to", "converted_to_display", "converted_id", "converted_at",
            "author_name", "created_at",
        ]
        read_only_fields = [
            "status", "resolution", "converted_to", "converted_id", "converted_at", "created_at",
        ]

    def get_author_name(self, obj) -> str:
        author = obj.author
        return (author.get_full_name() or author.get_username()) if author is not None else ""

    def get_has_photo(self, obj) -> bool:
        return bool(obj.photo)


class DiaryResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=2000, label=_("处理结果"))


class DiaryConvertSerializer(serializers.Serializer):
    # named like the entry's own fields, so the schema has one enum for the targets
    converted_to = serializers.ChoiceField(choices=ConversionTarget.choices, label=_("转办为"))
    converted_id = serializers.IntegerField(min_value=1, label=_("转办记录编号"))


# -------------------------------------------------------------------------- coverage
class CoverageFiguresSerializer(serializers.Serializer):
    compounds = serializers.IntegerField(label=_("小区数"))
    compounds_gridded = serializers.IntegerField(label=_("已划入网格的小区"))
    compounds_gridded_rate = serializers.FloatField(allow_null=True, label=_("小区网格覆盖率（%）"))
    compounds_without_grid = serializers.IntegerField(label=_("未划入网格的小区"))
    compounds_with_branch = serializers.IntegerField(label=_("已建党支部的小区"))
    compounds_with_branch_rate = serializers.FloatField(allow_null=True, label=_("小区党支部覆盖率（%）"))
    compounds_without_branch = serializers.IntegerField(label=_("未建党支部的小区"))
    grids = serializers.IntegerField(label=_("网格数"))
    grids_with_branch = serializers.IntegerField(label=_("已对应党支部的网格"))
    grids_with_branch_rate = serializers.FloatField(allow_null=True, label=_("网格党支部覆盖率（%）"))
    grids_without_branch = serializers.IntegerField(label=_("未对应党支部的网格"))
    buildings = serializers.IntegerField(label=_("楼栋数"))
    buildings_with_group = serializers.IntegerField(label=_("已建党小组的楼栋"))
    buildings_with_group_rate = serializers.FloatField(allow_null=True, label=_("楼栋党小组覆盖率（%）"))
    buildings_without_group = serializers.IntegerField(label=_("未建党小组的楼栋"))
    households = serializers.IntegerField(label=_("住户数"))
    households_covered = serializers.IntegerField(label=_("党员中心户联系住户数（每栋不超过该栋户数）"))
    households_covered_rate = serializers.FloatField(allow_null=True, label=_("党员中心户联系住户覆盖率（%）"))


class CoverageChildSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="area.id", label=_("区域编号"))
    name = serializers.CharField(source="area.name", label=_("名称"))
    code = serializers.CharField(source="area.code", label=_("编码"))
    level = serializers.IntegerField(source="area.level", label=_("层级"))
    figures = CoverageFiguresSerializer(label=_("覆盖情况"))


class CoverageSerializer(serializers.Serializer):
    id = serializers.IntegerField(label=_("区域编号"))
    name = serializers.CharField(label=_("名称"))
    level = serializers.IntegerField(label=_("层级"))
    figures = CoverageFiguresSerializer(label=_("覆盖情况（本区域及全部下级）"))
    children = CoverageChildSerializer(many=True, label=_("直属下级区域的覆盖情况"))


class GapRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(label=_("编号"))
    name = serializers.CharField(label=_("名称"))
    code = serializers.CharField(label=_("编码"))
    parent_name = serializers.CharField(label=_("所属"))
