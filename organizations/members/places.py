"""Where a member lives and where their organization sits, by territory level.

Every member carries the ids of the city, district, street and community holding their
residence (``res_*``) and holding their organization's anchor area (``org_*``); a level
the chain does not pass through (a tree rooted at a district, a member living on a street
node) is ``NULL``.  Counting the roster of a subtree rooted at one of those four levels is
then an index count (``organizations.selectors.roster_count``) instead of a probe per
building of the subtree.

The columns are derived data.  They are kept by
* ``Member.save()``: recomputed when the residence or the organization changed (or on
  creation), one query a side;
* ``sync_members(queryset)``: set-based, after bulk writes (roster imports, the demo
  generator) and when an area moves or changes level (``Area.save``) or an organization
  moves to another anchor area (``PartyOrg.save``);
* ``out_of_sync(queryset)``: members whose columns disagree with the tree (``check_tree``).
"""
from bisect import bisect_right
from collections import defaultdict

from django.apps import apps
from django.db import connection
from django.db.models import Q

from dangjian import trees
from organizations.areas.choices import AreaLevel

LEVELS = (AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY)
RES_FIELDS = {AreaLevel.CITY: "res_city", AreaLevel.DISTRICT: "res_district",
              AreaLevel.STREET: "res_street", AreaLevel.COMMUNITY: "res_community"}
ORG_FIELDS = {AreaLevel.CITY: "org_city", AreaLevel.DISTRICT: "org_district",
              AreaLevel.STREET: "org_street", AreaLevel.COMMUNITY: "org_community"}
NO_CHAIN = (None,) * len(LEVELS)


def residing_q(node) -> Q:
    """Members residing in the subtree of ``node`` (an ``Area``, or a granted area ``Range``:
    anything with ``pk`` and ``level`` that ``trees.subtree_q`` takes): one indexed column for
    a city, district, street or community, the subtree's areas below those."""
    Area = apps.get_model("organizations", "Area")

    if field := RES_FIELDS.get(node.level):
        return Q(**{field: node.pk})
    return Q(residence_id__in=Area.objects.filter(trees.subtree_q(node)).values("pk"))


def anchored_q(node) -> Q:
    """Members of an organization anchored in the subtree of ``node`` (as in ``residing_q``)."""
    PartyOrg = apps.get_model("organizations", "PartyOrg")

    if field := ORG_FIELDS.get(node.level):
        return Q(**{field: node.pk})
    return Q(organization_id__in=PartyOrg.objects.filter(trees.subtree_q(node, "area")).values("pk"))


def chain_of(area_id) -> tuple:
    """(city, district, street, community) ids holding ``area_id`` (itself included), one query."""
    if area_id is None:
        return NO_CHAIN
    Area = apps.get_model("organizations", "Area")

    table = connection.ops.quote_name(Area._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT anc.level, anc.id FROM {table} anc JOIN {table} a ON a.tree_id = anc.tree_id "  # noqa: S608
            "AND anc.lft <= a.lft AND anc.rght >= a.lft WHERE a.id = %s AND anc.level <= %s",
            [area_id, int(AreaLevel.COMMUNITY)],
        )
        found = dict(cursor.fetchall())
    return tuple(found.get(int(level)) for level in LEVELS)


def chains(area_ids, *, area_model=None) -> dict:
    """{area id: (city, district, street, community)} for many areas: two queries (the areas,
    then the level 1–4 nodes of their trees) and a walk up the nested ranges in memory."""
    Area = apps.get_model("organizations", "Area")

    Area = area_model or Area  # noqa: N806 - a migration passes its historical model

    area_ids = {a for a in area_ids if a is not None}
    if not area_ids:
        return {}
    places = list(Area.objects.filter(pk__in=area_ids).values_list("pk", "tree_id", "lft"))
    trees = {tree for _, tree, _ in places}
    nodes = defaultdict(list)  # tree → [(lft, rght, level, id)] in lft order
    for tree, lft, rght, level, pk in (
        Area.objects.filter(tree_id__in=trees, level__lte=AreaLevel.COMMUNITY)
        .order_by("tree_id", "lft").values_list("tree_id", "lft", "rght", "level", "pk")
    ):
        nodes[tree].append((lft, rght, level, pk))
    walks = {tree: _Walk(rows) for tree, rows in nodes.items()}
    return {pk: walks[tree].chain(lft) if tree in walks else NO_CHAIN for pk, tree, lft in places}


