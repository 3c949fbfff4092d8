"""党建指导员 in ``seed_demo``: first about 35 % of the 两新 organizations and property companies
get a party branch of their own (两新 or 物业 category, under their community's party
organization or, for some 两新 ones, the street's working committee — grafted into the
organization trees set-based, as ``organizations.temporary.demo`` does); then each street
appoints instructors for about 60 % of the 两新 organizations of its communities that still
have no party organization (an instructor serves one
to three units; a community worker serves units of their own community, appointed by it);
visits over the year, about one assignment in six behind (no visit in 90 days).  Bulk inserts only."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction

from dangjian import trees
from network.instructors.choices import BEHIND_DAYS, SERVED_KINDS, InstructorSource, VisitKind
from network.instructors.models import Instructor, InstructorAssignment, InstructorVisit
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.demo.names import MOBILE_PREFIXES, PLACE_WORDS, person_name
from organizations.orgs.choices import FormationMode, OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg
from organizations.orgs.rules import default_term_years
from organizations.units.choices import ResidentUnitKind
from organizations.units.models import ResidentUnit

SHARE = 0.6  # of the units without a party organization
ORG_SHARE = 0.35  # of the served units: a party branch of their own, before instructors are appointed
BRANCH_CODE = "LX"  # the branches' codes: <parent's code>-LX01, -LX02, … (两新)
BRANCH_CATEGORIES = (OrgCategory.NEW_ECONOMY, OrgCategory.PROPERTY)
DEMO_COMMUNITY_BRANCHES = 1  # of the demo community's units, the rest left to instructors
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


def _parents(ctx):
    """Community area pk → its community party organization, street area pk → its working
    committee (the generator's tree: 街道党工委 → 社区党委/党总支 → 小区党支部)."""
    community, street = {}, {}
    for org in (PartyOrg.objects.filter(trees.in_trees_q(ctx.org_trees),
                                        category__in=(OrgCategory.COMMUNITY, OrgCategory.STREET))
                .select_related("area").order_by(*trees.tree_order())):
        if org.category == OrgCategory.COMMUNITY and org.area.level == AreaLevel.COMMUNITY:
            community.setdefault(org.area_id, org)
        elif org.category == OrgCategory.STREET and org.area.level == AreaLevel.STREET:
            street.setdefault(org.area_id, org)
    return community, street


def _found_branches(ctx, rng) -> int:
    """About ``ORG_SHARE`` of the served units (at most ``DEMO_COMMUNITY_BRANCHES`` of the demo
    community's) get a party branch: 物业 for property companies, 两新 for the others, most
    formed alone, some social organizations and small firms jointly with their neighbours."""
    units = list(ResidentUnit.objects.filter(trees.in_trees_q(ctx.area_trees, "community"), kind__in=SERVED_KINDS,
                                             party_org__isnull=True).select_related("community").order_by("pk"))
    community_orgs, street_orgs = _parents(ctx)
    streets = trees.Locator((trees.span(o.area), o) for o in street_orgs.values())
    demo = ctx.nodes.get("community")
    demo_pk = demo.pk if demo is not None and demo.level == AreaLevel.COMMUNITY else None
    mine = [u for u in units if u.community_id == demo_pk]
    rest = [u for u in units if u.community_id != demo_pk]
    wanted = round(ORG_SHARE * len(units))
    take = min(len(mine), DEMO_COMMUNITY_BRANCHES, wanted)
    chosen = rng.sample(mine, take) + rng.sample(rest, min(len(rest), wanted - take))
    chosen.sort(key=lambda u: u.pk)
    plan = []  # (unit, parent)
    for unit in chosen:
        near, street = community_orgs.get(unit.community_id), streets.find(unit.community)
        if unit.kind != ResidentUnitKind.PROPERTY and street is not None and (near is None or rng.random() < 0.25):
            parent = street  # 街道党工委 directly over some 两新 branches
        elif near is not None:
            parent = near
        else:
            continue
        plan.append((unit, parent))
    if not plan:
        return 0
    made = _graft(plan, ctx.today, rng)
    for (unit, _parent), org in zip(plan, made, strict=True):
        unit.party_org = org
    ResidentUnit.objects.bulk_update([u for u, _p in plan], ["party_org"], batch_size=1000)
    return len(made)


@transaction.atomic
def _graft(plan, today, rng):
    """The new branches as the last children of their parents: one ``make_room`` per tree,
    one bulk insert."""
    trees.lock_tree_writes(PartyOrg)
    children = defaultdict(list)
    names = defaultdict(set)
    made = []
    for unit, parent in plan:
        category = OrgCategory.PROPERTY if unit.kind == ResidentUnitKind.PROPERTY else OrgCategory.NEW_ECONOMY
        joint = unit.kind != ResidentUnitKind.PROPERTY and rng.random() < (
            0.4 if unit.kind == ResidentUnitKind.SOCIAL_ORGANIZATION else 0.15)
        name = f"{unit.name}{'联合' if joint else ''}党支部"
        if name in names[parent.pk]:
            name = f"{unit.community.name}{name}"
        names[parent.pk].add(name)
        base = f"{parent.code}-{BRANCH_CODE}" if len(parent.code) <= 24 else f"{BRANCH_CODE}{parent.pk}-"
        founded = today - timedelta(days=rng.randint(90, 3650))
        years = default_term_years(OrgKind.BRANCH, category)
        term = max(founded, date(today.year - rng.randint(0, years - 1), rng.randint(1, 12), 1))
        org = PartyOrg(name=name, code=f"{base}{len(children[parent.pk]) + 1:02d}", kind=OrgKind.BRANCH,
                       category=category, formation=FormationMode.JOINT if joint else FormationMode.SINGLE,
                       joint_units=rng.randint(2, 4) if joint else 1, parent_id=parent.pk, area_id=unit.community_id,
                       founded_on=founded, term_started_on=min(term, today), term_years=years)
        children[parent.pk].append(org)
        made.append(org)
    parents = {p.pk: p for _u, p in plan}
    gaps = defaultdict(list)
    for pk, kids in children.items():
        at = trees.span(parents[pk])
        gaps[at.tree].append((at.end, 2 * len(kids)))
    for tree, tree_gaps in gaps.items():
        trees.make_room(PartyOrg, tree, tree_gaps)
    for p in PartyOrg.objects.filter(pk__in=list(children)):
        at = trees.span(p)
        kids = children[p.pk]
        trees.graft_tree_fields(kids, under=at, depth=p.depth + 1, start=at.end - 2 * len(kids),
                                parent_key=lambda n: None)
    PartyOrg.objects.bulk_create(made)
    return made


def seed_for_demo(ctx) -> dict[str, int]:
    rng = ctx.rng("instructors")
    today = ctx.today
    _demo_community_units(ctx, rng)
    branches = _found_branches(ctx, ctx.rng("instructors-branches"))
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
    return {"两新党支部": branches, "党建指导员": len(instructors), "指导员联系单位": len(assignments), "指导员走访": len(visits)}


def flush_for_demo(area_trees, org_trees) -> None:
    from organizations.demo.generator import delete_set

    delete_set(InstructorVisit.objects.filter(trees.in_trees_q(area_trees, "assignment__instructor__area")))
    delete_set(InstructorAssignment.objects.filter(trees.in_trees_q(area_trees, "instructor__area")))
    delete_set(Instructor.objects.filter(trees.in_trees_q(area_trees, "area")))
    _remove_branches(org_trees)


def demo_branches(org_trees):
    """The branches ``_found_branches`` made (no generated organization has their categories)."""
    return PartyOrg.objects.filter(trees.in_trees_q(org_trees), kind=OrgKind.BRANCH, category__in=BRANCH_CATEGORIES,
                                   code__contains=f"-{BRANCH_CODE}", children__isnull=True)


@transaction.atomic
def _remove_branches(org_trees) -> None:
    """Delete the branches (their units' ``party_org`` is cleared) and close their places in
    the numbering, so the trees stay whole whether or not they are flushed next."""
    from organizations.demo.generator import delete_set

    trees.lock_tree_writes(PartyOrg)
    gaps = defaultdict(list)
    for org in demo_branches(org_trees).order_by(*trees.tree_order()):
        at = trees.span(org)
        gaps[at.tree].append((at.end + 1, -2))  # a leaf: everything after it moves two places left
    delete_set(demo_branches(org_trees))
    for tree, tree_gaps in gaps.items():
        trees.make_room(PartyOrg, tree, tree_gaps)
