from dangjian.scoping import get_scope
from dangjian.workflow import anyone
from organizations.grants.choices import Role
from services.requests.choices import REQUEST_OPEN_STATUSES, AssigneeKind, RequestAction
from services.resident.permissions import WISH_MANAGE_ROLES, WISH_READ_ROLES

REQUEST_READ_ROLES = WISH_READ_ROLES
REQUEST_MANAGE_ROLES = WISH_MANAGE_ROLES


# ----------------------------------------------------------------------- permissions
def can_read_requests(user) -> bool:
    """Holds a role that may read the request list somewhere (403 on the list otherwise)."""
    return get_scope(user).has_role(*REQUEST_READ_ROLES)


def may_be_assigned(user) -> bool:
    """“My tasks”: someone a request can be dispatched to — a party member (alone or in a
    volunteer team) or a grid worker."""
    scope = get_scope(user)
    return scope.has_fact("member") or scope.has_fact("grid_worker") or scope.has_role(Role.GRID)


def can_manage_somewhere(user) -> bool:
    """Holds a role that may keep volunteer teams somewhere (the new-team step picks where)."""
    return get_scope(user).has_role(*REQUEST_MANAGE_ROLES)


def can_manage(user, community) -> bool:
    """Dispatch, cancel, keep volunteer teams in ``community``."""
    return community is not None and get_scope(user).covers_area(community, REQUEST_MANAGE_ROLES)


def can_see_personal(user, req) -> bool:
    """The requester's name and masked phone: roster roles over the community."""
    return get_scope(user).covers_area(req.community, REQUEST_READ_ROLES)


def team_has_user(team, user) -> bool:
    """The user leads the team or is one of its members (one query for the members, once
    per team object and user: a page asks it for its buttons and for what it shows)."""
    if team is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    if team.leader_id is not None and team.leader.user_id == user.pk:
        return True
    known = team.__dict__.setdefault("_has_user", {})
    if user.pk not in known:
        known[user.pk] = team.members.filter(user_id=user.pk).exists()
    return known[user.pk]


def is_assignee(user, req) -> bool:
    """The user answers for the request's current assignee (the assignee relations loaded)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    kind = req.assignee_kind
    if kind == AssigneeKind.MEMBER and req.assigned_member_id:
        return req.assigned_member.user_id == user.pk
    if kind == AssigneeKind.GRID_WORKER and req.assigned_worker_id:
        return req.assigned_worker.user_id == user.pk
    if kind == AssigneeKind.TEAM and req.assigned_team_id:
        return team_has_user(req.assigned_team, user)
    return False


def can_manage_request(user, req) -> bool:
    """Dispatch and cancel (``req.community`` loaded)."""
    return can_manage(user, req.community)


def can_contact_requester(user, req) -> bool:
    """Reveal the requester's full phone to call them back: the request is still open
    (submitted, dispatched or accepted) and the user dispatches it (community staff) or is
    its assignee (the relations of ``DETAIL_RELATED`` loaded)."""
    if req.status not in REQUEST_OPEN_STATUSES:
        return False
    return can_manage(user, req.community) or is_assignee(user, req)


# Who may take each step of a request (``dangjian.workflow.available_transitions``).
REQUEST_RULES = {
    RequestAction.DISPATCH: can_manage_request,
    RequestAction.CANCEL: can_manage_request,
    RequestAction.ACCEPT: is_assignee,
    RequestAction.DECLINE: is_assignee,
    RequestAction.RESOLVE: is_assignee,
    RequestAction.RATE: anyone,  # by code: the code plus the last four digits of the phone
}
# The assignee's steps, settled for the rows of "my tasks" by its selector.
ASSIGNEE_VERBS = frozenset({RequestAction.ACCEPT, RequestAction.DECLINE, RequestAction.RESOLVE})
