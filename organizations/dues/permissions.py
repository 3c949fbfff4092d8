"""Who may do what with dues (党费).

* Reading a branch's dues (its sheet, arrears, the six-months list, totals): a managing role
  (admin, district, street, community: ``DUES_ROLES``) over the branch or its area; grid
  workers and departments do not see members' money.
* Recording payments and declaring bases: the branch's cadres
  (``organizations.orgs.permissions.can_manage_org``).
* A party member sees their own record only (``has_member_record``).
"""
from dangjian.scoping import get_scope
from organizations.grants.choices import MANAGE_ROLES
from organizations.orgs.permissions import can_manage_org

DUES_ROLES = MANAGE_ROLES


def can_read_dues(user) -> bool:
    """The dues pages of branches and areas: a managing role somewhere."""
    return get_scope(user).has_role(*DUES_ROLES)


def can_read_org_dues(user, org) -> bool:
    return org is not None and get_scope(user).covers_org(org, DUES_ROLES)


def can_read_area_dues(user, area) -> bool:
    return area is not None and get_scope(user).covers_area(area, DUES_ROLES)


def can_record_for(user, org) -> bool:
    return can_manage_org(user, org)


def has_member_record(user) -> bool:
    return get_scope(user).has_fact("member")


def can_open_member_dues(user) -> bool:
    """A member's dues record page: a dues reader (for members in scope) or the member."""
    return can_read_dues(user) or has_member_record(user)


def can_read_member_dues(user, member) -> bool:
    if member.user_id is not None and member.user_id == getattr(user, "pk", None):
        return True
    return can_read_org_dues(user, member.organization)
