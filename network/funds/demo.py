"""经费 in ``seed_demo``: this year's branch funds — ¥6,000.00 to each of 805 of the 955
compound branches at dandong scale (¥4,830,000.00 exactly; the same share of the compound
branches at other scales), a community service fund for every community, and spending from
a share of them (by category; some of a community's for its service projects, within their
budgets) — through ``bulk_create``, deterministic from ``ctx.rng("network.funds")``, each
allocation's ``spent`` equal to the sum of its spending."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from dangjian import trees
from network.funds.choices import FundPurpose, SpendingCategory
from network.funds.models import FundAllocation, FundSpending
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg

BRANCH_FUND = Decimal("6000.00")
FUNDED, COMPOUND_BRANCHES = 805, 955  # Dandong: 805 of its 955 compound branches funded ¥4.83 M a year
COMMUNITY_FUNDS = (Decimal("100000.00"), Decimal("150000.00"), Decimal("200000.00"))
SOURCE = "区委组织部（党组织工作经费）"
BRANCH_SPENDING = (
    (SpendingCategory.ACTIVITY, "主题党日活动"),
    (SpendingCategory.EDUCATION, "购买党员学习资料"),
    (SpendingCategory.RELIEF, "走访慰问困难党员"),
    (SpendingCategory.FACILITY, "党员活动室设施维护"),
)
COMMUNITY_SPENDING = (
    (SpendingCategory.FACILITY, "党群服务站阵地改造"),
    (SpendingCategory.RELIEF, "节日走访慰问困难群众"),
    (SpendingCategory.ACTIVITY, "邻里节活动"),
)


def funded_count(n_branches: int, scale: str) -> int:
    if scale == "dandong" and n_branches == COMPOUND_BRANCHES:
        return FUNDED
    return round(n_branches * FUNDED / COMPOUND_BRANCHES)


def _day(rng, year, today):
    last = min(today, date(year, 12, 31))
    span = max((last - date(year, 1, 1)).days, 0)
    return date(year, 1, 1) + timedelta(days=rng.randint(0, span))


def _cents(rng, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low, high) * 10) / 100  # whole dimes, as receipts mostly are


def seed_for_demo(ctx) -> dict[str, int]:
    from network.projects.choices import ProjectStatus
    from network.projects.models import ServiceProject

    rng = ctx.rng("network.funds")
    year = ctx.today.year
    demo_community = ctx.nodes.get("community")
    branches = list(PartyOrg.objects.filter(trees.in_trees_q(ctx.org_trees), category=OrgCategory.COMPOUND,
                                            kind=OrgKind.BRANCH).order_by(*trees.tree_order())
                    .values_list("pk", "area_id", *trees.position_fields("area")))
    if not branches:
        return {}
    n = funded_count(len(branches), ctx.scale)
    # the demo community's branches first (its account sees its funds), the rest drawn
    mine = [b for b in branches if demo_community is not None and trees.span(demo_community).contains(
        trees.position({"area__tree_id": b[2], "area__lft": b[3]}, "area"))] if demo_community is not None else []
    others = [b for b in branches if b not in mine]
    chosen = (mine + sorted(rng.sample(others, max(0, min(len(others), n - len(mine))))))[:n]
    recorder = ctx.users.get("community") or ctx.users.get("admin")
    allocator = ctx.users.get("district") or ctx.users.get("admin")
    allocations, spendings = [], []
    for pk, area_id, *_pos in chosen:
        a = FundAllocation(year=year, purpose=FundPurpose.ORG_WORK, org_id=pk, place_id=area_id, amount=BRANCH_FUND,
                           source=SOURCE, created_by=allocator)
        allocations.append(a)
        if rng.random() < 0.6:
            left = BRANCH_FUND
            for _i in range(rng.randint(1, 3)):
                category, text = BRANCH_SPENDING[rng.randrange(len(BRANCH_SPENDING))]
                amount = min(_cents(rng, 3000, 15000), left)
                if amount <= 0:
                    break
                left -= amount
                spendings.append((a, FundSpending(spent_on=_day(rng, year, ctx.today), category=category, amount=amount,
                                                  description=text, recorded_by=recorder)))
    communities = list(Area.objects.filter(trees.in_trees_q(ctx.area_trees), level=AreaLevel.COMMUNITY)
                       .order_by(*trees.tree_order()).values_list("pk", flat=True))
    projects = defaultdict(list)
    for p in (ServiceProject.objects.filter(trees.in_trees_q(ctx.area_trees, "area"),
                                            status__in=(ProjectStatus.RUNNING, ProjectStatus.CLOSED))
              .order_by("pk").only("pk", "area_id", "budget")):
        projects[p.area_id].append(p)
    for community_id in communities:
        total = rng.choice(COMMUNITY_FUNDS)
        a = FundAllocation(year=year, purpose=FundPurpose.COMMUNITY_SERVICE, area_id=community_id, place_id=community_id,
                           amount=total, source="街道党工委（社区服务群众专项经费）", created_by=allocator)
        allocations.append(a)
        left = total
        for p in projects[community_id]:
            amount = (p.budget * Decimal(rng.choice(("0.3", "0.5", "0.8")))).quantize(Decimal("0.01"))
            if 0 < amount <= left:
                left -= amount
                spendings.append((a, FundSpending(spent_on=_day(rng, year, ctx.today), category=SpendingCategory.PROJECT,
                                                  amount=amount, description="服务项目物资与活动支出", project=p,
                                                  recorded_by=recorder)))
        if rng.random() < 0.7 or community_id == getattr(demo_community, "pk", None):
            category, text = COMMUNITY_SPENDING[rng.randrange(len(COMMUNITY_SPENDING))]
            amount = min(_cents(rng, 50000, 300000), left)
            if amount > 0:
                spendings.append((a, FundSpending(spent_on=_day(rng, year, ctx.today), category=category, amount=amount,
                                                  description=text, recorded_by=recorder)))
    spent = defaultdict(Decimal)
    for a, s in spendings:
        spent[id(a)] += s.amount
    for a in allocations:
        a.spent = spent[id(a)]
    FundAllocation.objects.bulk_create(allocations, batch_size=1000)
    rows = []
    for a, s in spendings:
        s.allocation = a
        rows.append(s)
    FundSpending.objects.bulk_create(rows, batch_size=1000)
    branch_total = sum((a.amount for a in allocations if a.purpose == FundPurpose.ORG_WORK), Decimal(0))
    return {"经费下拨": len(allocations), "小区党支部经费（元）": int(branch_total), "经费支出": len(rows)}


def flush_for_demo(area_trees, org_trees) -> None:
    FundSpending.objects.filter(trees.in_trees_q(area_trees, "allocation__place")).delete()
    FundAllocation.objects.filter(trees.in_trees_q(area_trees, "place")).delete()
