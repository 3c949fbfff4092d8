"""Who may do what with designations.

* Reading (list, detail, per-area counts): a managing role (admin, district, street,
  community), over the designations whose thing lies in the granted subtree.
* Granting and revoking: a district or street cadre (or admin) over the designated thing's
  place — communities do not designate themselves.
"""
from dangjian.scoping import get_scope
from organizations.grants.choices import MANAGE_ROLES, Role

READ_ROLES = MANAGE_ROLES
GRANT_ROLES = frozenset({Role.ADMIN, Role.DISTRICT, Role.STREET})


def can_read_designations(user) -> bool:
    return get_scope(user).has_role(*READ_ROLES)


def can_read_area(user, area) -> bool:
    return area is not None and get_scope(user).covers_area(area, READ_ROLES)


def can_grant(user) -> bool:
    return get_scope(user).has_role(*GRANT_ROLES)


def can_grant_at(user, place) -> bool:
    return place is not None and get_scope(user).covers_area(place, GRANT_ROLES)


def can_revoke(user, designation) -> bool:
    return designation is not None and can_grant_at(user, designation.place)
