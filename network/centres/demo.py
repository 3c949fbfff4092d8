"""Demo service centres for ``seed_demo`` (``network.demo``): on the demo trees, one district
centre per district, one street centre per street (Dandong: exactly 20), one community station
per community (Dandong: exactly 193; about 80 % at or above the city's 300 m² standard) and
compound stations for about 30 % of the compounds; the floor-area standards as data rows —
the city's (community stations ≥ 300 m², street centres ≥ 600 m²) and, in the first
district, a stricter street-centre row of 1,200 m² (as Chaoyang's), which applies there
instead of the city's because it is nearer.  Everything ``bulk_create``; the same seed gives
the same rows."""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from dangjian import trees
from network.centres.choices import CentreLevel, Facility
from network.centres.models import FloorAreaStandard, ServiceCentre
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.orgs.choices import OrgCategory
from organizations.orgs.models import PartyOrg

COMPOUND_SHARE = 0.30
BELOW_STANDARD_SHARE = 0.20  # community stations below the 300 m² standard
CITY_STANDARDS = {CentreLevel.COMMUNITY: Decimal("300"), CentreLevel.STREET: Decimal("600")}
STRICT_STREET = Decimal("1200")

LEVEL_OF = {
    AreaLevel.DISTRICT: CentreLevel.DISTRICT, AreaLevel.STREET: CentreLevel.STREET,
    AreaLevel.COMMUNITY: CentreLevel.COMMUNITY, AreaLevel.COMPOUND: CentreLevel.COMPOUND,
}
RUNNER_CATEGORY = {
    CentreLevel.DISTRICT: OrgCategory.REGIONAL, CentreLevel.STREET: OrgCategory.STREET,
    CentreLevel.COMMUNITY: OrgCategory.COMMUNITY, CentreLevel.COMPOUND: OrgCategory.COMPOUND,
}
HOURS = {
    CentreLevel.DISTRICT: ("周一至周五 8:30-17:30；周六 9:00-16:00", "周一至周日 8:30-17:00"),
    CentreLevel.STREET: ("周一至周五 8:30-17:30；周六 9:00-12:00", "周一至周六 8:30-17:00"),
    CentreLevel.COMMUNITY: ("周一至周五 8:00-17:00；周六 9:00-12:00", "周一至周日 8:30-17:30", "周一至周五 8:30-17:00"),
    CentreLevel.COMPOUND: ("每天 9:00-11:30、14:00-17:00", "周二、周四、周六 9:00-16:00"),
}
FACILITIES = {
    CentreLevel.DISTRICT: [f.value for f in Facility],
    CentreLevel.STREET: [Facility.ACTIVITY_ROOM, Facility.MEETING_ROOM, Facility.READING_ROOM, Facility.SERVICE_WINDOW,
                         Facility.LEGAL, Facility.COUNSELLING, Facility.VOLUNTEER, Facility.CHILDREN],
    CentreLevel.COMMUNITY: [Facility.ACTIVITY_ROOM, Facility.MEETING_ROOM, Facility.READING_ROOM, Facility.SERVICE_WINDOW,
                            Facility.DAY_CARE, Facility.CHILDREN, Facility.FITNESS, Facility.VOLUNTEER],
    CentreLevel.COMPOUND: [Facility.ACTIVITY_ROOM, Facility.READING_ROOM, Facility.FITNESS, Facility.VOLUNTEER],
}
ROADS = ("锦山大街", "江城大街", "六纬路", "七经街", "青年大街", "兴五路", "振八街", "滨江路", "帽盔山路", "春光街")


def _name(level, area) -> str:
    name = area.name
    if level == CentreLevel.DISTRICT:
        return f"{name}党群服务中心"
    if level == CentreLevel.STREET:
        return f"{name}党群服务中心"
    if level == CentreLevel.COMMUNITY:
        return f"{name if name.endswith('社区') else name + '社区'}党群服务站"
    return f"{name if name.endswith('小区') else name + '小区'}党群服务站"


