"""Who may read the annual statistical tables: the roles that may read the roster
(``members.permissions.can_view_roster``), for an area their grants cover; a party member
does not see them."""
from dangjian.scoping import get_scope
from organizations.members.choices import ROSTER_ROLES
from organizations.members.permissions import can_view_roster


def can_view_statistics(user) -> bool:
    return can_view_roster(user)


def can_view_area_statistics(user, area) -> bool:
    return area is not None and get_scope(user).covers_area(area, ROSTER_ROLES)
