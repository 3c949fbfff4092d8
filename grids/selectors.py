"""Reads for the grids app: querysets scoped to a user, and set-based coverage figures.

Scoping
    ``grids_for(user)``, ``team_for(user)`` and ``diary_for(user)`` hold only what the user
    may read: grids whose community lies in a subtree granted to a reading role, or that
    cover a place lying in one (a grid worker is granted the grid's places).  Detail pages
    start from the model's ``visible_to`` (out of scope → 404) and read the ``can_read``
    annotation (in scope, role not allowed → 403).

Coverage
    Every figure for an area's whole subtree is a conditional aggregate over the
    ``lft/rght`` range of the territory tree, with ``Exists``/``Subquery`` annotations for
    "has a grid", "has a branch", "has a party group" and the central households'
    linked households.  ``coverage(area)`` runs three queries, ``coverage_children(area)``
    four (the children, then the same three aggregates grouped by child with a ``CASE`` on
    ``lft``), whatever the size of the tree.  No per-node loop.
"""
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.http import Http404

from dangjian.scoping import get_scope, range_q
from organizations.actions import PermissionDeniedError
from organizations.choices import AreaLevel, OrgCategory, OrgKind
from organizations.models import Area, CentralHousehold, PartyOrg

from .choices import TeamRole
from .models import DiaryEntry, Grid, GridArea, GridTeamMember
from .permissions import GRID_READ_ROLES

GAP_LIMIT = 20  # rows of each gap list shown on a page (the counts are always complete; "查看全部" pages the rest)


# ------------------------------------------------------------------------ scoped sets
def _grid_q(ranges, *, ref="pk", prefix=""):
    """Grids (reached through ``prefix``) whose community, or one of whose places, lies in ``ranges``."""
    covered = GridArea.objects.filter(grid=OuterRef(ref)).filter(range_q("area", ranges))
    return range_q(f"{prefix}community", ranges) | Q(Exists(covered))


def grids_for(user, roles=GRID_READ_ROLES):
    scope = get_scope(user)
    if scope.is_global:
        return Grid.objects.all()
    ranges = scope.areas_for(roles)
    if not ranges:
        return Grid.objects.none()
    return Grid.objects.filter(_grid_q(ranges))


def team_for(user):
    return GridTeamMember.objects.filter(grid__in=grids_for(user).values("pk"))


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
        .order_by("community__tree_id", "community__lft", "code")
    )


def diary_for(user):
    return DiaryEntry.objects.filter(grid__in=grids_for(user).values("pk"))


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


def diary_with_access(user):
    return DiaryEntry.objects.visible_to(user).annotate(
        can_read=_can_read_expression(user, ref="grid_id", prefix="grid__")
    )


def team_with_access(user):
    return GridTeamMember.objects.visible_to(user).annotate(
        can_read=_can_read_expression(user, ref="grid_id", prefix="grid__")
    )


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
        Area.objects.filter(grid_cover__grid=grid).select_related("parent").order_by("tree_id", "lft")
    )


def grid_buildings(grid):
    """Buildings covered by a grid, directly or through their compound, with their figures
    (party group, central households' linked households): one query."""
    return (
        _building_rows(Area.objects.filter(level=AreaLevel.BUILDING))
        .filter(Q(grid_cover__grid=grid) | Q(parent__grid_cover__grid=grid))
        .select_related("parent")
        .order_by("tree_id", "lft")
    )


def grid_building_choices(grid):
    """Buildings a diary entry of ``grid`` may name: covered directly or through their compound."""
    return (
        Area.objects.filter(level=AreaLevel.BUILDING)
        .filter(Q(grid_cover__grid=grid) | Q(parent__grid_cover__grid=grid))
        .select_related("parent")
        .order_by("tree_id", "lft")
    )


def grid_team(grid, *, include_ended=False):
    qs = GridTeamMember.objects.filter(grid=grid).select_related("member", "user")
    if not include_ended:
        qs = qs.filter(ended_on__isnull=True)
    return qs.order_by(_team_role_order(), "started_on", "id")


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
            Prefetch("coverage", queryset=GridArea.objects.select_related("area").order_by("area__lft")),
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


def grid_figures(area) -> dict:
    """Per grid, for the grids covering places in ``area``'s subtree: buildings covered,
    households, buildings with a party group, households linked by central households —
    one grouped query.  Returns ``{grid_id: {...}}``."""
    rows = (
        _building_rows(Area.objects.within(area).filter(level=AreaLevel.BUILDING))
        .annotate(grid_key=Coalesce(F("grid_cover__grid_id"), F("parent__grid_cover__grid_id")))
        .filter(grid_key__isnull=False)
        .order_by()
        .values("grid_key")
        .annotate(**_building_aggregates())
    )
    return {row.pop("grid_key"): _with_rates(row) for row in rows}


# ----------------------------------------------------------------------- coverage
def _gridded_q():
    """A compound counts as gridded when it, or one of its buildings, is covered."""
    return Q(Exists(GridArea.objects.filter(area=OuterRef("pk")))) | Q(
        Exists(GridArea.objects.filter(area__parent=OuterRef("pk")))
    )


