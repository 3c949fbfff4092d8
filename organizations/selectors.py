"""Reads for the organizations app: querysets already scoped to a user, and set-based
subtree figures (a constant number of queries whatever the size of the tree)."""
from functools import reduce
from operator import or_

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.functional import cached_property

from dangjian.scoping import NOTHING, get_scope, range_q
from organizations import places
from organizations.choices import ROSTER_ROLES, AreaLevel, OrgCategory, OrgKind
from organizations.models import Area, CentralHousehold, Member, PartyOrg, ResidentUnit


# ------------------------------------------------------------------------ scoped sets
def areas_for(user):
    return Area.objects.visible_to(user)


def orgs_for(user):
    return PartyOrg.objects.visible_to(user)


def members_for(user):
    return Member.objects.visible_to(user)


def units_for(user):
    return ResidentUnit.objects.visible_to(user)


def central_households_for(user):
    return CentralHousehold.objects.visible_to(user)


def _per_node_count(nodes, members, link: str) -> tuple[str, list]:
    """SQL for the ``SUM`` over ``nodes`` of the number of ``members`` whose ``link`` is that
    node: a correlated count per node, which PostgreSQL answers by probing the members' index
    on ``link`` once per node of the subtree instead of scanning every member of the province."""
    per_node = (
        members.filter(**{link: OuterRef("pk")}).order_by().values(link)
        .annotate(n=Count("pk")).values("n")
    )
    rows = nodes.order_by().annotate(n=Coalesce(Subquery(per_node, output_field=IntegerField()), Value(0))).values("n")
    sql, params = rows.query.sql_with_params()
    return f"(SELECT COALESCE(SUM(n), 0) FROM ({sql}) part)", list(params)


def _count_sql(members) -> tuple[str, list]:
    sql, params = members.values("pk").query.sql_with_params()
    return f"(SELECT COUNT(*) FROM ({sql}) part)", list(params)


def _outermost(ranges):
    """The granted ranges, one per node, without those nested in another (they add nothing)."""
    unique = list({(r.tree_id, r.lft): r for r in ranges}.values())
    return [r for r in unique if not any(
        o is not r and o.tree_id == r.tree_id and o.lft <= r.lft and r.rght <= o.rght for o in unique
    )]


def _any(qs) -> Q:
    return reduce(or_, qs, NOTHING)


def roster_count(user, filters=None) -> int:
    """How many members ``members_for(user).filter(filters)`` holds — the same number — in one
    query that PostgreSQL answers from indexes.

    ``Member.visible_to`` is an OR of range tests over two joins (residence, organization's
    area) plus the user's own record; counting it makes PostgreSQL join and test every member
    of the province.  Here the visible set is split into disjoint parts, each a ``COUNT``:

        for each granted area (the outermost ones): residing in it  +  in an organization
        anchored in it but residing in no granted area  +  in a granted organization and
        neither  +  the user's own record if in none of these

    A granted city, district, street or community is an equality on the members' derived
    ``res_*``/``org_*`` columns (``organizations.places``), counted from an index alone; a
    deeper one (a compound, a building) is a small subtree.  Granted organizations are summed
    per organization (``_per_node_count``: index probes)."""
    base = Member.objects.filter(filters if filters is not None else Q()).order_by()
    scope = get_scope(user)
    if scope.is_global:
        return base.count()
    areas = _outermost(scope.areas_for(ROSTER_ROLES))
    orgs = scope.orgs_for(ROSTER_ROLES)
    resides = _any(places.residing_q(r) for r in areas)
    anchored = _any(places.anchored_q(r) for r in areas)
    parts = [lambda r=r: _count_sql(base.filter(places.residing_q(r))) for r in areas]
    parts += [lambda r=r: _count_sql(base.filter(places.anchored_q(r)).exclude(resides)) for r in areas]
    taken = resides | anchored
    if orgs:
        outside = base.exclude(taken)
        parts.append(lambda: _per_node_count(PartyOrg.objects.filter(range_q("", orgs)), outside, "organization_id"))
        taken |= Q(organization_id__in=PartyOrg.objects.filter(range_q("", orgs)).values("pk"))
    if user.is_authenticated:
        own = base.filter(user_id=user.pk).exclude(taken)
        parts.append(lambda: _count_sql(own))
    sqls, params = [], []
    for part in parts:
        try:
            sql, part_params = part()
        except EmptyResultSet:  # this part holds nothing (e.g. an area filter out of scope)
            continue
        sqls.append(sql)
        params += part_params
    if not sqls:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + " + ".join(sqls), params)
        return int(cursor.fetchone()[0])


