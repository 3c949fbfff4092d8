"""Demo grids, grid teams and a year of people's diary, for ``seed_demo``.

``seed_grids(rng=..., community_ids=..., today=...)`` is the bulk path: communities are
taken in batches, each batch read with a fixed number of queries and written with
``bulk_create`` — no query per community or per grid.

Shape (Dandong: 8–10 grids a community, "一小区一网格、一网格一支部"):

* 8–10 compounds: one grid per compound; more than 10: neighbouring compounds grouped
  into 8–10 grids; fewer than 8: the larger compounds' buildings split among several
  grids so the community still gets 8–10 (as many as its buildings allow).
* Each grid is linked to its compound's branch (a split compound's second and further
  grids only when the compound has a second branch), so some grids have no branch.
* Realistic gaps: about 3% of compounds left out of every grid, about 4% of grids without
  their branch.
* Team: 网格总长 = the community organization's secretary, 网格长 = the branch secretary,
  2–3 网格员 among the members living in the grid, 1–3 volunteers by name.
* Diary: 1–3 entries a grid a month for the last twelve months, ~20% problems, most of
  them resolved (recent ones more often still open).

Finally the demo ``grid`` account (if it exists) joins the grid covering its compound as
网格员 through ``grids.teams.actions.team_member_add``, so its grants follow the grid.
"""
from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from dangjian import trees
from grids.diary.choices import DiaryCategory, DiaryKind, DiaryStatus
from grids.diary.models import DiaryEntry
from grids.grids.models import Grid, GridArea
from grids.teams.choices import TeamRole
from grids.teams.models import GridTeamMember
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.demo import names
from organizations.members.models import Member
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg

BATCH_COMMUNITIES = 200
WRITE_BATCH = 2000
GRIDS_MIN, GRIDS_MAX = 8, 10
COMPOUND_GAP_SHARE = 0.03
BRANCH_GAP_SHARE = 0.04
PROBLEM_SHARE = 0.20
DIARY_MONTHS = 12

VISIT_TEXTS = {
    DiaryCategory.HOME_VISIT: (
        "入户走访独居老人，身体状况良好，提醒注意用电用气安全。",
        "走访新搬入住户，介绍社区服务事项和网格员联系方式。",
        "看望生病住院后回家的老党员，了解康复情况。",
        "走访出租房屋，登记租住人员信息，宣传安全常识。",
        "入户了解住户对小区环境的意见建议。",
    ),
    DiaryCategory.POLICY: (
        "为住户解读城乡居民医保缴费政策，协助完成线上缴费。",
        "宣传垃圾分类新规，发放宣传册。",
        "讲解老旧小区改造方案，收集住户意见。",
    ),
    DiaryCategory.HARDSHIP: (
        "走访低保户，核实家庭收入变化情况。",
        "看望困难家庭，了解孩子上学情况。",
    ),
}
PROBLEM_TEXTS = {
    DiaryCategory.DISPUTE: ("楼上楼下因卫生间漏水发生纠纷，双方情绪较大。", "邻里因楼道堆物产生矛盾。"),
    DiaryCategory.ENVIRONMENT: ("单元门口垃圾清运不及时，有异味。", "绿化带内堆放装修垃圾。"),
    DiaryCategory.FACILITY: ("单元楼道灯损坏，夜间照明不足。", "楼顶防水层老化，顶层住户反映漏雨。", "单元门禁损坏无法关闭。"),
    DiaryCategory.SAFETY: ("楼道内有电动车充电，存在消防隐患。", "消防通道被私家车长期占用。"),
    DiaryCategory.PROPERTY: ("住户反映物业报修响应慢。", "住户对小区停车收费标准有意见。"),
    DiaryCategory.HARDSHIP: ("高龄独居老人行动不便，需要助餐服务。",),
    DiaryCategory.OTHER: ("住户反映附近工地夜间施工噪音扰民。",),
}
RESOLUTIONS = {
    DiaryCategory.DISPUTE: "网格员会同楼栋长上门调解，双方达成一致。",
    DiaryCategory.ENVIRONMENT: "已联系环卫清运完毕，并提醒住户按时投放。",
    DiaryCategory.FACILITY: "已报物业维修，现已恢复正常。",
    DiaryCategory.SAFETY: "已劝导住户整改，隐患已消除。",
    DiaryCategory.PROPERTY: "已与物业沟通，明确处理时限并回访住户。",
    DiaryCategory.HARDSHIP: "已对接社区助餐点，每日送餐上门。",
    DiaryCategory.OTHER: "已协调有关单位处理，住户表示满意。",
}
VISIT_WEIGHTS = ((DiaryCategory.HOME_VISIT, 6), (DiaryCategory.POLICY, 2), (DiaryCategory.HARDSHIP, 2))
PROBLEM_WEIGHTS = (
    (DiaryCategory.FACILITY, 3), (DiaryCategory.ENVIRONMENT, 3), (DiaryCategory.SAFETY, 2),
    (DiaryCategory.DISPUTE, 2), (DiaryCategory.PROPERTY, 2), (DiaryCategory.HARDSHIP, 1), (DiaryCategory.OTHER, 1),
)