def _compound_branch_exists():
    return Exists(
        PartyOrg.objects.filter(area=OuterRef("pk"), kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND)
    )


def _group_exists():
    return Exists(PartyOrg.objects.filter(area=OuterRef("pk"), kind=OrgKind.GROUP))


def _linked_households():
    return Coalesce(
        Subquery(
            CentralHousehold.objects.filter(building=OuterRef("pk"))
            .order_by()
            .values("building")
            .annotate(n=Sum("linked_households"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _building_rows(buildings):
    """Buildings annotated with ``has_group`` and ``linked`` (households linked by the
    building's central households, capped at the building's households)."""
    return buildings.annotate(
        has_group=_group_exists(),
        linked=Least(F("households"), _linked_households()),
    )


def _compound_rows(compounds):
    return compounds.annotate(gridded=Case(When(_gridded_q(), then=Value(True)), default=Value(False),
                                           output_field=BooleanField()),
                              has_branch=_compound_branch_exists())


def _building_aggregates():
    return {
        "buildings": Count("pk"),
        "buildings_with_group": Count("pk", filter=Q(has_group=True)),
        "households": Coalesce(Sum("households"), 0),
        "households_covered": Coalesce(Sum("linked"), 0),
    }


def _compound_aggregates():
    return {
        "compounds": Count("pk"),
        "compounds_gridded": Count("pk", filter=Q(gridded=True)),
        "compounds_with_branch": Count("pk", filter=Q(has_branch=True)),
    }


def _grid_aggregates():
    return {
        "grids": Count("pk", distinct=True),
        "grids_with_branch": Count("pk", distinct=True, filter=Q(party_branch__isnull=False)),
    }


def _rate(part, whole):
    return round(100 * part / whole, 1) if whole else None


RATES = (
    ("compounds_gridded_rate", "compounds_gridded", "compounds"),
    ("compounds_with_branch_rate", "compounds_with_branch", "compounds"),
    ("grids_with_branch_rate", "grids_with_branch", "grids"),
    ("buildings_with_group_rate", "buildings_with_group", "buildings"),
    ("households_covered_rate", "households_covered", "households"),
)
EMPTY = {
    "compounds": 0, "compounds_gridded": 0, "compounds_with_branch": 0,
    "grids": 0, "grids_with_branch": 0,
    "buildings": 0, "buildings_with_group": 0, "households": 0, "households_covered": 0,
}


def _with_rates(row: dict) -> dict:
    for name, part, whole in RATES:
        if part in row and whole in row:
            row[name] = _rate(row[part], row[whole])
    return row


def _covering_places(area):
    """Places that cover ``area`` from above: the area itself or one of its ancestors, when
    that is a compound or a building (a building is covered through its compound)."""
    return GridArea.objects.filter(
        area__tree_id=area.tree_id, area__lft__lte=area.lft, area__rght__gte=area.rght,
        area__level__gte=AreaLevel.COMPOUND,
    )


def _grids_in(area):
    """Grids counted for an area: for a community or above, the grids of its communities;
    below a community, the grids covering a place in its subtree or covering it from above."""
    if area.level <= AreaLevel.COMMUNITY:
        return Grid.objects.within(area)
    inside = GridArea.objects.filter(
        grid=OuterRef("pk"), area__tree_id=area.tree_id, area__lft__gte=area.lft, area__lft__lte=area.rght
    )
    above = _covering_places(area).filter(grid=OuterRef("pk"))
    return Grid.objects.filter(Q(Exists(inside)) | Q(Exists(above)))


def coverage(area) -> dict:
    """Coverage figures of ``area``'s whole subtree (three queries).

    compounds / compounds_gridded (the compound or one of its buildings is in a grid) /
    compounds_with_branch (a 小区党支部 anchored at it); grids / grids_with_branch;
    buildings / buildings_with_group (a 党小组 anchored at it); households (sum of the
    buildings' households) / households_covered (households linked by 党员中心户, capped at
    each building's households); each pair with its rate in percent (None when empty).
    Gap counts follow: ``*_gap`` = whole − part.
    """
    subtree = Area.objects.within(area)
    figures = dict(EMPTY)
    figures.update(_compound_rows(subtree.filter(level=AreaLevel.COMPOUND)).order_by().aggregate(**_compound_aggregates()))
    figures.update(_building_rows(subtree.filter(level=AreaLevel.BUILDING)).order_by().aggregate(**_building_aggregates()))
    figures.update(_grids_in(area).order_by().aggregate(**_grid_aggregates()))
    return _finish(figures)


def _finish(figures: dict) -> dict:
    for key in EMPTY:
        figures[key] = figures.get(key) or 0
    figures["compounds_without_grid"] = figures["compounds"] - figures["compounds_gridded"]
    figures["compounds_without_branch"] = figures["compounds"] - figures["compounds_with_branch"]
    figures["grids_without_branch"] = figures["grids"] - figures["grids_with_branch"]
    figures["buildings_without_group"] = figures["buildings"] - figures["buildings_with_group"]
    return _with_rates(figures)


def _child_case(children, field="lft"):
    return Case(
        *[When(**{f"{field}__gte": c.lft, f"{field}__lte": c.rght}, then=Value(c.pk)) for c in children],
        default=Value(None),
        output_field=IntegerField(),
    )


@dataclass
class ChildCoverage:
    area: Area
    figures: dict


def coverage_children(area, *, children=None) -> list[ChildCoverage]:
    """One row per direct child of ``area`` with its subtree's coverage figures.

    Four queries for all children together: the children, then compounds, buildings and
    grids of the subtree, each aggregated once and grouped by the child whose ``lft/rght``
    range holds them (a ``CASE`` over the children's ranges); a fifth below a community
    (the grid covering the compound itself counts for each of its buildings).  ``children`` may be passed
    (already narrowed, e.g. to what the user may see)."""
    if children is None:
        children = area.get_children()
    children = list(children.order_by("code", "name"))
    if not children:
        return []
    subtree = Area.objects.within(area).exclude(pk=area.pk)
    case = _child_case(children)
    per_child = {c.pk: dict(EMPTY) for c in children}

    def merge(rows):
        for row in rows:
            key = row.pop("child")
            if key in per_child:
                per_child[key].update({k: v for k, v in row.items() if v is not None})

    merge(
        _compound_rows(subtree.filter(level=AreaLevel.COMPOUND)).annotate(child=case)
        .order_by().values("child").annotate(**_compound_aggregates())
    )
    merge(
        _building_rows(subtree.filter(level=AreaLevel.BUILDING)).annotate(child=case)
        .order_by().values("child").annotate(**_building_aggregates())
    )
    if area.level < AreaLevel.COMMUNITY:
        # children are districts, streets or communities: a grid belongs to its community's branch
        grids = Grid.objects.within(area).annotate(child=_child_case(children, "community__lft"))
        merge(grids.order_by().values("child").annotate(**_grid_aggregates()))
    else:
        # children are compounds or buildings: a grid counts in every child it covers a place of
        places = GridArea.objects.filter(
            area__tree_id=area.tree_id, area__lft__gt=area.lft, area__lft__lte=area.rght
        ).annotate(child=_child_case(children, "area__lft"))
        merge(
            places.order_by().values("child").annotate(
                grids=Count("grid", distinct=True),
                grids_with_branch=Count("grid", distinct=True, filter=Q(grid__party_branch__isnull=False)),
            )
        )
        if area.level > AreaLevel.COMMUNITY:
            # a grid covering this compound (or building) covers every child from above;
            # it cannot also cover a place inside (a place belongs to one grid), so no double count
            above = _covering_places(area).aggregate(
                grids=Count("grid", distinct=True),
                grids_with_branch=Count("grid", distinct=True, filter=Q(grid__party_branch__isnull=False)),
            )
            for figures in per_child.values():
                figures["grids"] += above["grids"]
                figures["grids_with_branch"] += above["grids_with_branch"]
    return [ChildCoverage(area=c, figures=_finish(per_child[c.pk])) for c in children]


# ----------------------------------------------------------------------- gap lists
def compounds_without_grid(area):
    return (
        Area.objects.within(area).filter(level=AreaLevel.COMPOUND)
        .exclude(_gridded_q())
        .select_related("parent")
        .order_by("tree_id", "lft")
    )


def compounds_without_branch(area):
    return (
        Area.objects.within(area).filter(level=AreaLevel.COMPOUND)
        .exclude(_compound_branch_exists())
        .select_related("parent")
        .order_by("tree_id", "lft")
    )


def buildings_without_group(area):
    return (
        Area.objects.within(area).filter(level=AreaLevel.BUILDING)
        .exclude(_group_exists())
        .select_related("parent")
        .order_by("tree_id", "lft")
    )


def grids_without_branch(area):
    return _grids_in(area).filter(party_branch__isnull=True).select_related("community").order_by("community_id", "code")


GAP_KINDS = {
    "compounds_without_grid": compounds_without_grid,
    "grids_without_branch": grids_without_branch,
    "compounds_without_branch": compounds_without_branch,
    "buildings_without_group": buildings_without_group,
}


def gap_lists(area, figures, limit=GAP_LIMIT) -> dict:
    """The first ``limit`` rows of each gap list (one query each) with the full counts
    taken from ``figures`` (no count query)."""
    return {
        kind: {"rows": list(fn(area)[:limit]), "count": figures[kind], "more": figures[kind] > limit}
        for kind, fn in GAP_KINDS.items()
    }


# -------------------------------------------------------------------- form choices
def community_places(community):
    """Compounds and buildings of a community, with the grid covering each (one query)."""
    return (
        Area.objects.within(community)
        .filter(level__in=(AreaLevel.COMPOUND, AreaLevel.BUILDING))
        .select_related("grid_cover__grid", "parent")
        .order_by("lft")
    )


def community_branches(community):
    """Branches a grid of ``community`` may be linked to: 党支部 anchored in its subtree."""
    return PartyOrg.objects.anchored_within(community).filter(kind=OrgKind.BRANCH).order_by("tree_id", "lft")
