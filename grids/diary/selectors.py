from django.db.models import (
    Q,
)

from dangjian import trees
from grids.diary.choices import DiaryStatus
from grids.diary.models import DiaryEntry
from grids.grids.selectors import _can_read_expression, grids_for
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area


def diary_for(user):
    return DiaryEntry.objects.filter(grid__in=grids_for(user).values("pk"))


def open_problems_for(user):
    """Diary problems still to handle in the user's grids (``diary_list?status=open``)."""
    return diary_for(user).filter(status=DiaryStatus.OPEN)


def diary_with_access(user):
    return DiaryEntry.objects.visible_to(user).annotate(
        can_read=_can_read_expression(user, ref="grid_id", prefix="grid__")
    )


def grid_building_choices(grid):
    """Buildings a diary entry of ``grid`` may name: covered directly or through their compound."""
    return (
        Area.objects.filter(level=AreaLevel.BUILDING)
        .filter(Q(grid_cover__grid=grid) | Q(parent__grid_cover__grid=grid))
        .select_related("parent")
        .order_by(*trees.tree_order())
    )
