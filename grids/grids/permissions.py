"""Who may do what with grids, teams and the people's diary.

* Reading grids, teams, coverage figures and the diary: the roles that keep the roster
  (系统管理员, 区委组织部, 街道党工委, 社区党委/社区工作者, 网格员) — team lists name party
  members and the diary names households, so members and departments are refused.
* Creating and editing grids, their coverage and their teams: the managing roles over the
  grid's community (a grid worker keeps a grid, they do not draw it).
* Writing the diary (record, resolve, convert): grid workers and community cadres over the
  grid — a grid role at the community, or at one of the places the grid covers.

The helpers here read the request's cached scope only (no query); the actions check the
same rules again on every write.
"""

from dangjian.scoping import get_scope
from organizations.grants.choices import MANAGE_ROLES
from organizations.members.choices import ROSTER_ROLES

# Who may read grids, teams, coverage and the diary inside their subtree.
GRID_READ_ROLES = frozenset(ROSTER_ROLES)
# Who may create grids, set their coverage and keep their teams.
GRID_MANAGE_ROLES = frozenset(MANAGE_ROLES)


def can_read_grids(user) -> bool:
    """Holds a role that may read grids somewhere (decides 403 on the list pages)."""
    return get_scope(user).has_role(*GRID_READ_ROLES)


def can_manage_some_grids(user) -> bool:
    return get_scope(user).has_role(*GRID_MANAGE_ROLES)


def can_manage_community(user, community) -> bool:
    """May create grids in ``community`` and edit them, their coverage and their teams."""
    return community is not None and get_scope(user).covers_area(community, GRID_MANAGE_ROLES)


def can_manage_grid(user, grid) -> bool:
    """``grid.community`` must be loaded (select_related) to stay query-free."""
    return can_manage_community(user, grid.community)


def covers_grid(user, grid, covered_areas, roles) -> bool:
    """A grant with one of ``roles`` over the grid's community or over one of its places."""
    scope = get_scope(user)
    if scope.covers_area(grid.community, roles):
        return True
    return any(scope.covers_area(area, roles) for area in covered_areas)
