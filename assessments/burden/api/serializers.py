"""The burden meter's API rows: one community, one month."""
from rest_framework import serializers


class BurdenRowSerializer(serializers.Serializer):
    community = serializers.IntegerField(source="community.pk", help_text="社区编号")
    community_name = serializers.CharField(source="community.name", help_text="社区名称")
    month = serializers.DateField(format="%Y-%m", help_text="月份")
    typed = serializers.DictField(child=serializers.IntegerField(), help_text="手工录入数，按录入方式（form 表单、import 导入、api 接口）")
    typed_total = serializers.IntegerField(help_text="手工录入合计")
    derived = serializers.DictField(child=serializers.IntegerField(), help_text="自动生成数，按来源（如 scores 考核评分）")
    derived_total = serializers.IntegerField(help_text="自动生成合计")
    share = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True,
                                     help_text="自动生成率（%）：自动生成 ÷（手工录入 + 自动生成）；都为 0 时为空")
