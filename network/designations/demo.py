"""Demo designations for ``seed_demo`` (``network.demo``, after the centres): exactly 20
demonstration branches (示范党支部) among the compound branches of Dandong (2 at small scale;
one of them in the demo community when it has a compound branch), star ratings (星级党支部)
for about 40 % of the compound branches (mostly three stars or more), about 10 % of the
communities as 示范社区, a few street centres as 示范党群服务中心, and one 示范点 that expired
last year.  Everything ``bulk_create``; the same seed gives the same rows."""
from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q

from dangjian import trees
from network.centres.choices import CentreLevel
from network.centres.models import ServiceCentre
from network.designations.choices import DesignationKind
from network.designations.models import Designation
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg

DEMO_BRANCHES = {"small": 2, "dandong": 20}  # per city; other scales: 20 a city
STAR_SHARE = 0.40
STAR_WEIGHTS = ((5, 15), (4, 30), (3, 45), (2, 7), (1, 3))
COMMUNITY_SHARE = 0.10
CENTRES = {"small": 1, "dandong": 4}


def _granted(ctx, rng, years=2):
    return ctx.today - timedelta(days=rng.randint(30, 365 * years))


@transaction.atomic
def seed_for_demo(ctx) -> dict[str, int]:
    rng = ctx.rng("designations")
    roots = {tree: pk for pk, tree in Area.objects.filter(trees.in_trees_q(ctx.area_trees), parent__isnull=True)
             .values_list("pk", trees.tree_field())}
    branches = list(
        PartyOrg.objects.filter(trees.in_trees_q(ctx.org_trees), kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND,
                                area__isnull=False)
        .order_by(*trees.tree_order()).values_list("pk", "area_id", trees.tree_field("area"), "area__parent_id")
    )
    if not branches:
        return {}
    made = []

    def add(kind, place, tree, **fields):
        made.append(Designation(kind=kind, place_id=place, granting_area_id=roots.get(tree),
                                granted_by="中共丹东市委组织部", **fields))

    per_city = DEMO_BRANCHES.get(ctx.scale, 20)
    by_tree = {}
    for row in branches:
        by_tree.setdefault(row[2], []).append(row)
    community = ctx.nodes.get("community")
    for tree, rows in sorted(by_tree.items()):
        chosen = rng.sample(rows, min(per_city, len(rows)))
        if community is not None and not any(r[3] == community.pk for r in chosen):
            mine = [r for r in rows if r[3] == community.pk]
            if mine:
                chosen[-1] = mine[0]
        for pk, area_id, _tree, _parent in chosen:
            add(DesignationKind.DEMO_BRANCH, area_id, tree, org_id=pk, granted_on=_granted(ctx, rng),
                title="", valid_until=None)
    stars_population = [s for s, w in STAR_WEIGHTS for _ in range(w)]
    for pk, area_id, tree, _parent in branches:
        if rng.random() < STAR_SHARE:
            granted = _granted(ctx, rng, years=1)
            add(DesignationKind.STAR_BRANCH, area_id, tree, org_id=pk, stars=rng.choice(stars_population),
                granted_on=granted, valid_until=granted + timedelta(days=3 * 365))
    communities = list(Area.objects.filter(trees.in_trees_q(ctx.area_trees), level=AreaLevel.COMMUNITY)
                       .order_by(*trees.tree_order()).values_list("pk", trees.tree_field()))
    for pk, tree in rng.sample(communities, max(1, round(len(communities) * COMMUNITY_SHARE))):
        add(DesignationKind.DEMO_COMMUNITY, pk, tree, area_id=pk, granted_on=_granted(ctx, rng))
    centres = list(ServiceCentre.objects.filter(trees.in_trees_q(ctx.area_trees, "area"), level=CentreLevel.STREET)
                   .order_by("pk").values_list("pk", "area_id", trees.tree_field("area")))
    for pk, area_id, tree in rng.sample(centres, min(CENTRES.get(ctx.scale, 4), len(centres))):
        add(DesignationKind.DEMO_CENTRE, area_id, tree, centre_id=pk, granted_on=_granted(ctx, rng))
    compound = rng.choice(branches)
    add(DesignationKind.OTHER, compound[1], compound[2], area_id=compound[1], title="红色物业示范点",
        granted_on=ctx.today - timedelta(days=3 * 365), valid_until=ctx.today - timedelta(days=200))
    Designation.objects.bulk_create(made, batch_size=1000)
    counts = {}
    for d in made:
        label = "已过期的示范点" if d.valid_until and d.valid_until < ctx.today else str(DesignationKind(d.kind).label)
        counts[label] = counts.get(label, 0) + 1
    return counts


def flush_for_demo(area_trees, org_trees) -> None:
    Designation.objects.filter(
        Q(trees.in_trees_q(area_trees, "place")) | Q(trees.in_trees_q(org_trees, "org"))
        | Q(trees.in_trees_q(area_trees, "centre__area"))
    ).delete()
