"""Who may do what with micro-wishes.

* Reading the review list and every wish of a community (with the requester's name and a
  masked phone): the roster roles (系统管理员, 区委组织部, 街道党工委, 社区党委/社区工作者,
  网格员) over the wish's community.
* Publishing, rejecting and cancelling: the managing roles (``MANAGE_ROLES``) over the
  wish's community — the community cadres and those above them.
* The wish wall (published wishes, no personal data): a party member sees the wall of the
  community they live in; anyone with a grant sees the walls of the areas it covers.
* Claiming: a party member (``user.member``) claims for themself a wish on a wall they
  see; a cadre claims on behalf of a party organization they manage (``MANAGE_ROLES``
  over the organization).
* Releasing and fulfilling: only the claimant — the member who claimed, or a manager of
  the organization that claimed.
* Rating: the resident, by the tracking code (and the phone's last four digits).
* Calling the resident back (the full phone, one logged reveal at a time): while the wish is
  open (not fulfilled, rated, rejected or cancelled), the community staff who review it
  and its claimant.

``WISH_RULES`` gives the rule of each step, for the buttons (``available_transitions``).

The helpers read the request's cached scope; ``member_community`` runs one query per
request at most (cached on the user object).
"""

from dangjian import trees
from dangjian.access import has_scope
from dangjian.scoping import InArea, InOrg, get_scope
from dangjian.workflow import anyone
from organizations.grants.choices import MANAGE_ROLES
from services.resident.permissions import WISH_MANAGE_ROLES, WISH_READ_ROLES, member_community, member_of
from services.wishes.choices import CLOSED_STATUSES, WishAction

# Who may claim on behalf of an organization (over that organization).
WISH_ORG_CLAIM_ROLES = frozenset(MANAGE_ROLES)


def can_read_wishes(user) -> bool:
    """Holds a role that may read the review list somewhere (decides 403 on the list page)."""
    return get_scope(user).has_role(*WISH_READ_ROLES)


def can_open_wall(user) -> bool:
    """The wish wall: a party member (their community's) or anyone with a grant (the areas it covers)."""
    return has_scope(user) or get_scope(user).has_fact("member")


def can_claim_somewhere(user) -> bool:
    """“My claims”: a party member (claims for themself) or a manager who claims for an organization."""
    scope = get_scope(user)
    return scope.has_fact("member") or scope.has_role(*WISH_ORG_CLAIM_ROLES)


def can_review(user, wish) -> bool:
    """Publish, reject, cancel (``wish.community`` loaded)."""
    return get_scope(user).covers_area(wish.community, WISH_MANAGE_ROLES)


def can_see_personal(user, wish) -> bool:
    """The requester's name and masked phone are shown to roster roles over the community."""
    return get_scope(user).covers_area(wish.community, WISH_READ_ROLES)


def sees_wall_of(user, community) -> bool:
    """The wall of ``community``: the member's own community, or any grant covering it."""
    if community is None:
        return False
    mine = member_community(user)
    if mine is not None and mine.pk == community.pk:
        return True
    return get_scope(user).covers_area(community)


def claimable_orgs(user):
    """Organizations the user may claim on behalf of (a queryset; empty for plain members)."""
    from organizations.orgs.models import PartyOrg

    scope = get_scope(user)
    if not scope.has_role(*WISH_ORG_CLAIM_ROLES):
        return PartyOrg.objects.none()
    return PartyOrg.objects.granted(user, InOrg("", WISH_ORG_CLAIM_ROLES), InArea("area", WISH_ORG_CLAIM_ROLES))


def is_claimant(user, wish) -> bool:
    """The member who claimed, or a manager of the claiming organization
    (``wish.claimed_member`` and ``wish.claimed_org__area`` loaded)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if wish.claimed_member_id is not None:
        return wish.claimed_member.user_id == user.pk
    if wish.claimed_org_id is not None:
        return get_scope(user).covers_org(wish.claimed_org, WISH_ORG_CLAIM_ROLES)
    return False


def org_serves(org, community) -> bool:
    """An organization anchored inside the community, or above it (a street's or the
    community's own organization), sees that community's wall (``org.area`` loaded)."""
    area = org.area
    if area is None:
        return False
    return trees.contains(community, area) or trees.contains(area, community)


def can_claim(user, wish) -> bool:
    """The claim button: the wish's wall is one the user sees, and the user has a member
    record or an organization to claim for (the action decides the rest on the locked row)."""
    return sees_wall_of(user, wish.community) and (member_of(user) is not None or claimable_orgs(user).exists())


def can_contact_requester(user, wish) -> bool:
    """Reveal the requester's full phone to call them back: the wish is still open and the
    user reviews it or claimed it (``wish.community``, ``wish.claimed_member`` and
    ``wish.claimed_org__area`` loaded)."""
    if wish.status in CLOSED_STATUSES:
        return False
    return can_review(user, wish) or is_claimant(user, wish)


# Who may take each step of a wish (``dangjian.workflow.available_transitions``).
WISH_RULES = {
    WishAction.PUBLISH: can_review,
    WishAction.REJECT: can_review,
    WishAction.CANCEL: can_review,
    WishAction.CLAIM: can_claim,
    WishAction.RELEASE: is_claimant,
    WishAction.FULFIL: is_claimant,
    WishAction.RATE: anyone,  # by code: the code plus the last four digits of the phone
}
# The claimant's steps, settled for the rows of "my claims" by its selector.
CLAIMANT_VERBS = frozenset({WishAction.RELEASE, WishAction.FULFIL})