# ------------------------------------------------------------------------- planning
@dataclass
class _Compound:
    pk: int
    name: str
    buildings: list = field(default_factory=list)   # [(pk, households)]
    branches: list = field(default_factory=list)    # [(pk, secretary_id)]


@dataclass
class _GridPlan:
    name: str
    places: list                 # area ids covered
    buildings: list              # building ids (for team and diary)
    branch: tuple | None         # (pk, secretary_id)


def _split(items, parts):
    """``items`` cut into ``parts`` contiguous, near-equal chunks."""
    size, extra = divmod(len(items), parts)
    out, start = [], 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        out.append(items[start:end])
        start = end
    return out


def plan_community(rng, community_name, compounds: list[_Compound]) -> tuple[list[_GridPlan], list[_Compound]]:
    """The grids of one community (pure: no database).  Returns (grids, compounds left out)."""
    if not compounds:
        return [], []
    left_out = [c for c in compounds if rng.random() < COMPOUND_GAP_SHARE]
    if len(left_out) == len(compounds):
        left_out = left_out[1:]
    covered = [c for c in compounds if c not in left_out]
    plans = []
    n = len(covered)
    if n >= GRIDS_MIN:
        target = n if n <= GRIDS_MAX else rng.randint(GRIDS_MIN, GRIDS_MAX)
        for i, group in enumerate(_split(covered, target)):
            first = group[0]
            name = f"{first.name}网格" if len(group) == 1 else f"{community_name}第{names.cn_number(i + 1)}网格"
            plans.append(_GridPlan(
                name=name, places=[c.pk for c in group], buildings=[b for c in group for b, _h in c.buildings],
                branch=first.branches[0] if first.branches else None,
            ))
        return plans, left_out
    capacity = [max(1, len(c.buildings)) for c in covered]
    target = min(rng.randint(GRIDS_MIN, GRIDS_MAX), sum(capacity))
    shares = [1] * n
    for _extra in range(target - n):
        best = max((i for i in range(n) if shares[i] < capacity[i]), key=lambda i: capacity[i] / shares[i])
        shares[best] += 1
    for compound, k in zip(covered, shares):
        if k == 1:
            plans.append(_GridPlan(
                name=f"{compound.name}网格", places=[compound.pk], buildings=[b for b, _h in compound.buildings],
                branch=compound.branches[0] if compound.branches else None,
            ))
            continue
        for j, chunk in enumerate(_split(compound.buildings, k)):
            plans.append(_GridPlan(
                name=f"{compound.name}第{names.cn_number(j + 1)}网格",
                places=[b for b, _h in chunk], buildings=[b for b, _h in chunk],
                branch=compound.branches[j] if j < len(compound.branches) else None,
            ))
    return plans, left_out


# --------------------------------------------------------------------------- writing
def _months_back(today: date, months: int):
    year, month = today.year, today.month
    for _i in range(months):
        yield year, month
        month -= 1
        if month == 0:
            year, month = year - 1, 12


def _pick(rng, weighted):
    return rng.choices([c for c, _w in weighted], weights=[w for _c, w in weighted])[0]


def _diary_rows(rng, grid_id, buildings, today):
    rows = []
    for year, month in _months_back(today, DIARY_MONTHS):
        last = today.day if (year, month) == (today.year, today.month) else calendar.monthrange(year, month)[1]
        for _e in range(rng.randint(1, 3)):
            day = date(year, month, rng.randint(1, last))
            problem = rng.random() < PROBLEM_SHARE
            if problem:
                category = _pick(rng, PROBLEM_WEIGHTS)
                text = rng.choice(PROBLEM_TEXTS[category])
                recent = (today - day).days <= 30
                open_ = rng.random() < (0.5 if recent else 0.1)
                status = DiaryStatus.OPEN if open_ else DiaryStatus.RESOLVED
                resolution = "" if open_ else RESOLUTIONS[category]
            else:
                category = _pick(rng, VISIT_WEIGHTS)
                text = rng.choice(VISIT_TEXTS[category])
                status, resolution = DiaryStatus.RECORDED, ""
            building = rng.choice(buildings) if buildings and rng.random() < 0.9 else None
            household = ""
            if building is not None and rng.random() < 0.6:
                household = f"{rng.randint(1, 3)}-{rng.randint(1, 6)}0{rng.randint(1, 2)}"
            rows.append(DiaryEntry(
                grid_id=grid_id, building_id=building, household=household,
                kind=DiaryKind.PROBLEM if problem else DiaryKind.VISIT, category=category, text=text,
                occurred_on=day, status=status, resolution=resolution,
            ))
    return rows


