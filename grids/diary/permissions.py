from dangjian.scoping import get_scope
from grids.grids.permissions import covers_grid
from organizations.grants.choices import MANAGE_ROLES, Role

# Who may write the people's diary (grid workers and community cadres).
DIARY_ROLES = frozenset(MANAGE_ROLES | {Role.GRID})


def can_write_some_diary(user) -> bool:
    return get_scope(user).has_role(*DIARY_ROLES)


def can_write_diary(user, grid, covered_areas) -> bool:
    return covers_grid(user, grid, covered_areas, DIARY_ROLES)
