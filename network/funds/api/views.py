"""API of 经费: ``/api/fund-allocations/`` (read-only: the allocations in the caller's
subtree with their balance; ``?year=``, ``?purpose=``, ``?within=``) and
``/api/fund-spendings/`` (list, detail, and POST to record a spending: a spending above the
balance answers **409** with the Chinese ``detail``; 400 fields, 403 role, 404 scope)."""
import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins

from dangjian.api.filters import IdFilter
from dangjian.api.viewsets import ScopedReadOnlyViewSet
from network.funds import actions
from network.funds.api.serializers import FundAllocationSerializer, FundSpendingSerializer
from network.funds.choices import FundPurpose
from network.funds.models import FundAllocation, FundSpending


class AllocationFilterSet(FilterSet):
    year = IdFilter(label=_("年度"), field_name="year")
    purpose = django_filters.ChoiceFilter(label=_("经费用途"), choices=FundPurpose.choices)

    class Meta:
        model = FundAllocation
        fields = ["year", "purpose"]


@extend_schema_view(list=extend_schema(summary="经费下拨列表（含余额）"), retrieve=extend_schema(summary="经费下拨详情"))
class FundAllocationViewSet(ScopedReadOnlyViewSet):
    queryset_model = FundAllocation
    serializer_class = FundAllocationSerializer
    filterset_class = AllocationFilterSet
    list_select_related = ("org", "area")
    ordering = ("-year", "id")
    within_field = "place"


@extend_schema_view(
    list=extend_schema(summary="经费支出列表"), retrieve=extend_schema(summary="经费支出详情"),
    create=extend_schema(summary="登记经费支出",
                         responses={201: FundSpendingSerializer,
                                    409: OpenApiResponse(description="余额不足或超出项目预算")}),
)
class FundSpendingViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset_model = FundSpending
    serializer_class = FundSpendingSerializer
    list_select_related = ("allocation",)
    ordering = ("-spent_on", "-id")
    within_field = "allocation__place"

    def perform_create(self, serializer):
        data = serializer.validated_data
        spending = actions.spending_record(
            actor=self.request.user, allocation=data["allocation"], spent_on=data["spent_on"],
            category=data["category"], amount=data["amount"], description=data["description"],
            project=data.get("project"))
        serializer.instance = spending


ROUTES = (
    ("fund-allocations", FundAllocationViewSet, "fund-allocation"),
    ("fund-spendings", FundSpendingViewSet, "fund-spending"),
)