def _random_start(rng, today):
    return today - timedelta(days=rng.randint(60, 3 * 365))


def seed_grids(*, rng, community_ids, today, batch=BATCH_COMMUNITIES, log=None) -> dict:
    """Grids, teams and a year of diary for the given communities; returns counts.

    Communities that already have a grid are left alone (running it twice adds nothing).
    Seven reads and four bulk writes per batch of ``batch`` communities."""
    counts = defaultdict(int)
    community_ids = sorted(community_ids)
    with transaction.atomic():
        for start in range(0, len(community_ids), batch):
            _seed_batch(rng, community_ids[start:start + batch], today, counts)
            if log:
                log(f"网格：{min(start + batch, len(community_ids))}/{len(community_ids)} 个社区")
        counts["grid_user"] = int(_attach_demo_grid_user(today))
    return dict(counts)


def _seed_batch(rng, ids, today, counts):
    done = set(Grid.objects.filter(community_id__in=ids).values_list("community_id", flat=True).distinct())
    ids = [pk for pk in ids if pk not in done]
    if not ids:
        return
    communities = {
        row["pk"]: row for row in Area.objects.filter(pk__in=ids, level=AreaLevel.COMMUNITY).values("pk", "code", "name")
    }
    compounds = defaultdict(list)
    by_pk = {}
    for row in (
        Area.objects.filter(parent_id__in=ids, level=AreaLevel.COMPOUND).order_by(*trees.tree_order()).values("pk", "parent_id", "name")
    ):
        c = _Compound(pk=row["pk"], name=row["name"])
        compounds[row["parent_id"]].append(c)
        by_pk[c.pk] = c
    for row in (
        Area.objects.filter(parent__parent_id__in=ids, level=AreaLevel.BUILDING)
        .order_by(*trees.tree_order()).values("pk", "parent_id", "households")
    ):
        if row["parent_id"] in by_pk:
            by_pk[row["parent_id"]].buildings.append((row["pk"], row["households"]))
    for row in (
        PartyOrg.objects.filter(area__parent_id__in=ids, kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND)
        .order_by("code").values("pk", "area_id", "secretary_id")
    ):
        if row["area_id"] in by_pk:
            by_pk[row["area_id"]].branches.append((row["pk"], row["secretary_id"]))
    chiefs = dict(
        PartyOrg.objects.filter(area_id__in=ids, category=OrgCategory.COMMUNITY, secretary__isnull=False)
        .values_list("area_id", "secretary_id")
    )
    residents = defaultdict(list)
    for member_id, building_id in (
        Member.objects.filter(residence__parent__parent_id__in=ids).order_by("pk").values_list("pk", "residence_id")
    ):
        residents[building_id].append(member_id)

    grids, plans = [], []
    for community_id in ids:
        community = communities.get(community_id)
        if community is None:
            continue
        made, left_out = plan_community(rng, community["name"], compounds.get(community_id, []))
        counts["compounds_without_grid"] += len(left_out)
        used = set()
        for i, plan in enumerate(made):
            name = plan.name
            while name in used:
                name = f"{name}（{i + 1}）"
            used.add(name)
            branch = plan.branch if plan.branch and rng.random() >= BRANCH_GAP_SHARE else None
            plan.branch = branch
            grids.append(Grid(
                community_id=community_id, code=f"{community['code']}-G{i + 1:02d}"[:32], name=name[:100],
                party_branch_id=branch[0] if branch else None,
            ))
            plans.append((community_id, plan))
    if not grids:
        return
    clash = set(Grid.objects.filter(code__in=[g.code for g in grids]).values_list("code", flat=True))
    if clash:
        keep = [i for i, g in enumerate(grids) if g.code not in clash]
        grids = [grids[i] for i in keep]
        plans = [plans[i] for i in keep]
    grids = Grid.objects.bulk_create(grids, batch_size=WRITE_BATCH)
    counts["grids"] += len(grids)

    places, team, diary = [], [], []
    for grid, (community_id, plan) in zip(grids, plans):
        places += [GridArea(grid_id=grid.pk, area_id=pk) for pk in plan.places]
        taken = set()
        chief = chiefs.get(community_id)
        if chief:
            team.append(GridTeamMember(grid_id=grid.pk, role=TeamRole.CHIEF, member_id=chief,
                                       started_on=_random_start(rng, today)))
            taken.add(chief)
        if plan.branch and plan.branch[1]:  # may be the chief too (交叉任职)
            team.append(GridTeamMember(grid_id=grid.pk, role=TeamRole.LEADER, member_id=plan.branch[1],
                                       started_on=_random_start(rng, today)))
            taken.add(plan.branch[1])
        pool = [m for b in plan.buildings for m in residents.get(b, ()) if m not in taken]
        for member_id in rng.sample(pool, min(len(pool), rng.randint(2, 3))):
            team.append(GridTeamMember(grid_id=grid.pk, role=TeamRole.WORKER, member_id=member_id,
                                       started_on=_random_start(rng, today)))
        for _v in range(rng.randint(1, 3)):
            team.append(GridTeamMember(
                grid_id=grid.pk, role=TeamRole.VOLUNTEER,
                display_name=names.person_name(rng, rng.choice("MF"), rng.randint(1950, 2002)),
                started_on=_random_start(rng, today),
            ))
        diary += _diary_rows(rng, grid.pk, plan.buildings, today)
    GridArea.objects.bulk_create(places, batch_size=WRITE_BATCH)
    GridTeamMember.objects.bulk_create(team, batch_size=WRITE_BATCH)
    DiaryEntry.objects.bulk_create(diary, batch_size=WRITE_BATCH)
    counts["places"] += len(places)
    counts["team"] += len(team)
    counts["diary"] += len(diary)


