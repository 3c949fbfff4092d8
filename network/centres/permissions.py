"""Who may do what with the service centres.

* Reading the staff pages (list, detail, coverage): a managing role (admin, district, street,
  community: ``CENTRE_ROLES``); the rows are those of the user's granted subtree.
* Registering, editing and deactivating a centre: the same roles over the centre's place.
* The public page ``/c/`` is open to everyone (public data only).
"""
from dangjian.scoping import get_scope
from organizations.grants.choices import MANAGE_ROLES

CENTRE_ROLES = MANAGE_ROLES


def can_read_centres(user) -> bool:
    return get_scope(user).has_role(*CENTRE_ROLES)


def can_manage_centres(user) -> bool:
    """The create page: a managing role somewhere (the area picker offers only its subtree)."""
    return get_scope(user).has_role(*CENTRE_ROLES)


def can_read_area(user, area) -> bool:
    return area is not None and get_scope(user).covers_area(area, CENTRE_ROLES)


def can_manage_area(user, area) -> bool:
    return area is not None and get_scope(user).covers_area(area, CENTRE_ROLES)


def can_manage_centre(user, centre) -> bool:
    return centre is not None and can_manage_area(user, centre.area)
