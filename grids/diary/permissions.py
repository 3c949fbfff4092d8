from dangjian.scoping import get_scope
from grids.diary.choices import DiaryAction
from grids.grids.permissions import covers_grid
from organizations.grants.choices import MANAGE_ROLES, Role

# Who may write the people's diary (grid workers and community cadres).
DIARY_ROLES = frozenset(MANAGE_ROLES | {Role.GRID})


def can_write_some_diary(user) -> bool:
    return get_scope(user).has_role(*DIARY_ROLES)


def can_write_diary(user, grid, covered_areas) -> bool:
    return covers_grid(user, grid, covered_areas, DIARY_ROLES)


def can_change_entry(user, entry) -> bool:
    """Resolve or convert an entry: a diary role over its grid (``entry.grid`` loaded; one
    query for the grid's places, read once per loaded grid: the page asks for its buttons and
    for its 提为议事 link)."""
    from grids.grids.selectors import grid_places

    grid = entry.grid
    places = getattr(grid, "_diary_places", None)
    if places is None:
        places = grid._diary_places = grid_places(grid)
    return can_write_diary(user, grid, places)


def can_whistle_from(user, entry) -> bool:
    """May open the whistle form pre-filled from the entry: a managing role over the entry's
    community — the whistle form's own rule at a community
    (``services.whistles.permissions.can_whistle``, kept equal by grids/tests/test_handoff.py).
    ``entry.grid.community`` loaded."""
    return get_scope(user).covers_area(entry.grid.community, MANAGE_ROLES)


# Who may take each step of a diary entry (``dangjian.workflow.available_transitions``).
DIARY_RULES = {
    DiaryAction.RESOLVE: can_change_entry,
    DiaryAction.CONVERT: can_change_entry,
}
