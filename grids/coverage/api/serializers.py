from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


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