def _floor_area(level, rng, below: bool) -> Decimal:
    low, high = {
        CentreLevel.DISTRICT: (1800, 4200), CentreLevel.STREET: (650, 2000),
        CentreLevel.COMMUNITY: (150, 299) if below else (300, 900), CentreLevel.COMPOUND: (60, 260),
    }[level]
    return Decimal(rng.randint(low * 10, high * 10)) / 10


def _runners(org_trees) -> dict:
    """``(area id, category) → organization id``, the first in tree order: one query."""
    runners = {}
    rows = (
        PartyOrg.objects.filter(trees.in_trees_q(org_trees), category__in=set(RUNNER_CATEGORY.values()))
        .order_by(*trees.tree_order()).values_list("area_id", "category", "pk")
    )
    for area_id, category, pk in rows:
        runners.setdefault((area_id, category), pk)
    return runners


@transaction.atomic
def seed_for_demo(ctx) -> dict[str, int]:
    rng = ctx.rng("centres")
    areas = list(
        Area.objects.filter(trees.in_trees_q(ctx.area_trees), level__in=list(LEVEL_OF))
        .select_related("parent").order_by(*trees.tree_order())
    )
    if not areas:
        return {}
    runners = _runners(ctx.org_trees)
    communities = [a for a in areas if a.level == AreaLevel.COMMUNITY]
    below = set(a.pk for a in rng.sample(communities, round(len(communities) * BELOW_STANDARD_SHARE)))
    demo_street = ctx.nodes.get("street")
    if demo_street is not None:
        # the demo street's cadre finds one of its stations below the standard
        mine = [a for a in communities if a.parent_id == demo_street.pk]
        if mine and not below.intersection(a.pk for a in mine):
            below.add(mine[-1].pk)
    compounds = [a for a in areas if a.level == AreaLevel.COMPOUND]
    with_station = set(a.pk for a in rng.sample(compounds, round(len(compounds) * COMPOUND_SHARE)))
    centres = []
    for area in areas:
        if area.level == AreaLevel.COMPOUND and area.pk not in with_station:
            continue
        level = LEVEL_OF[area.level]
        choices = FACILITIES[level]
        facilities = sorted(rng.sample(choices, min(len(choices), rng.randint(3, len(choices)))),
                            key=[str(f) for f in choices].index)
        centres.append(ServiceCentre(
            name=_name(level, area), level=level, area=area,
            address=area.address or f"{rng.choice(ROADS)}{rng.randint(1, 399)}号",
            floor_area=_floor_area(level, rng, area.pk in below),
            opening_hours=rng.choice(HOURS[level]), phone=f"0415-{rng.randint(2100000, 6999999)}",
            facilities=[str(f) for f in facilities], runner_id=runners.get((area.pk, RUNNER_CATEGORY[level])),
        ))
    ServiceCentre.objects.bulk_create(centres, batch_size=1000)
    standards = []
    roots = [a for a in Area.objects.filter(trees.in_trees_q(ctx.area_trees), parent__isnull=True)]
    for root in roots:
        for level, minimum in CITY_STANDARDS.items():
            standards.append(FloorAreaStandard(area=root, level=level, min_floor_area=minimum,
                                               source="城市基层党建阵地建设标准（演示数据）"))
    districts = [a for a in areas if a.level == AreaLevel.DISTRICT]
    if districts:
        standards.append(FloorAreaStandard(area=districts[0], level=CentreLevel.STREET, min_floor_area=STRICT_STREET,
                                           source="参照朝阳区：街道党群服务中心不少于1200平方米（演示数据）"))
    FloorAreaStandard.objects.bulk_create(standards)
    counts = {str(CentreLevel(level).label): 0 for level in LEVEL_OF.values()}
    for centre in centres:
        counts[str(CentreLevel(centre.level).label)] += 1
    counts["面积达标的社区党群服务站"] = len(communities) - len(below)
    return counts


def flush_for_demo(area_trees, org_trees) -> None:
    ServiceCentre.objects.filter(
        Q(trees.in_trees_q(area_trees, "area")) | Q(trees.in_trees_q(org_trees, "runner"))
    ).delete()
    FloorAreaStandard.objects.filter(trees.in_trees_q(area_trees, "area")).delete()
