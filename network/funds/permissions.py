"""Who may do what with funds (经费).

* Reading allocations, spending and totals: a managing role (admin, district, street,
  community), within their subtree.
* Allocating (and correcting an allocation, importing a year's allocations): district and
  street cadres (and the administrator) over the recipient's area.
* Recording spending: the managers over the recipient — its community's cadre (and those
  above), or a manager granted on the recipient organization (its branch secretary).
"""
from dangjian.scoping import get_scope
from organizations.grants.choices import MANAGE_ROLES, Role

FUND_ROLES = MANAGE_ROLES
ALLOCATE_ROLES = frozenset({Role.ADMIN, Role.DISTRICT, Role.STREET})


def can_read_funds(user) -> bool:
    return get_scope(user).has_role(*FUND_ROLES)


def can_allocate(user) -> bool:
    return get_scope(user).has_role(*ALLOCATE_ROLES)


def can_allocate_at(user, place) -> bool:
    return place is not None and get_scope(user).covers_area(place, ALLOCATE_ROLES)


def can_spend(user, allocation) -> bool:
    """``allocation.place`` (and ``allocation.org``) loaded."""
    scope = get_scope(user)
    if scope.covers_area(allocation.place, FUND_ROLES):
        return True
    org = allocation.org if allocation.org_id else None
    return org is not None and any(r.contains(org) for r in scope.orgs_for(FUND_ROLES))


def can_record_spending(user) -> bool:
    return get_scope(user).has_role(*FUND_ROLES)
