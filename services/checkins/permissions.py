from dangjian.scoping import get_scope
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import MANAGE_ROLES
from organizations.members.choices import ROSTER_ROLES
from services.checkins.selectors import community_of


# ------------------------------------------------------------------------- pages
def oversees_reporting(user) -> bool:
    """The 双报到 summary of communities: a roster role granted at a community or above (or
    at an organization); a grid worker's compound holds no community."""
    scope = get_scope(user)
    if scope.is_global or scope.orgs_for(ROSTER_ROLES):
        return True
    return any(r.level is not None and r.level <= AreaLevel.COMMUNITY for r in scope.areas_for(ROSTER_ROLES))


def can_open_reporting(user) -> bool:
    """The 双报到 page: those who oversee it, and party members (sent on to their own page)."""
    return oversees_reporting(user) or get_scope(user).has_fact("member")


def is_member(user) -> bool:
    """“My service and 报到”: an account linked to a party-member record."""
    return get_scope(user).has_fact("member")


# ----------------------------------------------------------------------- agreements
def can_manage_agreement(user, *, community, org) -> bool:
    scope = get_scope(user)
    return scope.covers_area(community, MANAGE_ROLES) or scope.covers_org(org, MANAGE_ROLES)


# ---------------------------------------------------------------- feedback exports
def can_export_member(user, member) -> bool:
    """Managing roles over the member's residence community, or over their employer's
    organization (``member.residence`` and ``member.employer_org__area`` loaded)."""
    scope = get_scope(user)
    if scope.is_global:
        return True
    community = community_of(member.residence)
    if community is not None and scope.covers_area(community, MANAGE_ROLES):
        return True
    return member.employer_org_id is not None and scope.covers_org(member.employer_org, MANAGE_ROLES)
