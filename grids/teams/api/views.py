import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dangjian.api.filters import IdFilter
from dangjian.api.viewsets import ScopedQuerysetMixin
from grids.grids.api.views import _WITHIN, GridReadPermission
from grids.teams import actions, selectors
from grids.teams.api.serializers import GridTeamMemberSerializer, TeamEndSerializer
from grids.teams.choices import TeamRole
from grids.teams.models import GridTeamMember


class TeamFilterSet(FilterSet):
    grid = IdFilter(label=_("网格"), field_name="grid")
    role = django_filters.ChoiceFilter(label=_("团队角色"), choices=TeamRole.choices)
    current = django_filters.BooleanFilter(label=_("仍在任"), method="filter_current")

    class Meta:
        model = GridTeamMember
        fields = ["grid", "role", "current"]

    def filter_current(self, queryset, name, value):
        return queryset.filter(ended_on__isnull=value)


# ------------------------------------------------------------------------------ teams
@extend_schema_view(
    list=extend_schema(summary="网格团队成员列表", description="可按网格、角色、是否在任筛选。" + _WITHIN),
    retrieve=extend_schema(summary="网格团队成员详情"),
    create=extend_schema(
        summary="登记网格团队成员",
        description="党员、账号或姓名至少给一项。网格总长、网格长、网格员若给出账号，该账号随即获得本网格覆盖区域的网格员权限。",
    ),
)
class GridTeamViewSet(
    ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset_model = GridTeamMember
    serializer_class = GridTeamMemberSerializer
    filterset_class = TeamFilterSet
    permission_classes = [GridReadPermission]
    list_select_related = ("grid", "member", "user")
    ordering = ("grid_id", "role", "id")
    within_field = "grid__community"

    def scoped_queryset(self, user):
        return selectors.team_for(user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        assignment = actions.team_member_add(
            actor=self.request.user, grid=data.pop("grid"), role=data["role"], member=data.get("member"),
            user=data.get("username"), display_name=data.get("display_name", ""), started_on=data.get("started_on"),
        )
        serializer.instance = self.get_queryset().filter(pk=assignment.pk).first() or assignment

    @extend_schema(
        summary="结束任职",
        description="登记结束日期，并收回随任职授予的网格员权限。",
        request=TeamEndSerializer,
        responses=GridTeamMemberSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def end(self, request, pk=None):
        assignment = self.get_object()
        body = TeamEndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actions.team_member_end(actor=request.user, assignment=assignment, ended_on=body.validated_data.get("ended_on"))
        fresh = self.get_queryset().get(pk=assignment.pk)
        return Response(GridTeamMemberSerializer(fresh, context=self.get_serializer_context()).data)
