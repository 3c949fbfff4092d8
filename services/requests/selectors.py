"""Scoped reads and "who may do what" of resident requests (点单-派单-接单-评单).

Who may do what
    * Read the list and every request of a community (with the requester's name and a
      masked phone): the roster roles over the request's community (``WISH_READ_ROLES``).
    * Dispatch (派单), re-dispatch before acceptance, cancel, and keep the community's
      volunteer teams: the managing roles over the community (``MANAGE_ROLES``).
    * Accept (接单), decline (退单) and resolve (办结): the assignee — the member's
      account, the grid worker's account, or the leader or a member of the volunteer team.
    * Residents follow their request by code and rate it with the phone's last four digits.

Every function returns a queryset already limited to what the user may see, with the
joins its page needs, so lists run a constant number of queries whatever their length.
"""

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian import trees
from dangjian.pickers import search
from dangjian.scoping import InArea, get_scope
from organizations.areas.models import Area
from organizations.members.models import Member
from organizations.orgs.models import PartyOrg
from services.requests.choices import REQUEST_OPEN_STATUSES, AssigneeKind, RequestStatus
from services.requests.models import RequestCategory, RequestEvent, ServiceRequest, VolunteerTeam
from services.requests.permissions import REQUEST_MANAGE_ROLES, REQUEST_READ_ROLES

LIST_RELATED = ("community", "building", "category")
DETAIL_RELATED = (
    "community", "building__parent", "category", "assigned_member", "assigned_worker__member",
    "assigned_worker__user", "assigned_worker__grid", "assigned_team__leader", "dispatched_by", "accepted_by",
)
WAITING_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.DISPATCHED)


# ------------------------------------------------------------------------------ reads
def requests_for(user):
    """Every request the user may open (``ServiceRequest.objects.visible_to``)."""
    return ServiceRequest.objects.visible_to(user)


def requests_for_list(user):
    """The staff list: every request of the communities a roster role of the user covers."""
    return ServiceRequest.objects.granted(user, InArea("community", REQUEST_READ_ROLES)).select_related(*LIST_RELATED)


def overdue_q(now=None) -> Q:
    """Open requests past the deadline that matters: not taken within the response limit,
    or not resolved within the resolution limit."""
    now = now or timezone.now()
    return Q(status__in=WAITING_STATUSES, response_due__lt=now) | Q(status__in=REQUEST_OPEN_STATUSES, resolve_due__lt=now)


def my_teams_q(user) -> Q:
    return Q(leader__user_id=user.pk) | Q(members__user_id=user.pk)


def my_tasks(user):
    """Requests dispatched to the user (as the member, the grid worker, or through a team):
    those waiting for acceptance first, then those in hand, then the finished ones."""
    if user is None or not user.is_authenticated:
        return ServiceRequest.objects.none()
    teams = VolunteerTeam.objects.filter(my_teams_q(user)).values("pk")
    q = (
        Q(assignee_kind=AssigneeKind.MEMBER, assigned_member__user_id=user.pk)
        | Q(assignee_kind=AssigneeKind.GRID_WORKER, assigned_worker__user_id=user.pk)
        | Q(assignee_kind=AssigneeKind.TEAM, assigned_team__in=teams)
    )
    order = Case(
        When(status=RequestStatus.DISPATCHED, then=Value(0)), When(status=RequestStatus.ACCEPTED, then=Value(1)),
        default=Value(2), output_field=IntegerField(),
    )
    return (
        ServiceRequest.objects.filter(q).exclude(status=RequestStatus.CANCELLED)
        .select_related(*LIST_RELATED, "assigned_team")
        .annotate(_todo=order).order_by("_todo", "resolve_due", "-id")
    )


def awaiting_dispatch_for(user):
    """Requests waiting for dispatch in the communities the user may dispatch in
    (``list?status=submitted`` lists the same rows); empty for a role that may not dispatch."""
    if not get_scope(user).has_role(*REQUEST_MANAGE_ROLES):
        return ServiceRequest.objects.none()
    return requests_for_list(user).filter(status=RequestStatus.SUBMITTED)


