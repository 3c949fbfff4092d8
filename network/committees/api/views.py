"""Read-only API of the regional network, scoped like the pages (the managing roles over
their subtree; out of scope is 404).

``/api/joint-committees/``   committees (``?within=<area>``, ``?kind=``); the detail lists
                             the current seats.
``/api/committee-problems/`` problems raised at their meetings (``?committee=``,
                             ``?shown=open|whistled|settled|declined|withdrawn``).
``/api/branch-pairings/``    pairings of compound branches with organ branches
                             (``?within=<area>``, ``?current=true``).
Writes go through the portal's pages (the actions)."""
import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.permissions import IsAuthenticated

from dangjian.api.filters import IdFilter
from dangjian.api.viewsets import ScopedReadOnlyViewSet
from network.committees import permissions, selectors
from network.committees.api.serializers import (
    BranchPairingSerializer,
    CommitteeProblemSerializer,
    JointCommitteeDetailSerializer,
    JointCommitteeSerializer,
)
from network.committees.choices import CommitteeKind, ProblemShown
from network.committees.models import BranchPairing, CommitteeProblem, CommitteeSeat, JointCommittee


class NetworkReaders(IsAuthenticated):
    message = _("只有区、街道、社区的工作人员可以查看区域化党建。")

    def has_permission(self, request, view):
        return super().has_permission(request, view) and permissions.can_read(request.user)


class CommitteeFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=CommitteeKind.choices)

    class Meta:
        model = JointCommittee
        fields = ("kind",)


@extend_schema_view(list=extend_schema(summary="区域化党建联席组织"),
                    retrieve=extend_schema(summary="联席组织详情（含在任成员单位）", responses=JointCommitteeDetailSerializer))
class JointCommitteeViewSet(ScopedReadOnlyViewSet):
    queryset_model = JointCommittee
    permission_classes = [NetworkReaders]
    serializer_class = JointCommitteeSerializer
    filterset_class = CommitteeFilterSet
    list_select_related = ("area", "convener")
    ordering = ("area_id", "kind", "name", "pk")
    within_field = "area"

    def get_serializer_class(self):
        return JointCommitteeDetailSerializer if self.action == "retrieve" else JointCommitteeSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related(Prefetch(
                "seats", queryset=CommitteeSeat.objects.current().select_related("unit", "department").order_by("pk"),
                to_attr="current_seats"))
        return qs


class ProblemFilterSet(django_filters.FilterSet):
    committee = IdFilter(field_name="committee_id", label=_("联席组织编号"))
    shown = django_filters.ChoiceFilter(label=_("当前进展"), choices=ProblemShown.choices, method="filter_shown")

    class Meta:
        model = CommitteeProblem
        fields = ("committee", "shown")

    def filter_shown(self, queryset, name, value):
        return queryset.filter(selectors.SHOWN_FILTERS[value])


@extend_schema_view(list=extend_schema(summary="联席会议提出的问题"), retrieve=extend_schema(summary="问题详情"))
class CommitteeProblemViewSet(ScopedReadOnlyViewSet):
    queryset_model = CommitteeProblem
    permission_classes = [NetworkReaders]
    serializer_class = CommitteeProblemSerializer
    filterset_class = ProblemFilterSet
    list_select_related = ("committee", "meeting__activity", "whistle")
    ordering = ("-created_at", "-pk")
    within_field = "committee__area"

    def scoped_queryset(self, user):
        return selectors.with_shown(CommitteeProblem.objects.visible_to(user))


class PairingFilterSet(django_filters.FilterSet):
    current = django_filters.BooleanFilter(label=_("只看当前结对"), method="filter_current")

    class Meta:
        model = BranchPairing
        fields = ("current",)

    def filter_current(self, queryset, name, value):
        return queryset.filter(until__isnull=True) if value else queryset.filter(until__isnull=False)


@extend_schema_view(list=extend_schema(summary="结对共建（机关党支部与小区党支部）"), retrieve=extend_schema(summary="结对详情"))
class BranchPairingViewSet(ScopedReadOnlyViewSet):
    queryset_model = BranchPairing
    permission_classes = [NetworkReaders]
    serializer_class = BranchPairingSerializer
    filterset_class = PairingFilterSet
    list_select_related = ("organ_branch", "compound_branch")
    ordering = ("compound_branch_id", "pk")
    within_field = "compound_branch__area"


ROUTES = (
    ("joint-committees", JointCommitteeViewSet, "joint-committee"),
    ("committee-problems", CommitteeProblemViewSet, "committee-problem"),
    ("branch-pairings", BranchPairingViewSet, "branch-pairing"),
)
