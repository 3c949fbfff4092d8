from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Least

from dangjian import trees
from grids.grids.models import Grid, GridArea
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.members.models import CentralHousehold
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg

GAP_LIMIT = 20  # rows of each gap list shown on a page (the counts are always complete; "查看全部" pages the rest)


def grid_buildings(grid):
    """Buildings covered by a grid, directly or through their compound, with their figures
    (party group, central households' linked households): one query."""
    return (
        _building_rows(Area.objects.filter(level=AreaLevel.BUILDING))
        .filter(Q(grid_cover__grid=grid) | Q(parent__grid_cover__grid=grid))
        .select_related("parent")
        .order_by(*trees.tree_order())
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


def _building_aggregates():
    return {
        "buildings": Count("pk"),
        "buildings_with_group": Count("pk", filter=Q(has_group=True)),
        "households": Coalesce(Sum("households"), 0),
        "households_covered": Coalesce(Sum("linked"), 0),
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
        trees.ancestors_q(area, "area"),
        area__level__gte=AreaLevel.COMPOUND,
    )


def _grids_in(area):
    """Grids counted for an area: for a community or above, the grids of its communities;
    below a community, the grids covering a place in its subtree or covering it from above."""
    if area.level <= AreaLevel.COMMUNITY:
        return Grid.objects.within(area)
    inside = GridArea.objects.filter(
        trees.subtree_q(area, "area"), grid=OuterRef("pk")
    )
    above = _covering_places(area).filter(grid=OuterRef("pk"))
    return Grid.objects.filter(Q(Exists(inside)) | Q(Exists(above)))


def _flag(q):
    return ExpressionWrapper(q, output_field=BooleanField())


class _SubtreeSets:
    """Id sets for ``IN`` tests (PostgreSQL hashes each once per query).  The sets are small
    tables or index-backed filters, read whole: cheaper, and estimated cheaper, than joining
    each to the subtree's range (which would keep large coverage queries above the JIT
    threshold)."""

    def __init__(self, area):
        self.area = area

    def covered_places(self):
        """Compounds and buildings covered by a grid."""
        return GridArea.objects.values("area_id")

    def covered_parents(self):
        """Nodes with a covered child (a compound one of whose buildings is in a grid): the
        parents of the covered places, read through the (small) grid-place table, whose
        rows reach their area by primary key; the ``IN`` test limits them to the subtree."""
        return GridArea.objects.filter(area__parent__isnull=False).values("area__parent_id")

    def compound_branch_places(self):
        return PartyOrg.objects.filter(kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND).values("area_id")

    def group_places(self):
        return PartyOrg.objects.filter(kind=OrgKind.GROUP).values("area_id")


# keys of the figure rows of ``_coverage_rows`` that are not a child's
OWN, ABOVE, ELSEWHERE = 0, -1, -2
_SUMMED = ("compounds", "compounds_gridded", "compounds_with_branch", "buildings", "buildings_with_group",
           "households", "households_covered", "grids", "grids_with_branch")
AREA_GAPS = ("compounds_without_grid", "compounds_without_branch", "buildings_without_group")


def _by_places(area) -> bool:
    """From a community down grids are counted by the places they cover (distinct grids), not by community."""
    return area.level >= AreaLevel.COMMUNITY


def _sql(queryset):
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _coverage_nodes(area):
    """The nodes of ``area``'s subtree down to the buildings (``area`` included) and the
    compounds and buildings above it (a grid covering one of them covers ``area`` from above),
    each with the grid covering the node itself (and that grid's branch) and three flags, each a hashed ``IN`` set evaluated once: it has a covered
    child, a 小区党支部 / a 党小组 is anchored at it."""
    below = Q(trees.subtree_q(area), level__lte=AreaLevel.BUILDING)
    above = Q(trees.ancestors_q(area, include_self=False), level__gte=AreaLevel.COMPOUND, level__lte=AreaLevel.BUILDING)
    sets = _SubtreeSets(area)
    return (
        Area.objects.filter(below | above)
        .annotate(
            node_id=F("pk"), node_level=F("level"), node_pos=trees.ref().start, node_households=F("households"),
            cover_grid=F("grid_cover__grid_id"),
            cover_branch=F("grid_cover__grid__party_branch_id"),
            covered_child=_flag(Q(pk__in=sets.covered_parents())),
            has_branch=_flag(Q(pk__in=sets.compound_branch_places())),
            has_group=_flag(Q(pk__in=sets.group_places())),
        )
        .order_by()
        .values("node_id", "node_level", "node_pos", "node_households", "cover_grid", "cover_branch",
                "covered_child", "has_branch", "has_group")
    )


def _coverage_rows(area, kids) -> list[tuple]:
    """The one aggregate query behind the coverage figures: ``_coverage_nodes`` joined to the
    households linked by each building's central households and to the grids of each
    community (both summed per node in a derived table limited to the subtree), each node
    keyed by the row it counts in — the child (of the ``kids`` queryset) whose subtree holds
    it (``node_pos``, its pre-order position, in the child's ``[kid_start, kid_end]``),
    ``OWN`` for the area itself, ``ABOVE`` for a compound or building above it, else
    ``ELSEWHERE`` — then summed per key, from a community down also per covering grid, so
    that distinct grids can be counted in memory.  Rows ``(key, grid, grid_branch,
    compounds, …, grids_with_branch)`` in ``_SUMMED`` order.

    No per-row subquery: the planner's estimate stays low (correlated subqueries over a city
    cross PostgreSQL's JIT threshold and then cost more to compile than to run)."""
    q = connection.ops.quote_name
    nodes_sql, params = _sql(_coverage_nodes(area))
    kids_sql, kids_params = _sql(
        kids.annotate(kid_id=F("pk"), kid_start=trees.ref().start, kid_end=trees.ref().end).order_by()
        .values("kid_id", "kid_start", "kid_end")
    )
    ch_sql, ch_params = _sql(
        CentralHousehold.objects.filter(trees.subtree_q(area, "building"))
        .order_by().values("building_id").annotate(hh=Sum("linked_households")).values("building_id", "hh")
    )
    grid_sql, grid_params = _sql(
        Grid.objects.within(area).order_by().values("community_id")
        .annotate(n=Count("pk"), nb=Count("pk", filter=Q(party_branch__isnull=False))).values("community_id", "n", "nb")
    )
    compound, building, community = int(AreaLevel.COMPOUND), int(AreaLevel.BUILDING), int(AreaLevel.COMMUNITY)
    by_places = _by_places(area)
    if connection.vendor == "postgresql":
        # The children tile the area's interior, so the child holding a node is the last one
        # starting at or before it: width_bucket over the children's sorted start positions finds
        # it by binary search (a range join would test every node against every child).
        kid_arrays = (f"(SELECT array_agg(kid_start ORDER BY kid_start) kid_starts, array_agg(kid_end ORDER BY kid_start) kid_ends, "
                      f"array_agg(kid_id ORDER BY kid_start) ids FROM ({kids_sql}) k)")
        bucket = "width_bucket(node_pos, kids.kid_starts)"
        kid_key = f"CASE WHEN kids.kid_ends[{bucket}] >= node_pos THEN kids.ids[{bucket}] END"
        kid_join = f"CROSS JOIN {kid_arrays} kids"
    else:
        kid_key = "kids.kid_id"
        kid_join = f"LEFT JOIN ({kids_sql}) kids ON node_pos > %s AND node_pos >= kids.kid_start AND node_pos <= kids.kid_end"
    key = f"""CASE WHEN node_pos = %s THEN {OWN} WHEN node_pos < %s THEN {ABOVE} ELSE COALESCE({kid_key}, {ELSEWHERE}) END"""
    sql = f"""
SELECT {key}, {"cover_grid, cover_branch" if by_places else "NULL, NULL"},
    SUM(CASE WHEN node_level = {compound} THEN 1 ELSE 0 END),
    SUM(CASE WHEN node_level = {compound} AND (cover_grid IS NOT NULL OR covered_child) THEN 1 ELSE 0 END),
    SUM(CASE WHEN node_level = {compound} AND has_branch THEN 1 ELSE 0 END),
    SUM(CASE WHEN node_level = {building} THEN 1 ELSE 0 END),
    SUM(CASE WHEN node_level = {building} AND has_group THEN 1 ELSE 0 END),
    SUM(CASE WHEN node_level = {building} THEN node_households ELSE 0 END),
    SUM(CASE WHEN node_level = {building} AND COALESCE(l.hh, 0) < node_households THEN COALESCE(l.hh, 0)
             WHEN node_level = {building} THEN node_households ELSE 0 END),
    SUM(CASE WHEN node_level = {community} THEN COALESCE(cg.n, 0) ELSE 0 END),
    SUM(CASE WHEN node_level = {community} THEN COALESCE(cg.nb, 0) ELSE 0 END)
FROM ({nodes_sql}) nodes
{kid_join}
LEFT JOIN ({ch_sql}) l ON l.{q("building_id")} = nodes.node_id
LEFT JOIN ({grid_sql}) cg ON cg.{q("community_id")} = nodes.node_id
GROUP BY 1{", cover_grid, cover_branch" if by_places else ""}"""
    start = trees.span(area).start  # the area's own position: nodes before it are above it
    with connection.cursor() as cursor:
        kid_params = kids_params if connection.vendor == "postgresql" else kids_params + [start]
        cursor.execute(sql, [start, start] + params + kid_params + ch_params + grid_params)  # noqa: S608 - compiled by Django
        return [("f", *row) for row in cursor.fetchall()]


class _Tally:
    """Coverage figures of one subtree while the groups are added up."""

    __slots__ = ("figures", "grid_ids", "branch_grid_ids")

    def __init__(self):
        self.figures = dict(EMPTY)
        self.grid_ids: set = set()  # from a community down: the distinct grids covering a place inside
        self.branch_grid_ids: set = set()

    def add(self, row):
        f = self.figures
        for name, value in zip(_SUMMED, row[4:], strict=True):
            f[name] += int(value or 0)  # SUM over integers is a numeric on PostgreSQL
        if row[2] is not None:
            self.grid_ids.add(row[2])
            if row[3] is not None:
                self.branch_grid_ids.add(row[2])

    def result(self, by_places: bool, above: "_Tally | None" = None) -> dict:
        figures = dict(self.figures)
        if by_places:
            grid_ids, branch_ids = self.grid_ids, self.branch_grid_ids
            if above is not None:
                grid_ids, branch_ids = grid_ids | above.grid_ids, branch_ids | above.branch_grid_ids
            figures["grids"], figures["grids_with_branch"] = len(grid_ids), len(branch_ids)
        return _finish(figures)


def _fold_groups(area, rows, children):
    """(figures of the area, {child pk: figures}, {gap kind: [node ids]}) from ``_coverage_rows``."""
    total, covering, per_child = _Tally(), _Tally(), {c.pk: _Tally() for c in children}
    gap_ids = {kind: [] for kind in AREA_GAPS}
    for row in rows:
        if row[0] != "f":
            gap_ids[row[0]].append(row[1])
            continue
        key = row[1]
        if key == ABOVE:
            covering.add(row)  # only its grid matters: it covers the area and every child
            continue
        total.add(row)
        if key == OWN:
            covering.add(row)  # a grid covering the area itself covers every child too
        elif key in per_child:
            per_child[key].add(row)
    by_places = _by_places(area)
    # the area's own figures: from a community down its grids are the distinct ones covering a place
    # inside or the area from above; the children's grids, from a community down, those covering a
    # place inside the child or the area (or a node above it)
    figures = total.result(area.level > AreaLevel.COMMUNITY, covering)
    return figures, {pk: tally.result(by_places, covering) for pk, tally in per_child.items()}, gap_ids


def coverage(area) -> dict:
    """Coverage figures of ``area``'s whole subtree (one query).

    compounds / compounds_gridded (the compound or one of its buildings is in a grid) /
    compounds_with_branch (a 小区党支部 anchored at it); grids / grids_with_branch (for a
    community or above the grids of its communities; below, the grids covering a place inside
    it or covering it from above); buildings / buildings_with_group (a 党小组 anchored at it);
    households (sum of the buildings' households) / households_covered (households linked by
    党员中心户, capped at each building's households); each pair with its rate in percent (None
    when empty).  Gap counts follow: ``*_gap`` = whole − part.
    """
    return _fold_groups(area, _coverage_rows(area, Area.objects.filter(parent=area)), [])[0]


def _finish(figures: dict) -> dict:
    for key in EMPTY:
        figures[key] = figures.get(key) or 0
    figures["compounds_without_grid"] = figures["compounds"] - figures["compounds_gridded"]
    figures["compounds_without_branch"] = figures["compounds"] - figures["compounds_with_branch"]
    figures["grids_without_branch"] = figures["grids"] - figures["grids_with_branch"]
    figures["buildings_without_group"] = figures["buildings"] - figures["buildings_with_group"]
    return _with_rates(figures)


@dataclass
class ChildCoverage:
    area: Area
    figures: dict


def coverage_children(area, *, children=None) -> list[ChildCoverage]:
    """One row per direct child of ``area`` with its subtree's coverage figures (the same
    figures ``coverage(child)`` gives): two queries for all children together, the children
    and ``_coverage_rows`` (summed per child whose subtree holds each node).
    ``children`` may be passed (already narrowed, e.g. to what the user may see)."""
    if children is None:
        children = area.get_children()
    children = list(children.order_by("code", "name"))
    if not children:
        return []
    kids = Area.objects.filter(pk__in=[c.pk for c in children])
    _figures, per_child, _gaps = _fold_groups(area, _coverage_rows(area, kids), children)
    return [ChildCoverage(area=c, figures=per_child[c.pk]) for c in children]


@dataclass
class CoverageReport:
    figures: dict
    children: list[ChildCoverage]
    gaps: dict
    ancestors: list[Area]  # root first, for the breadcrumb


def coverage_report(area, *, gap_limit=GAP_LIMIT) -> CoverageReport:
    """Everything the coverage page shows, in three queries whatever the size of the subtree:
    the figures of ``area`` (``coverage``), one row per direct child (``coverage_children``),
    the ancestors (breadcrumb) and the gap lists (``gap_lists``).

    1. ``_coverage_rows``: every figure of the area and of each child;
    2. the children, the ancestors and the first ``gap_limit`` compounds/buildings of each gap
       list that is not empty (``LIMIT`` subqueries in tree order), with their parents;
    3. the first grids without a branch (skipped when there are none)."""
    rows = _coverage_rows(area, Area.objects.filter(parent=area))
    figures, _per_child, _gaps = _fold_groups(area, rows, [])
    firsts = {kind: GAP_KINDS[kind](area).values("pk")[:gap_limit] for kind in AREA_GAPS if figures[kind]}
    picked = Q(parent=area) | trees.ancestors_q(area, include_self=False)
    for subquery in firsts.values():
        picked |= Q(pk__in=subquery)
    # Which list a fetched compound or building belongs to is plain from its level, unless the
    # area's children are compounds or buildings themselves or a compound may be in both
    # compound lists: then each row carries a flag per list (small subtrees, or one more hash).
    ambiguous = area.level + 1 >= AreaLevel.COMPOUND or (
        "compounds_without_grid" in firsts and "compounds_without_branch" in firsts)
    flags = {f"gap_{kind}": _flag(Q(pk__in=subquery)) for kind, subquery in firsts.items()} if ambiguous else {}
    # the parent's name by a probe per row (a few dozen rows): a join to ``parent`` makes the
    # planner, misled by the OR above, hash the whole area table
    parent = Area.objects.filter(pk=OuterRef("parent_id"))
    nodes = list(Area.objects.filter(picked, trees.tree_q(area)).annotate(
        parent_name=Subquery(parent.values("name")[:1]), parent_level=Subquery(parent.values("level")[:1]), **flags,
    ).order_by(*trees.tree_order()))
    children = sorted((a for a in nodes if a.parent_id == area.pk), key=lambda a: (a.code, a.name))
    _figures, per_child, _gaps = _fold_groups(area, rows, children)

    def listed(kind, node):
        if kind not in firsts:
            return False
        if ambiguous:
            return getattr(node, f"gap_{kind}")
        level = AreaLevel.BUILDING if kind == "buildings_without_group" else AreaLevel.COMPOUND
        return node.level == level and trees.contains(area, node)

    gaps = {}
    for kind in AREA_GAPS:
        gap_rows = [a for a in nodes if listed(kind, a)]
        gaps[kind] = {"rows": gap_rows, "count": figures[kind], "more": figures[kind] > gap_limit}
    grid_gaps = figures["grids_without_branch"]
    gaps["grids_without_branch"] = {
        "rows": list(grids_without_branch(area)[:gap_limit]) if grid_gaps else [],
        "count": grid_gaps, "more": grid_gaps > gap_limit,
    }
    return CoverageReport(
        figures=figures,
        children=[ChildCoverage(area=c, figures=per_child[c.pk]) for c in children],
        gaps={kind: gaps[kind] for kind in GAP_KINDS},
        ancestors=[a for a in nodes if trees.contains(a, area, include_self=False)],
    )


# ----------------------------------------------------------------------- gap lists
def compounds_without_grid(area):
    sets = _SubtreeSets(area)
    return (
        Area.objects.within(area).filter(level=AreaLevel.COMPOUND)
        .exclude(pk__in=sets.covered_places()).exclude(pk__in=sets.covered_parents())
        .select_related("parent")
        .order_by(*trees.tree_order())
    )


def compounds_without_branch(area):
    return (
        Area.objects.within(area).filter(level=AreaLevel.COMPOUND)
        .exclude(pk__in=_SubtreeSets(area).compound_branch_places())
        .select_related("parent")
        .order_by(*trees.tree_order())
    )


def buildings_without_group(area):
    return (
        Area.objects.within(area).filter(level=AreaLevel.BUILDING)
        .exclude(pk__in=_SubtreeSets(area).group_places())
        .select_related("parent")
        .order_by(*trees.tree_order())
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
