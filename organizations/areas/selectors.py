"""Reads for the organizations app: querysets already scoped to a user, and set-based
subtree figures (a constant number of queries whatever the size of the tree)."""

from django.db import connections
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from dangjian import trees
from dangjian.scoping import get_scope
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.members.models import CentralHousehold, Member
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg


# ------------------------------------------------------------------------ scoped sets
def areas_for(user):
    return Area.objects.visible_to(user)


def pickable_areas(user, levels=()):
    """The areas a picker offers the user (``organizations:pick_areas``, ``AreaPickerField``):
    the user's subtree, of the given levels only if any, in tree order, each with its parent
    (for the label) — the very queryset the form validates against."""
    qs = areas_for(user)
    if levels:
        qs = qs.filter(level__in=levels)
    return qs.select_related("parent").order_by(*trees.tree_order())


def ancestors_for(user, area) -> list:
    """The area's ancestors, root first, each with ``visible`` (the user may open it): one
    query, for breadcrumbs that link only what the user can see."""
    if area.parent_id is None:
        return []
    return list(area.get_ancestors().annotate(visible=Exists(areas_for(user).filter(pk=OuterRef("pk")))))


def top_areas_for(user, granted_areas=()):
    """The highest areas the user can see: the roots of their granted subtrees.

    ``granted_areas``: the areas of the user's active grants, already loaded (the home page
    reads the grants with their areas) — when they hold every granted area, no query."""
    scope = get_scope(user)
    if scope.is_global:
        return Area.objects.filter(parent__isnull=True).order_by(trees.tree_field())
    ids = {r.node_id for r in scope.area_ranges}
    known = {a.pk: a for a in granted_areas}
    if ids and ids <= set(known):
        return trees.outermost(sorted((known[pk] for pk in ids), key=lambda a: (trees.span(a).tree, trees.span(a).start)))
    if not ids and scope.org_ranges:
        ids = set(
            PartyOrg.objects.filter(pk__in=[r.node_id for r in scope.org_ranges]).values_list("area_id", flat=True)
        )
    qs = Area.objects.filter(pk__in=ids).order_by(*trees.tree_order())
    # Drop granted nodes that sit inside another granted node.
    nodes = list(qs)
    return trees.outermost(nodes)


# ------------------------------------------------------------------ subtree figures
def _members_in_subtree_subquery(prefix=""):
    return Subquery(
        Member.objects.current().filter(trees.subtree_q(trees.outer(prefix), "residence"))
        .order_by()
        .values(trees.tree_field("residence"))
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def _orgs_in_subtree_subquery():
    return Subquery(
        PartyOrg.objects.filter(trees.subtree_q(trees.outer(), "area"))
        .order_by()
        .values(trees.tree_field("area"))
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def with_subtree_counts(areas):
    """Annotate areas with member_count, org_count and child_count (one query in all)."""
    return areas.annotate(
        member_count=Coalesce(_members_in_subtree_subquery(), Value(0)),
        org_count=Coalesce(_orgs_in_subtree_subquery(), Value(0)),
        child_count=Coalesce(
            Subquery(
                Area.objects.filter(parent=OuterRef("pk")).order_by().values("parent").annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
    )


def area_children(area):
    return with_subtree_counts(area.get_children()).order_by("code", "name")


def _one_row(qs, **aggregates):
    """``qs`` reduced to one row of ``aggregates`` (a plain aggregate ``SELECT``, no GROUP BY)."""
    return qs.order_by().annotate(_one=Value(1)).values("_one").annotate(**aggregates).values(*aggregates)


def _joined_rows(*querysets) -> dict:
    """Several one-row aggregate querysets evaluated in ONE statement, side by side
    (``SELECT * FROM (q1) CROSS JOIN (q2) ...``): their columns, by name."""
    parts, params = [], []
    for i, qs in enumerate(querysets):
        sql, qs_params = qs.query.sql_with_params()
        parts.append(f"({sql}) part{i}")
        params.extend(qs_params)
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute("SELECT * FROM " + " CROSS JOIN ".join(parts), params)
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


ORG_FIGURES = {
    "total": Q(),
    "committees": Q(kind__in=[OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE]),
    "general_branches": Q(kind=OrgKind.GENERAL_BRANCH),
    "branches": Q(kind=OrgKind.BRANCH),
    "groups": Q(kind=OrgKind.GROUP),
    "compound_branches": Q(kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND),
    "building_groups": Q(kind=OrgKind.GROUP, category=OrgCategory.BUILDING_GROUP),
}
MEMBER_FIGURES = {"total": Q(), "probationary": Q(status="probationary"), "in_service": Q(in_service=True)}


def area_summary(area) -> dict:
    """Headline figures for an area's whole subtree: one query, whatever its size (four
    aggregates — areas, organizations, members, central households — side by side).

    Returns descendant areas by level, organizations by kind and category (with the
    compound branches and building groups the Dandong figures name), central households
    and members.
    """
    below = [level for level in AreaLevel if level.value > area.level]
    row = _joined_rows(
        _one_row(
            Area.objects.within(area).exclude(pk=area.pk),
            **{f"level_{level.value}": Count("pk", filter=Q(level=level.value)) for level in below},
            building_households=Sum("households", filter=Q(level=AreaLevel.BUILDING)),
        ),
        _one_row(PartyOrg.objects.anchored_within(area), **{
            f"orgs_{key}": Count("pk", filter=q) if q else Count("pk") for key, q in ORG_FIGURES.items()
        }),
        _one_row(Member.objects.residing_within(area).current(), **{
            f"members_{key}": Count("pk", filter=q) if q else Count("pk") for key, q in MEMBER_FIGURES.items()
        }),
        _one_row(CentralHousehold.objects.filter(trees.subtree_q(area, "building")), central=Count("pk")),
    )
    by_level = {level.value: row[f"level_{level.value}"] for level in below if row[f"level_{level.value}"]}
    households = row.get("building_households") or 0
    if area.level >= AreaLevel.BUILDING:  # a building (or entrance) counts its own households
        households = area.households
    orgs = {key: row[f"orgs_{key}"] for key in ORG_FIGURES}
    members = {key: row[f"members_{key}"] for key in MEMBER_FIGURES}
    central = row["central"]
    return {
        "levels": [
            {"level": level.value, "label": level.label, "count": by_level.get(level.value, 0)}
            for level in AreaLevel
            if level.value > area.level
        ],
        "by_level": by_level,
        "households": households,
        "orgs": orgs,
        "members": members,
        "central_households": central,
    }