def open_tasks(user):
    """Requests dispatched to the user and not yet resolved (``mine?todo=1`` lists the same rows)."""
    return my_tasks(user).filter(status__in=(RequestStatus.DISPATCHED, RequestStatus.ACCEPTED))


def events(req):
    return RequestEvent.objects.filter(request=req).select_related("actor").order_by("at", "id")


def public_timeline(req):
    """The progress of a request for its public status page: statuses and times only."""
    rows = RequestEvent.objects.filter(request=req).order_by("at", "id").values("to_status", "at")
    return [{**row, "label": RequestStatus(row["to_status"]).label} for row in rows]


def active_categories():
    return RequestCategory.objects.filter(is_active=True).order_by("sort_order", "id")


def status_counts(queryset) -> dict:
    from django.db.models import Count

    rows = queryset.order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


# ------------------------------------------------------------------ dispatch targets
def community_members(community):
    """Members living in the community or organized in one of its organizations.

    The two sets are read by their indexes (residence, organization) and united by id: an
    ``OR`` across the two joins would scan every member of the province."""
    places = Area.objects.filter(trees.subtree_q(community)).values("pk")
    orgs = PartyOrg.objects.filter(trees.subtree_q(community, "area")).values("pk")
    ids = Member.objects.filter(residence_id__in=places).order_by().values("pk").union(
        Member.objects.filter(organization_id__in=orgs).order_by().values("pk"))
    return Member.objects.filter(pk__in=ids).order_by("name", "id")


def community_workers(community, on=None):
    """The current grid team members of the community's grids."""
    from grids.teams.models import GridTeamMember

    return (
        GridTeamMember.objects.current(on).filter(grid__community_id=community.pk)
        .select_related("grid", "member", "user").order_by("grid__code", "role", "id")
    )


def community_teams(community, *, active_only=True):
    qs = VolunteerTeam.objects.filter(community_id=community.pk)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.select_related("leader").order_by("name", "id")


WORKER_SEARCH = ("member__name", "display_name", "user__first_name", "user__last_name", "user__username")
ASSIGNEE_KINDS = {"t": "team", "w": "worker", "m": "member"}


def _assignee_querysets(community):
    return {
        "t": community_teams(community),
        "w": community_workers(community).filter(user__isnull=False),
        "m": community_members(community).filter(user__isnull=False),
    }


def assignee(community, value):
    """``(kind, object)`` for a dispatch value ``t<id>``/``w<id>``/``m<id>`` of the community
    (``(None, None)`` when it is malformed or not the community's); one query."""
    value = (value or "").strip()
    letter, digits = value[:1], value[1:]
    if letter not in ASSIGNEE_KINDS or not digits.isdigit() or len(digits) > 18:
        return None, None
    return ASSIGNEE_KINDS[letter], _assignee_querysets(community)[letter].filter(pk=int(digits)).first()


def assignee_label(obj) -> str:
    if isinstance(obj, VolunteerTeam):
        return _("志愿服务队：%(name)s") % {"name": obj.name}
    if isinstance(obj, Member):
        return _("党员：%(name)s") % {"name": obj.name}
    return _("网格员：%(name)s（%(grid)s · %(role)s）") % {
        "name": obj.person_name, "grid": obj.grid.name, "role": obj.get_role_display()}


def assignee_options(community, q, page):
    """A page of dispatch targets matching ``q``: teams, then grid workers, then members
    (at most three queries, each bounded)."""
    sets = _assignee_querysets(community)
    rows = []
    for letter, fields in (("t", ("name",)), ("w", WORKER_SEARCH), ("m", ("name",))):
        left = page + 1 - len(rows)
        if left <= 0:
            break
        rows += [(f"{letter}{obj.pk}", assignee_label(obj)) for obj in search(sets[letter], q, fields)[:left]]
    return rows[:page], len(rows) > page


def teams_for(user):
    """Volunteer teams of the communities the user's roster role covers."""
    return VolunteerTeam.objects.granted(user, InArea("community", REQUEST_READ_ROLES)).select_related("community", "leader")