def org_chains(org_ids, *, area_model=None, org_model=None) -> dict:
    """{organization id: chain of its anchor area}: three queries."""
    PartyOrg = apps.get_model("organizations", "PartyOrg")

    PartyOrg = org_model or PartyOrg  # noqa: N806 - a migration passes its historical model
    anchors = dict(PartyOrg.objects.filter(pk__in=set(org_ids)).values_list("pk", "area_id"))
    by_area = chains(anchors.values(), area_model=area_model)
    return {pk: by_area.get(area_id, NO_CHAIN) for pk, area_id in anchors.items()}


class _Walk:
    """Nested ranges in lft order, each with the index of its nearest enclosing range."""

    def __init__(self, rows):
        self.rows, self.lfts, self.up = rows, [r[0] for r in rows], []
        stack = []
        for i, (lft, _rght, _level, _pk) in enumerate(rows):
            while stack and rows[stack[-1]][1] < lft:
                stack.pop()
            self.up.append(stack[-1] if stack else -1)
            stack.append(i)

    def chain(self, lft) -> tuple:
        i = bisect_right(self.lfts, lft) - 1
        while i >= 0 and self.rows[i][1] < lft:  # a range ending before lft: climb to one holding it
            i = self.up[i]
        found = {}
        while i >= 0:
            found[self.rows[i][2]] = self.rows[i][3]
            i = self.up[i]
        return tuple(found.get(int(level)) for level in LEVELS)


def fill_chains(members) -> None:
    """Set both chains on unsaved ``Member`` objects (before a ``bulk_create``): five queries."""
    res = chains({m.residence_id for m in members})
    org = org_chains({m.organization_id for m in members})
    for m in members:
        for name, value in zip(RES_FIELDS.values(), res.get(m.residence_id, NO_CHAIN), strict=True):
            setattr(m, name, value)
        for name, value in zip(ORG_FIELDS.values(), org.get(m.organization_id, NO_CHAIN), strict=True):
            setattr(m, name, value)


def _fields(side: dict, chain: tuple) -> dict:
    return {side[level]: value for level, value in zip(LEVELS, chain, strict=True)}


def sync_members(members, *, area_model=None, org_model=None) -> int:
    """Recompute both chains of the members of the ``members`` queryset, set-based: two
    queries for the distinct residences and organizations, two for their chains, then one
    ``UPDATE`` per distinct chain, skipping the rows already right.  Returns the rows written.
    (A migration passes its historical ``area_model`` and ``org_model``.)"""
    members = members.order_by()
    written = 0
    residences = set(members.values_list("residence_id", flat=True).distinct())
    by_chain = defaultdict(list)
    for area_id, chain in chains(residences, area_model=area_model).items():
        by_chain[chain].append(area_id)
    if None in residences:
        by_chain[NO_CHAIN].append(None)
    for chain, area_ids in by_chain.items():
        where = Q(residence_id__in=[a for a in area_ids if a is not None])
        if None in area_ids:
            where |= Q(residence__isnull=True)
        written += members.filter(where).exclude(**_fields(RES_FIELDS, chain)).update(**_fields(RES_FIELDS, chain))
    by_chain = defaultdict(list)
    org_ids = members.values_list("organization_id", flat=True).distinct()
    for org_id, chain in org_chains(org_ids, area_model=area_model, org_model=org_model).items():
        by_chain[chain].append(org_id)
    for chain, ids in by_chain.items():
        written += (
            members.filter(organization_id__in=ids).exclude(**_fields(ORG_FIELDS, chain))
            .update(**_fields(ORG_FIELDS, chain))
        )
    return written


def out_of_sync(members) -> int:
    """How many chains (a member has two: residence, organization) disagree with the tree
    (read only; for the tree check), grouped by link and stored chain, so it reads one row
    per distinct combination."""
    from django.db.models import Count

    members = members.order_by()
    wrong = 0
    res_rows = list(members.values_list("residence_id", *RES_FIELDS.values()).annotate(n=Count("pk")))
    res = chains({row[0] for row in res_rows})
    wrong += sum(row[-1] for row in res_rows if tuple(row[1:-1]) != res.get(row[0], NO_CHAIN))
    org_rows = list(members.values_list("organization_id", *ORG_FIELDS.values()).annotate(n=Count("pk")))
    org = org_chains({row[0] for row in org_rows})
    wrong += sum(row[-1] for row in org_rows if tuple(row[1:-1]) != org.get(row[0], NO_CHAIN))
    return wrong
