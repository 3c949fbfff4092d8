"""Who may do what with 发展党员 (views, templates and the actions ask the same rules).

* Read cases (masked): the roster roles over the case's organization (or its area), and the
  person themselves once admitted (their own record).
* Record steps, open cases, publish notices: a managing role over the branch
  (``can_manage_org``: admin, district, street, community).
* Personal data in full: ``PERSONAL_DATA_ROLES`` over the branch; every view logged.
"""
from dangjian.scoping import get_scope
from organizations.members.choices import PERSONAL_DATA_ROLES, ROSTER_ROLES
from organizations.orgs.permissions import can_manage_org


def can_view_development(user) -> bool:
    """The development pages: a roster role somewhere."""
    return get_scope(user).has_role(*ROSTER_ROLES)


def can_open_own_or_any(user) -> bool:
    """A member's development record page: a roster role, or a member (their own)."""
    return can_view_development(user) or get_scope(user).has_fact("member")


def can_manage_somewhere(user) -> bool:
    from organizations.grants.choices import MANAGE_ROLES

    return get_scope(user).has_role(*MANAGE_ROLES)


def can_manage_case(user, case) -> bool:
    return can_manage_org(user, case.organization)


def can_reveal(user, case) -> bool:
    return get_scope(user).covers_org(case.organization, PERSONAL_DATA_ROLES)
