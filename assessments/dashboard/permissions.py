from __future__ import annotations

from dangjian.scoping import get_scope
from organizations.grants.choices import Role
from organizations.members.choices import ROSTER_ROLES

DASHBOARD_ROLES = ROSTER_ROLES
REFRESH_ROLES = frozenset({Role.ADMIN, Role.DISTRICT})


# ------------------------------------------------------------------------ permissions
def can_view_some(user) -> bool:
    """May open the dashboard of some area (a dashboard role anywhere in the grants)."""
    return get_scope(user).has_role(*DASHBOARD_ROLES)


def can_view(user, area) -> bool:
    return area is not None and get_scope(user).covers_area(area, DASHBOARD_ROLES)


def can_refresh(user, area) -> bool:
    return area is not None and get_scope(user).covers_area(area, REFRESH_ROLES)
