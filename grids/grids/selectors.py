"""Reads for the grids app: querysets scoped to a user, and set-based coverage figures.

Scoping
    ``grids_for(user)``, ``team_for(user)`` and ``diary_for(user)`` hold only what the user
    may read: grids whose community lies in a subtree granted to a reading role, or that
    cover a place lying in one (a grid worker is granted the grid's places).  Detail pages
    start from the model's ``visible_to`` (out of scope → 404) and read the ``can_read``
    annotation (in scope, role not allowed → 403).

Coverage
    One aggregate query gives every figure of an area and of each of its direct children:
    the nodes of the subtree down to the buildings (its range in the territory tree),
    each flagged "covered by which grid", "has a covered building", "has a branch", "has a
    party group", with its central households' linked households and, for a community, its
    grids — hashed ``IN`` sets and joins, no per-row subquery — are summed per child (a
    ``CASE`` over the children's ranges; from a community down also per covering
    grid, so that distinct grids can be counted in memory).  ``coverage(area)`` runs one
    query, ``coverage_children(area)`` two, ``coverage_report(area)`` (the whole coverage
    page: figures, children, ancestors and the first rows of every gap list) three, whatever
    the size of the tree.
"""

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from dangjian import trees
from dangjian.errors import PermissionDeniedError
from dangjian.scoping import get_scope
from grids.grids.models import Grid, GridArea
from grids.grids.permissions import GRID_READ_ROLES
from grids.teams.choices import TeamRole
from grids.teams.models import GridTeamMember
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.orgs.choices import OrgKind
from organizations.orgs.models import PartyOrg


# ------------------------------------------------------------------------ scoped sets
def _grid_q(ranges, *, ref="pk", prefix=""):
    """Grids (reached through ``prefix``) whose community, or one of whose places, lies in ``ranges``."""
    covered = GridArea.objects.filter(grid=OuterRef(ref)).filter(trees.ranges_q(ranges, "area"))
    return trees.ranges_q(ranges, f"{prefix}community") | Q(Exists(covered))


def grids_for(user, roles=GRID_READ_ROLES):
    scope = get_scope(user)
    if scope.is_global:
        return Grid.objects.all()
    ranges = scope.areas_for(roles)
    if not ranges:
        return Grid.objects.none()
    return Grid.objects.filter(_grid_q(ranges))


def _count_of(queryset):
    """A correlated count, evaluated for the rows actually fetched (no GROUP BY over all)."""
    return Coalesce(
        Subquery(queryset.order_by().values("grid").annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
        Value(0),
    )


def grid_rows(user):
    """The grid list: scoped grids with their community, branch, number of places and of
    current team members (one query a page)."""
    return (
        grids_for(user)
        .select_related("community", "party_branch")
        .annotate(
            place_count=_count_of(GridArea.objects.filter(grid=OuterRef("pk"))),
            team_count=_count_of(GridTeamMember.objects.filter(grid=OuterRef("pk"), ended_on__isnull=True)),
        )
        .order_by(*trees.tree_order("community"), "code")
    )


def _can_read_expression(user, *, ref, prefix):
    scope = get_scope(user)
    if scope.is_global:
        return Value(True, output_field=BooleanField())
    ranges = scope.areas_for(GRID_READ_ROLES)
    if not ranges:
        return Value(False, output_field=BooleanField())
    return Case(
        When(_grid_q(ranges, ref=ref, prefix=prefix), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def grids_with_access(user):
    """Grids in the user's subtree (any role), annotated ``can_read`` (a reading role)."""
    return Grid.objects.visible_to(user).annotate(can_read=_can_read_expression(user, ref="pk", prefix=""))


def readable_or_refuse(queryset, pk, message):
    """The object with ``pk``: 404 when it is not in the user's subtree, 403
    (``PermissionDeniedError``) when it is but the user's role may not read it."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    if not obj.can_read:
        raise PermissionDeniedError(str(message))
    return obj


# ------------------------------------------------------------------------- one grid
def grid_places(grid):
    """The compounds and buildings a grid covers, in tree order (one query)."""
    return list(
        Area.objects.filter(grid_cover__grid=grid).select_related("parent").order_by(*trees.tree_order())
    )


def _team_role_order():
    return Case(
        *[When(role=role, then=Value(i)) for i, role in enumerate(TeamRole.values)],
        default=Value(len(TeamRole.values)),
        output_field=IntegerField(),
    )


def community_grids(community):
    """Grids of a community with their places and current team prefetched (three queries)."""
    return (
        Grid.objects.filter(community=community)
        .select_related("party_branch__secretary")
        .prefetch_related(
            Prefetch("coverage", queryset=GridArea.objects.select_related("area").order_by(*trees.preorder("area"))),
            Prefetch(
                "team",
                queryset=GridTeamMember.objects.filter(ended_on__isnull=True)
                .select_related("member", "user")
                .order_by(_team_role_order(), "id"),
                to_attr="current_team",
            ),
        )
        .order_by("code")
    )


# -------------------------------------------------------------------- form choices
def community_places(community):
    """Compounds and buildings of a community, with the grid covering each (one query)."""
    return (
        Area.objects.within(community)
        .filter(level__in=(AreaLevel.COMPOUND, AreaLevel.BUILDING))
        .select_related("grid_cover__grid", "parent")
        .order_by(*trees.preorder())
    )


def community_branches(community):
    """Branches a grid of ``community`` may be linked to: 党支部 anchored in its subtree."""
    return PartyOrg.objects.anchored_within(community).filter(kind=OrgKind.BRANCH).order_by(*trees.tree_order())