def _attach_demo_grid_user(today) -> bool:
    """The demo ``grid`` account joins, as 网格员, the grid covering the place it was
    granted — through the action, so its grants follow the grid.  False when there is no
    such account, no such grid, no administrator to act, or it is already on the team."""
    from grids.teams.actions import team_member_add
    from organizations.grants.choices import Role

    User = get_user_model()
    user = User.objects.filter(username="grid").first()
    actor = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None or actor is None:
        return False
    node = user.grants.filter(role=Role.GRID, area__isnull=False).select_related("area").order_by("pk").first()
    if node is None:
        return False
    area = node.area
    grid = (
        Grid.objects.filter(
            Q(coverage__area=area) | Q(coverage__area__parent=area) | Q(coverage__area=area.parent_id)
        ).select_related("community").order_by("pk").first()
    )
    if grid is None or GridTeamMember.objects.filter(grid=grid, user=user, ended_on__isnull=True).exists():
        return False
    team_member_add(
        actor=actor, grid=grid, role=TeamRole.WORKER, user=user,
        display_name=(user.get_full_name() or user.get_username())[:50], started_on=today,
    )
    return True


def flush_grids(area_trees) -> dict:
    """Remove the grids (with their places, teams and diary) of the communities in the given
    territory trees — ``flush_demo_data`` must call this before deleting the areas (a grid
    protects its community)."""
    grids = Grid.objects.filter(trees.in_trees_q(area_trees, "community"))
    counts = {"diary": DiaryEntry.objects.filter(grid__in=grids.values("pk")).delete()[0]}
    from organizations.grants.models import Grant

    grant_ids = list(
        GridTeamMember.grants.through.objects.filter(gridteammember__grid__in=grids.values("pk")).values_list("grant_id", flat=True)
    )
    counts["grants"] = Grant.objects.filter(pk__in=grant_ids).delete()[0] if grant_ids else 0
    counts["grids"] = grids.delete()[0]
    return counts


# ------------------------------------------------------------ the demo accounts' queues
QUEUE_PROBLEM = "3号楼北侧下水井盖松动，夜间有居民险些踩空，已设临时警示，需尽快维修。"


def ensure_demo_queue(*, grid_user, today) -> dict:
    """An open diary problem (待处理) on a grid the demo ``grid`` account works on, recorded
    through the real action; nothing when it already has one (or is on no grid)."""
    from grids.diary.actions import diary_record

    grids = Grid.objects.filter(team__user=grid_user, team__ended_on__isnull=True).order_by("pk")
    if DiaryEntry.objects.filter(grid__in=grids, kind=DiaryKind.PROBLEM, status=DiaryStatus.OPEN).exists():
        return {}
    grid = grids.first()
    if grid is None:
        return {}
    diary_record(actor=grid_user, grid=grid, kind=DiaryKind.PROBLEM, category=DiaryCategory.ENVIRONMENT,
                 text=QUEUE_PROBLEM, occurred_on=today)
    return {"problems": 1}
