"""Read-only API of dues: the ledger and the declared bases, scoped like the pages (a
managing role over the member's branch; a party member their own rows).  Writes go
through the portal's pages (the actions)."""
import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view

from dangjian.api.filters import IdFilter
from dangjian.api.viewsets import ScopedReadOnlyViewSet
from organizations.dues.api.serializers import DuesBaseSerializer, DuesPaymentSerializer
from organizations.dues.models import DuesBase, DuesPayment


class DuesPaymentFilterSet(django_filters.FilterSet):
    member = IdFilter(field_name="member_id", label="党员编号")
    organization = IdFilter(field_name="organization_id", label="支部编号")
    month_from = django_filters.DateFilter(field_name="month", lookup_expr="gte", label="起始月份")
    month_to = django_filters.DateFilter(field_name="month", lookup_expr="lte", label="截止月份")

    class Meta:
        model = DuesPayment
        fields = ("member", "organization", "kind")


class DuesBaseFilterSet(django_filters.FilterSet):
    member = IdFilter(field_name="member_id", label="党员编号")
    class Meta:
        model = DuesBase
        fields = ("member", "year", "category")


@extend_schema_view(list=extend_schema(summary="党费收缴记录"), retrieve=extend_schema(summary="党费收缴记录详情"))
class DuesPaymentViewSet(ScopedReadOnlyViewSet):
    queryset_model = DuesPayment
    serializer_class = DuesPaymentSerializer
    filterset_class = DuesPaymentFilterSet
    list_select_related = ("member", "organization")
    ordering = ("-month", "pk")
    within_field = "organization__area"


@extend_schema_view(list=extend_schema(summary="党费基数"), retrieve=extend_schema(summary="党费基数详情"))
class DuesBaseViewSet(ScopedReadOnlyViewSet):
    queryset_model = DuesBase
    serializer_class = DuesBaseSerializer
    filterset_class = DuesBaseFilterSet
    list_select_related = ("member", "rule_set")
    ordering = ("-starts_on", "pk")
    within_field = "member__organization__area"
