from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dangjian.api.viewsets import _display
from organizations.dues.models import DuesBase, DuesPayment


class DuesPaymentSerializer(serializers.ModelSerializer):
    kind_display = _display("get_kind_display", _("类型名称"))
    member_name = serializers.CharField(source="member.name", read_only=True, label=_("党员姓名"))
    organization_name = serializers.CharField(source="organization.name", read_only=True, label=_("支部名称"))

    class Meta:
        model = DuesPayment
        fields = ("id", "member", "member_name", "month", "kind", "kind_display", "amount_due", "amount_paid", "paid_on",
                  "exempt_reason", "organization", "organization_name", "created_at")
        read_only_fields = fields


class DuesBaseSerializer(serializers.ModelSerializer):
    category_display = _display("get_category_display", _("类别名称"))
    member_name = serializers.CharField(source="member.name", read_only=True, label=_("党员姓名"))
    rule_set_name = serializers.CharField(source="rule_set.__str__", read_only=True, label=_("所用标准"))

    class Meta:
        model = DuesBase
        fields = ("id", "member", "member_name", "year", "from_month", "category", "category_display", "base",
                  "monthly_amount", "rule_set", "rule_set_name", "declared_on")
        read_only_fields = fields
