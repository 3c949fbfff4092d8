"""党建指导员 in ``seed_demo``: each street appoints instructors for about 60 % of the 两新
organizations of its communities that have no party organization (an instructor serves one
to three units; a community worker serves units of their own community, appointed by it);
visits over the year, about one assignment in six behind (no visit in 90 days).  Bulk inserts only."""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from dangjian import trees
from network.instructors.choices import BEHIND_DAYS, SERVED_KINDS, InstructorSource, VisitKind
from network.instructors.models import Instructor, InstructorAssignment, InstructorVisit
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.demo.names import MOBILE_PREFIXES, PLACE_WORDS, person_name
from organizations.units.choices import ResidentUnitKind
from organizations.units.models import ResidentUnit

SHARE = 0.6  # of the units without a party organization
SOURCES = (InstructorSource.CADRE, InstructorSource.RETIRED, InstructorSource.COMMUNITY_WORKER,
           InstructorSource.FULL_TIME)
SOURCE_WEIGHTS = (4, 3, 2, 1)
VISIT_KINDS = (VisitKind.FOUNDING, VisitKind.POLICY, VisitKind.ORG_LIFE, VisitKind.DEVELOPMENT, VisitKind.OTHER)
VISIT_WEIGHTS = (4, 3, 2, 1, 1)
NOTES = ("了解企业职工中党员情况", "宣讲党的政策和非公企业扶持政策", "指导开展主题党日", "指导做好入党积极分子培养",
         "协调解决用工难题", "推动成立工会和团组织", "")


def _demo_community_units(ctx, rng) -> int:
    """The demo community gets a few 两新 organizations without a party organization and a
    property company when it has fewer (the small demo has hardly any), so that the demo
    community and street accounts have instructors, visits and a coverage to look at."""
    community = ctx.nodes.get("community")
    if community is None or community.level != AreaLevel.COMMUNITY:
        return 0
    wanted = [
        (ResidentUnitKind.PRIVATE_ENTERPRISE, f"{community.name}{rng.choice(PLACE_WORDS)}商贸有限公司"),
        (ResidentUnitKind.SOCIAL_ORGANIZATION, f"{community.name}社会工作服务站"),
        (ResidentUnitKind.PRIVATE_ENTERPRISE, f"{community.name}{rng.choice(PLACE_WORDS)}餐饮有限公司"),
        (ResidentUnitKind.PROPERTY, f"{community.name}{rng.choice(PLACE_WORDS)}物业服务有限公司"),
    ]
    have = set(ResidentUnit.objects.filter(community=community).values_list("name", flat=True))
    rows = [ResidentUnit(name=name, kind=kind, community=community, address=community.address or "")
            for kind, name in wanted if name not in have]
    ResidentUnit.objects.bulk_create(rows)
    return len(rows)


def seed_for_demo(ctx) -> dict[str, int]:
    rng = ctx.rng("instructors")
    today = ctx.today
    _demo_community_units(ctx, rng)
    streets = {a.pk: a for a in Area.objects.filter(trees.in_trees_q(ctx.area_trees), level=AreaLevel.STREET)}
    locate = trees.Locator((trees.span(s), s.pk) for s in streets.values())
    units = list(ResidentUnit.objects.filter(trees.in_trees_q(ctx.area_trees, "community"), kind__in=SERVED_KINDS,
                                             party_org__isnull=True)
                 .select_related("community").order_by("pk"))
    by_street = defaultdict(list)
    for unit in units:
        street = locate.find(unit.community)
        if street is not None:
            by_street[street].append(unit)
    instructors, plans = [], []
    for street_id in sorted(by_street):
        bare = by_street[street_id]
        chosen = rng.sample(bare, max(1, round(SHARE * len(bare))))
        while chosen:
            size = rng.choice((1, 2, 2, 3))
            take, chosen = chosen[:size], chosen[size:]
            appointed = today - timedelta(days=rng.randint(120, 1500))
            source = rng.choices(SOURCES, weights=SOURCE_WEIGHTS)[0]
            area_id = street_id
            if source == InstructorSource.COMMUNITY_WORKER:
                area_id = take[0].community_id
                chosen.extend(u for u in take if u.community_id != area_id)
                take = [u for u in take if u.community_id == area_id]
            gender = "M" if rng.random() < 0.6 else "F"
            birth = rng.randint(1952, 1990) if source == InstructorSource.RETIRED else rng.randint(1968, 1995)
            instructors.append(Instructor(
                name=person_name(rng, gender, birth), area_id=area_id, source=source, appointed_on=appointed,
                phone=f"{rng.choice(MOBILE_PREFIXES)}{rng.randint(0, 99999999):08d}", active=True))
            plans.append(take)
    Instructor.objects.bulk_create(instructors, batch_size=1000)
    assignments, visits_by = [], []  # visits_by: each assignment's visit days
    for who, take in zip(instructors, plans, strict=True):
        for unit in take:
            started = who.appointed_on + timedelta(days=rng.randint(0, 60))
            assignments.append(InstructorAssignment(instructor=who, unit=unit, started_on=started))
    visits = []
    for a in assignments:
        behind = rng.random() < 0.16
        newest = today - timedelta(days=rng.randint(BEHIND_DAYS + 5, BEHIND_DAYS + 200) if behind else rng.randint(0, 75))
        days, day = [], newest
        while day >= max(a.started_on, today - timedelta(days=365)) and len(days) < 8:
            days.append(day)
            day -= timedelta(days=rng.randint(30, 75))
        days = [d for d in days if d >= a.started_on]
        a.last_visit_on = max(days) if days else None
        visits_by.append(days)
    InstructorAssignment.objects.bulk_create(assignments, batch_size=1000)
    for a, days in zip(assignments, visits_by, strict=True):
        for d in days:
            visits.append(InstructorVisit(assignment=a, visited_on=d, kind=rng.choices(VISIT_KINDS, weights=VISIT_WEIGHTS)[0],
                                          note=rng.choice(NOTES)))
    InstructorVisit.objects.bulk_create(visits, batch_size=2000)
    return {"党建指导员": len(instructors), "指导员联系单位": len(assignments), "指导员走访": len(visits)}


def flush_for_demo(area_trees, org_trees) -> None:
    from organizations.demo.generator import delete_set

    delete_set(InstructorVisit.objects.filter(trees.in_trees_q(area_trees, "assignment__instructor__area")))
    delete_set(InstructorAssignment.objects.filter(trees.in_trees_q(area_trees, "instructor__area")))
    delete_set(Instructor.objects.filter(trees.in_trees_q(area_trees, "area")))
