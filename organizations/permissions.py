"""Who may do what, for views and templates.

Thin helpers over the request's cached scope (``dangjian.scoping.get_scope``): they run no
query of their own once the scope is loaded, provided the objects passed in carry the
relations they look at (``org.area``, ``member.organization.area``, ``member.residence``),
so views ``select_related`` those.  The actions in ``organizations.actions`` check the
same rules again on every write; these helpers only decide what to show.
"""
from dangjian.scoping import get_scope
from organizations.choices import IMPORT_ROLES, MANAGE_ROLES, PERSONAL_DATA_ROLES, ROSTER_ROLES


def can_view_roster(user) -> bool:
    """May read the (masked) member roster somewhere in their subtree."""
    return get_scope(user).has_role(*ROSTER_ROLES)


def can_manage_anything(user) -> bool:
    return get_scope(user).has_role(*MANAGE_ROLES)


def can_import(user) -> bool:
    return get_scope(user).has_role(*IMPORT_ROLES)


def can_manage_area(user, area) -> bool:
    """May create areas under ``area`` and edit it (a manage role granted over it)."""
    return area is not None and get_scope(user).covers_area(area, MANAGE_ROLES)


def can_manage_org(user, org) -> bool:
    return org is not None and get_scope(user).covers_org(org, MANAGE_ROLES)


def can_create_top_area(user) -> bool:
    return get_scope(user).is_global


def can_manage_member(user, member) -> bool:
    """May edit the member's record (the actions require managing their organization)."""
    return can_manage_org(user, member.organization)


def can_manage_member_household(user, member) -> bool:
    """May keep the member's central-household record (the building must be managed too)."""
    return can_manage_org(user, member.organization) or (
        member.residence_id is not None and can_manage_area(user, member.residence)
    )


def can_reveal(user, member) -> bool:
    """May open the member's phone and ID number in full (the same rule as the action)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if member.user_id is not None and member.user_id == user.pk:
        return True
    scope = get_scope(user)
    if scope.covers_org(member.organization, PERSONAL_DATA_ROLES):
        return True
    return member.residence_id is not None and scope.covers_area(member.residence, PERSONAL_DATA_ROLES)


def can_manage_unit(user, unit) -> bool:
    return can_manage_area(user, unit.community)
