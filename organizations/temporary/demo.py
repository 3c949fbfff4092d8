"""临时党支部 in ``seed_demo``: Xichang'an's 19 temporary branches — at ``dandong`` 19 per
city spread over its streets (a handful per district), at ``small`` 2 — set up by street
working committees on projects, with members seconded from the real branches under that
street (they stay members there); some dissolved, the rest running, and one past its expected
end under the demo street's working committee (a reminder on the demo street account's home
page).  Organizations are grafted into their trees set-based (``dangjian.trees``) and every
row is bulk-inserted."""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db import transaction

from dangjian import trees
from organizations.members.models import Member
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg
from organizations.temporary.choices import TemporaryPurpose
from organizations.temporary.models import Secondment, TemporaryBranch

PER_CITY = {"small": 2}
DEFAULT_PER_CITY = 19
PROJECTS = (
    (TemporaryPurpose.MAJOR_PROJECT, "棚户区改造工程"), (TemporaryPurpose.MAJOR_PROJECT, "老旧小区改造工程"),
    (TemporaryPurpose.MAJOR_PROJECT, "城市快速路建设工程"), (TemporaryPurpose.MAJOR_PROJECT, "边境口岸改扩建工程"),
    (TemporaryPurpose.SPECIAL_TASK, "疫情防控专项工作"), (TemporaryPurpose.SPECIAL_TASK, "创建全国文明城市专项工作"),
    (TemporaryPurpose.SPECIAL_TASK, "征地拆迁专项工作"), (TemporaryPurpose.SPECIAL_TASK, "防汛抗洪专项工作"),
    (TemporaryPurpose.TRAINING, "社区党组织书记培训班"), (TemporaryPurpose.TRAINING, "入党积极分子培训班"),
    (TemporaryPurpose.MOBILE, "外出务工流动党员集中"), (TemporaryPurpose.OTHER, "社区换届选举工作"),
)


def _street_orgs(ctx):
    return list(PartyOrg.objects.filter(trees.in_trees_q(ctx.org_trees), category=OrgCategory.STREET)
                .select_related("area").order_by(*trees.tree_order()))


def seed_for_demo(ctx) -> dict[str, int]:
    rng = ctx.rng("temporary")
    today = ctx.today
    streets = _street_orgs(ctx)
    if not streets:
        return {}
    by_tree = defaultdict(list)
    for s in streets:
        by_tree[trees.span(s.area).tree].append(s)
    demo_node = ctx.nodes.get("street")
    per_city = PER_CITY.get(ctx.scale, DEFAULT_PER_CITY)
    plan = []  # (parent, due): the demo street's first, past its expected end
    for _tree, orgs in sorted(by_tree.items()):
        first = [o for o in orgs if demo_node is not None and o.area_id == demo_node.pk]
        rest = [o for o in orgs if o not in first]
        picks = first[:1] + [rng.choice(rest or orgs) for _ in range(per_city - len(first[:1]))]
        plan.extend((p, i == 0 and bool(first)) for i, p in enumerate(picks))
    starts = [today - timedelta(days=rng.randint(60, 700)) for _ in plan]
    made, moved = _graft(plan, starts, rng)
    details, secondments, taken = [], [], set()
    for (parent, due), org, started in zip(plan, made, starts, strict=True):
        purpose, project = org._demo_project
        parent = moved[parent.pk]  # its numbering after the graft
        if due:
            expected = today - timedelta(days=rng.randint(3, 20))
        else:
            expected = started + timedelta(days=rng.randint(120, 900))
        dissolved = None
        if not due and expected < today and rng.random() < 0.8:
            dissolved = min(today, expected + timedelta(days=rng.randint(0, 25)))
        detail = TemporaryBranch(org=org, purpose=purpose, project_name=project, started_on=started,
                                 expected_end=expected, dissolved_on=dissolved,
                                 dissolution_note="任务完成，经组建单位批准撤销" if dissolved else "")
        details.append(detail)
        pool = [pk for pk in Member.objects.filter(trees.subtree_q(parent, "organization"))
                .exclude(organization__category=OrgCategory.TEMPORARY).order_by("pk").values_list("pk", flat=True)[:400]
                if pk not in taken]
        for pk in rng.sample(pool, min(len(pool), rng.randint(3, 9))):
            taken.add(pk)
            secondments.append((detail, pk, started, dissolved))
    TemporaryBranch.objects.bulk_create(details)
    Secondment.objects.bulk_create([Secondment(temporary_branch=d, member_id=pk, started_on=s, ended_on=e)
                                    for d, pk, s, e in secondments], batch_size=1000)
    return {"临时党支部": len(details), "借调党员": len(secondments)}


@transaction.atomic
def _graft(plan, starts, rng):
    """New temporary branches as the last children of their parents, one ``make_room`` per
    tree, one bulk insert; returns them and the parents as numbered after the graft."""
    trees.lock_tree_writes(PartyOrg)
    children = defaultdict(list)
    made = []
    for i, ((parent, _due), started) in enumerate(zip(plan, starts, strict=True)):
        purpose, project = PROJECTS[rng.randrange(len(PROJECTS))]
        base = f"{parent.code}-LS" if len(parent.code) <= 24 else f"LS{parent.pk}-"
        org = PartyOrg(name=f"{parent.area.name}{project}临时党支部（{i + 1}）", code=f"{base}{len(children[parent.pk]) + 1:02d}",
                       kind=OrgKind.BRANCH, category=OrgCategory.TEMPORARY, parent_id=parent.pk, area_id=parent.area_id,
                       term_years=1, founded_on=started)
        org._demo_project = (purpose, project)
        children[parent.pk].append(org)
        made.append(org)
    parents = {p.pk: p for p, _ in plan}
    gaps = defaultdict(list)
    for pk, kids in children.items():
        at = trees.span(parents[pk])
        gaps[at.tree].append((at.end, 2 * len(kids)))
    for tree, tree_gaps in gaps.items():
        trees.make_room(PartyOrg, tree, tree_gaps)
    moved = {p.pk: p for p in PartyOrg.objects.filter(pk__in=list(children))}
    for pk, kids in children.items():
        p = moved[pk]
        at = trees.span(p)
        trees.graft_tree_fields(kids, under=at, depth=p.depth + 1, start=at.end - 2 * len(kids),
                                parent_key=lambda n: None)
    PartyOrg.objects.bulk_create(made)
    return made, moved


def flush_for_demo(area_trees, org_trees) -> None:
    from organizations.demo.generator import delete_set

    rows = TemporaryBranch.objects.filter(trees.in_trees_q(org_trees, "org"))
    delete_set(Secondment.objects.filter(temporary_branch__in=rows.values("pk")))
    delete_set(rows)
