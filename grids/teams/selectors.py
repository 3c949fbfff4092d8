from grids.grids.selectors import _can_read_expression, _team_role_order, grids_for
from grids.teams.models import GridTeamMember


def team_for(user):
    return GridTeamMember.objects.filter(grid__in=grids_for(user).values("pk"))


def team_with_access(user):
    return GridTeamMember.objects.visible_to(user).annotate(
        can_read=_can_read_expression(user, ref="grid_id", prefix="grid__")
    )


def grid_team(grid, *, include_ended=False):
    qs = GridTeamMember.objects.filter(grid=grid).select_related("member", "user")
    if not include_ended:
        qs = qs.filter(ended_on__isnull=True)
    return qs.order_by(_team_role_order(), "started_on", "id")
