from dangjian import trees
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import MANAGE_ROLES
from organizations.members.choices import ROSTER_ROLES

WISH_READ_ROLES = frozenset(ROSTER_ROLES)
WISH_MANAGE_ROLES = frozenset(MANAGE_ROLES)

_MEMBER_ATTR = "_services_member"
_COMMUNITY_ATTR = "_services_member_community"


def member_of(user):
    """The user's party-member record, or None (cached on the user)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, _MEMBER_ATTR):
        from organizations.members.models import Member

        setattr(user, _MEMBER_ATTR, Member.objects.select_related("residence").filter(user_id=user.pk).first())
    return getattr(user, _MEMBER_ATTR)


def member_community(user):
    """The community the user's member record lives in (its residence's community), or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, _COMMUNITY_ATTR):
        from organizations.areas.models import Area

        member = member_of(user)
        community = None
        if member is not None and member.residence_id:
            res = member.residence
            if res.level == AreaLevel.COMMUNITY:
                community = res
            else:
                community = trees.containing(Area.objects, res, level=AreaLevel.COMMUNITY).first()
        setattr(user, _COMMUNITY_ATTR, community)
    return getattr(user, _COMMUNITY_ATTR)
