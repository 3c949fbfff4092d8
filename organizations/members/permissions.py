from dangjian.scoping import get_scope
from organizations.areas.permissions import can_manage_area
from organizations.members.choices import PERSONAL_DATA_ROLES, ROSTER_ROLES
from organizations.orgs.permissions import can_manage_org


def can_view_roster(user) -> bool:
    """May read the (masked) member roster somewhere in their subtree."""
    return get_scope(user).has_role(*ROSTER_ROLES)


def has_member_record(user) -> bool:
    """The account is linked to a party-member record (a scope fact: no query of its own)."""
    return get_scope(user).has_fact("member")


def can_open_roster(user) -> bool:
    """May open the roster page: a roster role, or a member (who sees their own record)."""
    return can_view_roster(user) or has_member_record(user)


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


def can_look_up_personal_data(user) -> bool:
    """May find members by their full phone or ID number: a role that may open personal data
    in full (``PERSONAL_DATA_ROLES``, as ``can_reveal``) somewhere in their grants.  The
    look-up then searches only where that role reaches (``selectors.members_revealable_to``)."""
    return getattr(user, "is_authenticated", False) and get_scope(user).has_role(*PERSONAL_DATA_ROLES)