class CountedPaginator(Paginator):
    """A paginator told its count (computed another way) instead of running ``rows.count()``."""

    def __init__(self, rows, per_page, *, count, **kwargs):
        super().__init__(rows, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


def get_visible_or_404(queryset, **lookup):
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def top_areas_for(user):
    """The highest areas the user can see: the roots of their granted subtrees."""
    scope = get_scope(user)
    if scope.is_global:
        return Area.objects.filter(parent__isnull=True).order_by("tree_id")
    ids = {r.node_id for r in scope.area_ranges}
    if not ids and scope.org_ranges:
        ids = set(
            PartyOrg.objects.filter(pk__in=[r.node_id for r in scope.org_ranges]).values_list("area_id", flat=True)
        )
    qs = Area.objects.filter(pk__in=ids).order_by("tree_id", "lft")
    # Drop granted nodes that sit inside another granted node.
    nodes = list(qs)
    return [a for a in nodes if not any(o.pk != a.pk and o.tree_id == a.tree_id and o.lft < a.lft < o.rght for o in nodes)]


# ------------------------------------------------------------------ subtree figures
def _members_in_subtree_subquery(prefix=""):
    p = f"{prefix}__" if prefix else ""
    return Subquery(
        Member.objects.filter(
            residence__tree_id=OuterRef(f"{p}tree_id"),
            residence__lft__gte=OuterRef(f"{p}lft"),
            residence__lft__lte=OuterRef(f"{p}rght"),
        )
        .order_by()
        .values("residence__tree_id")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def _orgs_in_subtree_subquery():
    return Subquery(
        PartyOrg.objects.filter(
            area__tree_id=OuterRef("tree_id"), area__lft__gte=OuterRef("lft"), area__lft__lte=OuterRef("rght")
        )
        .order_by()
        .values("area__tree_id")
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


def area_summary(area) -> dict:
    """Headline figures for an area's whole subtree: four queries, whatever its size.

    Returns descendant areas by level, organizations by kind and category (with the
    compound branches and building groups the Dandong figures name), central households
    and members.
    """
    subtree = Area.objects.within(area)
    level_rows = (
        subtree.exclude(pk=area.pk).order_by().values("level").annotate(n=Count("pk"), households=Sum("households"))
    )
    by_level, households = {}, 0
    for row in level_rows:
        by_level[row["level"]] = row["n"]
        if row["level"] == AreaLevel.BUILDING:
            households = row["households"] or 0
    if area.level >= AreaLevel.BUILDING:  # a building (or entrance) counts its own households
        households = area.households
    orgs = PartyOrg.objects.anchored_within(area).order_by().aggregate(
        total=Count("pk"),
        committees=Count("pk", filter=Q(kind__in=[OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE])),
        general_branches=Count("pk", filter=Q(kind=OrgKind.GENERAL_BRANCH)),
        branches=Count("pk", filter=Q(kind=OrgKind.BRANCH)),
        groups=Count("pk", filter=Q(kind=OrgKind.GROUP)),
        compound_branches=Count("pk", filter=Q(kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND)),
        building_groups=Count("pk", filter=Q(kind=OrgKind.GROUP, category=OrgCategory.BUILDING_GROUP)),
    )
    members = Member.objects.residing_within(area).aggregate(
        total=Count("pk"),
        probationary=Count("pk", filter=Q(status="probationary")),
        in_service=Count("pk", filter=Q(in_service=True)),
    )
    central = CentralHousehold.objects.filter(
        building__tree_id=area.tree_id, building__lft__gte=area.lft, building__lft__lte=area.rght
    ).count()
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


def org_figures(orgs):
    """Annotate organizations with the counts the structure warnings need (one query)."""
    return orgs.annotate(
        full_count=Count("members", filter=Q(members__status="full"), distinct=True),
        probationary_count=Count("members", filter=Q(members__status="probationary"), distinct=True),
        committee_size=Count(
            "members", filter=Q(members__org_role__in=["secretary", "deputy", "committee"]), distinct=True
        ),
    )
