"""The burden meter's API rows: one community, one month."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-11"})
class MonthField(serializers.Field):
    """A month as ``2026-11`` (a string in the schema, not a date)."""

    def to_representation(self, value):
        return value.strftime("%Y-%m")


class BurdenRowSerializer(serializers.Serializer):
    community = serializers.IntegerField(source="community.pk", help_text="社区编号")
    community_name = serializers.CharField(source="community.name", help_text="社区名称")
    month = MonthField(help_text="月份，如 2026-11")
    typed = serializers.DictField(child=serializers.IntegerField(), help_text="手工录入数，按录入方式（form 表单、import 导入、api 接口）")
    typed_total = serializers.IntegerField(help_text="手工录入合计")
    derived = serializers.DictField(child=serializers.IntegerField(), help_text="自动生成数，按来源（如 scores 考核评分）")
    derived_total = serializers.IntegerField(help_text="自动生成合计")
    share = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True,
                                     help_text="自动生成率（%）：自动生成 ÷（手工录入 + 自动生成）；都为 0 时为空")
