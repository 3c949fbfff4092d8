"""API of people in several roles, 换届 reminders and leader links (read-only).

``/api/positions/``       the posts recorded in the caller's communities (``?within=`` an area)
``/api/leader-links/``    leaders linked to the caller's communities (and the caller's own),
                          with this month's visits and whether they are behind
``/api/term-reminders/``  organizations whose term ends within six months or has ended
"""
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view

from dangjian.api.viewsets import ScopedReadOnlyViewSet
from organizations.roles import selectors
from organizations.roles.api.serializers import LeaderLinkSerializer, PositionSerializer, TermReminderSerializer


@extend_schema_view(
    list=extend_schema(summary="任职", description="调用者管辖社区中登记的任职（党组织委员会、居委会、业委会、物业服务企业等）。"),
    retrieve=extend_schema(summary="任职详情"),
)
class PositionViewSet(ScopedReadOnlyViewSet):
    serializer_class = PositionSerializer
    list_select_related = ("member", "community", "org", "place", "unit")
    ordering = ("community_id", "pk")
    within_field = "community"

    def scoped_queryset(self, user):
        return selectors.positions_for(user)


@extend_schema_view(
    list=extend_schema(summary="领导联系社区", description="调用者管辖社区的联系领导（及调用者本人的联系），含本月走访次数和是否落后。"),
    retrieve=extend_schema(summary="联系详情"),
)
class LeaderLinkViewSet(ScopedReadOnlyViewSet):
    serializer_class = LeaderLinkSerializer
    list_select_related = ("community",)
    ordering = ("community_id", "pk")
    within_field = "community"

    def scoped_queryset(self, user):
        return selectors.link_rows(selectors.links_for(user), timezone.localdate())


@extend_schema_view(
    list=extend_schema(summary="换届提醒", description="任期六个月内届满或已届满的党组织（按任期规则计算）。"),
    retrieve=extend_schema(summary="换届提醒详情"),
)
class TermReminderViewSet(ScopedReadOnlyViewSet):
    serializer_class = TermReminderSerializer
    list_select_related = ("area", "secretary")
    ordering = ("term_end", "pk")
    within_field = "area"

    def scoped_queryset(self, user):
        return selectors.term_reminders(user, timezone.localdate())

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}


ROUTES = (
    ("positions", PositionViewSet, "position"),
    ("leader-links", LeaderLinkViewSet, "leader-link"),
    ("term-reminders", TermReminderViewSet, "term-reminder"),
)
