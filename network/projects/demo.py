"""项目化服务 in ``seed_demo``: one or two service projects per community (the demo
community account's community gets two, one running with records linked), one brand per
street grouping part of its projects, co-running resident units, and the activities, wishes
and requests of the demo data linked to them — all through ``bulk_create``, deterministic
from ``ctx.rng("network.projects")``."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from dangjian import trees
from network.projects.choices import ProjectStatus, ServedGroup
from network.projects.models import ProjectActivity, ProjectRequest, ProjectWish, ServiceBrand, ServiceProject
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.orgs.models import PartyOrg

TITLES = (
    ("红色物业·暖心家园", ServedGroup.ALL, "小区居民，物业服务与矛盾调解"),
    ("银龄助餐点", ServedGroup.ELDERLY, "辖区 60 岁以上独居、空巢老人"),
    ("四点半课堂", ServedGroup.CHILDREN, "双职工家庭小学生放学后托管"),
    ("困难群众帮扶", ServedGroup.NEEDY, "低保、低收入家庭"),
    ("助残康复驿站", ServedGroup.DISABLED, "持证残疾人及其家庭"),
    ("新市民之家", ServedGroup.MIGRANT, "外来务工人员、快递小哥、网约车司机"),
    ("楼道微治理", ServedGroup.ALL, "老旧小区楼道环境整治"),
    ("青春志愿行", ServedGroup.YOUTH, "辖区青少年志愿服务"),
    ("老兵之家", ServedGroup.VETERANS, "退役军人服务"),
    ("邻里守望", ServedGroup.ALL, "独居老人日常探访"),
)
BRANDS = ("红色管家", "邻里亲", "暖心驿站", "党员先锋岗", "幸福里", "红心向党", "同心圆", "连心桥")
BUDGETS = (Decimal("5000.00"), Decimal("8000.00"), Decimal("10000.00"), Decimal("20000.00"), Decimal("30000.00"))
LINKS_PER_PROJECT = {"activities": 3, "wishes": 2, "requests": 2}


def _communities(ctx):
    areas = list(Area.objects.filter(trees.in_trees_q(ctx.area_trees)).filter(level__lte=AreaLevel.COMMUNITY)
                 .order_by(*trees.tree_order()).values("pk", "parent_id", "level"))
    return [a for a in areas if a["level"] == AreaLevel.COMMUNITY], [a for a in areas if a["level"] == AreaLevel.STREET]


def _community_of_areas(ctx) -> dict[int, int]:
    """Every area of the demo trees → its community (areas below a community only)."""
    rows = Area.objects.filter(trees.in_trees_q(ctx.area_trees)).values_list("pk", "parent_id", "level")
    parent, level = {}, {}
    for pk, parent_id, lvl in rows:
        parent[pk], level[pk] = parent_id, lvl
    out = {}
    for pk in parent:
        node = pk
        while node is not None and level.get(node, 0) > AreaLevel.COMMUNITY:
            node = parent.get(node)
        if node is not None and level.get(node) == AreaLevel.COMMUNITY:
            out[pk] = node
    return out


def seed_for_demo(ctx) -> dict[str, int]:
    from assessments.life.models import Activity
    from organizations.units.models import ResidentUnit
    from services.requests.models import ServiceRequest
    from services.wishes.models import Wish

    rng = ctx.rng("network.projects")
    communities, streets = _communities(ctx)
    if not communities:
        return {}
    demo_community = getattr(ctx.nodes.get("community"), "pk", None)
    owner = {}
    for pk, area_id in (PartyOrg.objects.filter(trees.in_trees_q(ctx.org_trees), area_id__in=[c["pk"] for c in communities])
                        .order_by(*trees.tree_order()).values_list("pk", "area_id")):
        owner.setdefault(area_id, pk)
    actor = ctx.users.get("community") or ctx.users.get("admin")
    brands = [ServiceBrand(name=BRANDS[i % len(BRANDS)] + (f"·{s['pk']}" if i >= len(BRANDS) else ""), area_id=s["pk"],
                           description="街道党工委统筹打造的社区服务品牌", created_by=ctx.users.get("street"))
              for i, s in enumerate(streets)]
    ServiceBrand.objects.bulk_create(brands, batch_size=500)
    brand_of_street = {b.area_id: b for b in brands}
    year = ctx.today.year
    projects = []
    for c in communities:
        if c["pk"] not in owner:
            continue
        n = 2 if c["pk"] == demo_community else rng.choice((1, 1, 2))
        for i in range(n):
            title, group, served = TITLES[rng.randrange(len(TITLES))]
            if c["pk"] == demo_community:
                status = ProjectStatus.RUNNING if i == 0 else ProjectStatus.DRAFT
            else:
                status = rng.choices((ProjectStatus.RUNNING, ProjectStatus.CLOSED, ProjectStatus.DRAFT,
                                      ProjectStatus.CANCELLED), weights=(55, 25, 15, 5))[0]
            starts = date(year, 1, 1) + timedelta(days=rng.randrange(0, 120))
            if status == ProjectStatus.CLOSED:
                starts = date(year - 1, 3, 1) + timedelta(days=rng.randrange(0, 120))
            brand = brand_of_street.get(c["parent_id"]) if rng.random() < 0.5 or c["pk"] == demo_community else None
            projects.append(ServiceProject(
                title=title, goal=f"围绕“{title}”，整合社区党组织、驻区单位和党员志愿者力量，为{served}提供常态化服务。",
                served_group=group, served_text=served, owner_org_id=owner[c["pk"]], area_id=c["pk"],
                brand=brand, budget=rng.choice(BUDGETS), starts_on=starts, ends_on=starts + timedelta(days=364),
                status=status, created_by=actor,
            ))
    ServiceProject.objects.bulk_create(projects, batch_size=500)

    # co-running resident units: up to two of the community's
    units = defaultdict(list)
    in_trees = ResidentUnit.objects.filter(trees.in_trees_q(ctx.area_trees, "community")).order_by("pk")
    for pk, community_id in in_trees.values_list("pk", "community_id"):
        units[community_id].append(pk)
    through = ServiceProject.units.through
    rows = []
    for p in projects:
        for unit_id in rng.sample(units[p.area_id], min(2, len(units[p.area_id]))):
            rows.append(through(serviceproject_id=p.pk, residentunit_id=unit_id))
    through.objects.bulk_create(rows, batch_size=2000)

    # the records of each community, linked to its projects (running and closed ones)
    community_of = _community_of_areas(ctx)
    by_community = defaultdict(list)
    for p in projects:
        if p.status in (ProjectStatus.RUNNING, ProjectStatus.CLOSED):
            by_community[p.area_id].append(p)
    wanted = {c: len(ps) for c, ps in by_community.items()}
    pools = {"activities": defaultdict(list), "wishes": defaultdict(list), "requests": defaultdict(list)}
    acts = (Activity.objects.filter(trees.in_trees_q(ctx.org_trees, "org"), starts_at__date__lte=ctx.today)
            .order_by("-starts_at", "-pk").values_list("pk", "org__area_id"))
    for pk, area_id in acts.iterator(chunk_size=5000):
        c = community_of.get(area_id)
        if c in wanted and len(pools["activities"][c]) < wanted[c] * LINKS_PER_PROJECT["activities"]:
            pools["activities"][c].append(pk)
    for key, model in (("wishes", Wish), ("requests", ServiceRequest)):
        for pk, c in (model.objects.filter(trees.in_trees_q(ctx.area_trees, "community"),
                                           community_id__in=list(wanted)).order_by("-pk").values_list("pk", "community_id")
                      .iterator(chunk_size=5000)):
            if len(pools[key][c]) < wanted[c] * LINKS_PER_PROJECT[key]:
                pools[key][c].append(pk)
    links = {"activities": [], "wishes": [], "requests": []}
    for c, ps in by_community.items():
        for key, model, field in (("activities", ProjectActivity, "activity_id"), ("wishes", ProjectWish, "wish_id"),
                                  ("requests", ProjectRequest, "request_id")):
            pool = pools[key][c]
            for i, record_id in enumerate(pool):
                links[key].append(model(project=ps[i % len(ps)], linked_by=actor, **{field: record_id}))
    ProjectActivity.objects.bulk_create(links["activities"], batch_size=2000)
    ProjectWish.objects.bulk_create(links["wishes"], batch_size=2000)
    ProjectRequest.objects.bulk_create(links["requests"], batch_size=2000)
    return {"服务项目": len(projects), "服务品牌": len(brands),
            "项目关联记录": sum(len(v) for v in links.values())}


def flush_for_demo(area_trees, org_trees) -> None:
    ServiceProject.objects.filter(trees.in_trees_q(area_trees, "area")).delete()
    ServiceBrand.objects.filter(trees.in_trees_q(area_trees, "area")).delete()
