"""API shapes of 经费: allocations with their balance, spending (recorded by POST)."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.api.fields import inline_enum_field
from dangjian.api.viewsets import ScopedPrimaryKeyRelatedField
from network.funds.choices import FundPurpose, SpendingCategory
from network.funds.models import FundAllocation, FundSpending
from network.projects.models import ServiceProject

FundPurposeField = inline_enum_field(FundPurpose, "FundPurposeField")
SpendingCategoryField = inline_enum_field(SpendingCategory, "SpendingCategoryField")


class FundAllocationSerializer(serializers.ModelSerializer):
    purpose = FundPurposeField(read_only=True, label=_("经费用途"))
    purpose_display = serializers.CharField(source="get_purpose_display", read_only=True, label=_("用途名称"))
    recipient_name = serializers.SerializerMethodField(label=_("受拨对象"))
    balance = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, label=_("余额（元）"))

    class Meta:
        model = FundAllocation
        fields = ["id", "year", "purpose", "purpose_display", "org", "area", "place", "recipient_name", "amount",
                  "spent", "balance", "source", "note"]
        read_only_fields = fields

    def get_recipient_name(self, obj) -> str:
        return obj.recipient.name


class FundSpendingSerializer(serializers.ModelSerializer):
    category = SpendingCategoryField(label=_("支出类别"))
    category_display = serializers.CharField(source="get_category_display", read_only=True, label=_("类别名称"))
    allocation = ScopedPrimaryKeyRelatedField(queryset=FundAllocation.objects.all(), label=_("经费"))
    project = ScopedPrimaryKeyRelatedField(queryset=ServiceProject.objects.all(), label=_("服务项目"), required=False,
                                           allow_null=True)
    has_evidence = serializers.SerializerMethodField(label=_("有凭证"))

    class Meta:
        model = FundSpending
        fields = ["id", "allocation", "spent_on", "category", "category_display", "amount", "description", "project",
                  "has_evidence", "created_at"]
        read_only_fields = ["id", "category_display", "has_evidence", "created_at"]

    def get_has_evidence(self, obj) -> bool:
        return bool(obj.evidence)
