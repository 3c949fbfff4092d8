"""API of 民主评议党员 (read-only).

``/api/member-appraisals/``
    The rounds of the branches the caller manages or oversees (404 otherwise), with the
    count of each grade; filters ``year``, ``status``, ``org``.  The detail carries the
    grades.  Writes go through the portal's pages (the grading sheet).
"""
import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.permissions import IsAuthenticated

from assessments.appraisal import permissions
from assessments.appraisal.api.serializers import AppraisalDetailSerializer, AppraisalSerializer
from assessments.appraisal.choices import AppraisalStatus
from assessments.appraisal.models import Appraisal, AppraisalGrade
from assessments.appraisal.selectors import grade_counts
from dangjian import trees
from dangjian.api.filters import IdFilter
from dangjian.api.viewsets import ScopedReadOnlyViewSet


class AppraisalReaders(IsAuthenticated):
    """A managing role (the rounds' pages' rule); a member reads their own grades on “我的评议”."""

    message = _("只有党支部及其上级党组织的管理人员可以查看民主评议党员。")

    def has_permission(self, request, view):
        return super().has_permission(request, view) and permissions.can_open_appraisals(request.user)


class AppraisalFilterSet(FilterSet):
    year = django_filters.NumberFilter(label=_("年度"), field_name="year")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=AppraisalStatus.choices)
    org = IdFilter(label=_("党支部编号"), field_name="org")

    class Meta:
        model = Appraisal
        fields = ["year", "status", "org"]


@extend_schema_view(
    list=extend_schema(summary="民主评议党员", description="调用者可见支部的年度评议及各等次人数。"),
    retrieve=extend_schema(summary="评议详情", description="含每名党员的评议等次。", responses=AppraisalDetailSerializer),
)
class AppraisalViewSet(ScopedReadOnlyViewSet):
    queryset_model = Appraisal
    permission_classes = [AppraisalReaders]
    serializer_class = AppraisalSerializer
    filterset_class = AppraisalFilterSet
    list_select_related = ("org",)
    ordering = ("-year", *trees.tree_order("org"), "pk")
    within_field = "org__area"

    def get_queryset(self):
        qs = super().get_queryset().annotate(**{f"n_{k}": v for k, v in grade_counts("grades").items()})
        if self.action == "retrieve":
            qs = qs.prefetch_related(Prefetch(
                "grades", queryset=AppraisalGrade.objects.select_related("member").order_by("member__name", "pk")))
        return qs

    def get_serializer_class(self):
        return AppraisalDetailSerializer if self.action == "retrieve" else AppraisalSerializer


# under "member-appraisals": the path sorts after "areas", whose tag the API docs browser test waits for
ROUTES = (("member-appraisals", AppraisalViewSet, "appraisal"),)
