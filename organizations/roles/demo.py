"""Demo positions, terms and leader links for ``seed_demo`` (``network.demo.FEATURES``).

On the demo trees, in bulk (a fixed number of queries per batch):

* every community-level party organization's secretary holds a 书记 position; in most
  communities (``YJT_SHARE``, near Huangshi's 35 of 36) they also chair the residents'
  committee — 一肩挑 — elsewhere a branch secretary chairs it; up to two branch secretaries sit
  on the community committee, some of them also on an owners' committee (交叉任职); a share
  of compound branch secretaries chair their compound's owners' committee.  The
  organizations' ``secretary_also_chairs`` flags are then set from these positions, so the
  flag and the positions agree;
* term dates are spread: about 6 % of the organizations' terms (党小组 aside) end within six months and
  2 % have ended — the demo ``community`` account's community organization among the first,
  one of its branches among the second (the ``street`` account sees both);
* every community has a leader (14 days a year, the ``district`` account for the demo
  community: its "我的联系社区") and a department head (1–2 visits a month), with visits
  logged so that some are behind.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from dangjian import trees
from organizations.areas.choices import AreaLevel
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg
from organizations.roles import progress
from organizations.roles.choices import CHAIRED_BODIES, DEFAULT_LIAISON_DAYS, Body, LinkKind, Post
from organizations.roles.models import LeaderLink, LeaderVisit, Position
from organizations.roles.terms import add_months

BATCH = 2000
YJT_SHARE = 0.9
COMPOUND_CHAIR_SHARE = 0.15
COMMITTEE_CROSS_SHARE = 0.4
DUE_SHARE, OVERDUE_SHARE = 0.06, 0.02
LEADER_POSTS = ("区委常委、组织部长", "区委副书记", "副区长", "区人大常委会副主任", "区政协副主席", "区委常委、宣传部长",
                "区委常委、政法委书记", "区委常委、统战部长")
DEPARTMENT_POSTS = ("区民政局局长", "区住建局局长", "区卫健局副局长", "区城管局局长", "区人社局局长", "区教育局副局长",
                    "区司法局局长", "区市场监管局副局长")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("建国", "卫东", "志强", "海燕", "丽华", "明", "军", "静", "洪涛", "晓东", "玉兰", "国庆", "春梅", "文博")
NOTES = ("走访困难党员家庭", "参加社区大党委会议", "调研老旧小区改造", "接待居民来访", "督导网格化服务", "座谈驻区单位")


def _name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _start(today: date, years: int, offset_days: int) -> date:
    """A term start whose end lies about ``offset_days`` from today."""
    return add_months(today, -12 * years) + timedelta(days=offset_days)


def seed_for_demo(ctx) -> dict[str, int]:
    rng = ctx.rng("organizations.roles")
    today = ctx.today
    if Position.objects.filter(trees.in_trees_q(ctx.area_trees, "community")).exists():
        return {}
    orgs = list(
        PartyOrg.objects.filter(trees.in_trees_q(ctx.org_trees))
        .values("pk", "parent_id", "area_id", "area__level", "kind", "category", "secretary_id", "term_years",
                "term_started_on", "depth")
        .order_by("pk")
    )
    by_pk = {o["pk"]: o for o in orgs}
    demo_community = ctx.nodes.get("community")
    demo_area = demo_community.pk if demo_community is not None else None

    def community_of(org):
        """The community area of a community org or a compound branch (via its parent)."""
        if org["category"] == OrgCategory.COMMUNITY and org["area__level"] == AreaLevel.COMMUNITY:
            return org["area_id"]
        parent = by_pk.get(org["parent_id"])
        if parent and parent["category"] == OrgCategory.COMMUNITY and parent["area__level"] == AreaLevel.COMMUNITY:
            return parent["area_id"]
        return None

    community_orgs, seen = [], set()
    for o in orgs:
        if o["category"] == OrgCategory.COMMUNITY and o["area__level"] == AreaLevel.COMMUNITY and o["area_id"] not in seen:
            seen.add(o["area_id"])
            community_orgs.append(o)
    branches_of = {}
    for o in orgs:
        if o["category"] == OrgCategory.COMPOUND and o["parent_id"] in by_pk and o["secretary_id"]:
            branches_of.setdefault(o["parent_id"], []).append(o)

    positions = []
    since = add_months(today, -30)

    def pos(member, body, post, community, *, org=None, place=None, started=since):
        positions.append(Position(member_id=member, body=body, post=post, community_id=community, org_id=org,
                                  place_id=place, started_on=started))

    for c in community_orgs:
        area = c["area_id"]
        started = c["term_started_on"] or since
        branches = branches_of.get(c["pk"], [])
        if c["secretary_id"]:
            pos(c["secretary_id"], Body.PARTY_COMMITTEE, Post.SECRETARY, area, org=c["pk"], started=started)
            if rng.random() < YJT_SHARE or area == demo_area:
                pos(c["secretary_id"], Body.RESIDENTS, Post.CHAIR, area, place=area, started=started)
            else:
                chair = next((b["secretary_id"] for b in branches if b["secretary_id"] != c["secretary_id"]), None)
                if chair:
                    pos(chair, Body.RESIDENTS, Post.CHAIR, area, place=area, started=started)
        members = [b for b in branches if b["secretary_id"] != c["secretary_id"]][:2]
        for b in members:
            pos(b["secretary_id"], Body.PARTY_COMMITTEE, Post.COMMITTEE_MEMBER, area, org=c["pk"], started=started)
            if rng.random() < COMMITTEE_CROSS_SHARE or (area == demo_area and b is members[0]):
                pos(b["secretary_id"], Body.OWNERS, Post.COMMITTEE_MEMBER, area, place=b["area_id"], started=started)
    for o in orgs:
        if o["category"] != OrgCategory.COMPOUND or not o["secretary_id"]:
            continue
        area = community_of(o)
        if area is None or rng.random() >= COMPOUND_CHAIR_SHARE:
            continue
        parent = by_pk[o["parent_id"]]
        if parent["secretary_id"] == o["secretary_id"]:
            continue  # already the community's secretary: its posts are above
        pos(o["secretary_id"], Body.PARTY_COMMITTEE, Post.SECRETARY, area, org=o["pk"], started=since)
        pos(o["secretary_id"], Body.OWNERS, Post.CHAIR, area, place=o["area_id"], started=since)
    Position.objects.bulk_create(positions, batch_size=BATCH)
    # the flags by the rule of ``actions.refresh_secretary_flags``: the secretary chairs a
    # residents' or owners' committee of the organization's community
    chairs = {(p.member_id, p.community_id) for p in positions if p.body in CHAIRED_BODIES and p.post == Post.CHAIR}
    flags_on = {
        o["pk"] for o in orgs
        if o["category"] in (OrgCategory.COMMUNITY, OrgCategory.COMPOUND) and o["secretary_id"]
        and (o["secretary_id"], community_of(o)) in chairs
    }
    yjt_communities = len({c["area_id"] for c in community_orgs if c["pk"] in flags_on})
    flagged = PartyOrg.objects.filter(trees.in_trees_q(ctx.org_trees),
                                      category__in=(OrgCategory.COMMUNITY, OrgCategory.COMPOUND))
    flagged.update(secretary_also_chairs=False)
    flag_ids = sorted(flags_on)
    for i in range(0, len(flag_ids), BATCH):
        PartyOrg.objects.filter(pk__in=flag_ids[i:i + BATCH]).update(secretary_also_chairs=True)

    # ------------------------------------------------------------------ term dates
    demo_org = next((c for c in community_orgs if c["area_id"] == demo_area), None)
    demo_branch = (branches_of.get(demo_org["pk"]) or [None])[0] if demo_org else None
    changed, due, overdue = [], 0, 0
    for o in orgs:
        if o["kind"] == OrgKind.GROUP:
            continue  # a 党小组 elects no committee
        years = o["term_years"] or 3
        u = rng.random()
        if demo_org and o["pk"] == demo_org["pk"]:
            offset = 60
        elif demo_branch and o["pk"] == demo_branch["pk"]:
            offset = -30
        elif u < OVERDUE_SHARE:
            offset = -rng.randint(1, 240)
        elif u < OVERDUE_SHARE + DUE_SHARE:
            offset = rng.randint(0, 175)
        else:
            offset = rng.randint(190, max(191, years * 365 - 10))
        start = _start(today, years, offset)
        org = PartyOrg(pk=o["pk"], term_started_on=start, term_years=years)
        end = org.term_ends_on
        if end < today:
            overdue += 1
        elif end <= add_months(today, 6):
            due += 1
        changed.append(org)
    PartyOrg.objects.bulk_update(changed, ["term_started_on"], batch_size=500)

    # ------------------------------------------------------------------ leader links
    district_user = ctx.users.get("district")
    year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)
    links = []
    for c in community_orgs:
        area = c["area_id"]
        links.append(LeaderLink(
            leader=district_user if area == demo_area else None, leader_name=_name(rng),
            leader_post=rng.choice(LEADER_POSTS), community_id=area, kind=LinkKind.LIAISON,
            required_days=DEFAULT_LIAISON_DAYS, year=today.year, starts_on=year_start, ends_on=year_end,
            covered_until=year_start,
        ))
        links.append(LeaderLink(
            leader_name=_name(rng), leader_post=rng.choice(DEPARTMENT_POSTS), community_id=area,
            kind=LinkKind.DEPARTMENT, visits_per_month=rng.choice((1, 2)), year=today.year, starts_on=year_start,
            ends_on=year_end, covered_until=year_end,
        ))
    LeaderLink.objects.bulk_create(links, batch_size=BATCH)
    links = list(LeaderLink.objects.filter(trees.in_trees_q(ctx.area_trees, "community"), year=today.year)
                 .order_by("pk"))
    visits, updated = [], []
    elapsed = (today - year_start).days
    for link in links:
        demo = link.community_id == demo_area
        if link.kind == LinkKind.LIAISON:
            due_days = DEFAULT_LIAISON_DAYS * elapsed / 365
            factor = Decimal(str(round(rng.uniform(0.7, 1.5), 2))) if not demo else Decimal("1.2")
            target = (due_days * factor / progress.HALF).to_integral_value() * progress.HALF
            logged = Decimal("0")
            while logged < target:
                days = min(rng.choice((Decimal("0.5"), Decimal("1"), Decimal("1"), Decimal("2"))), target - logged)
                visits.append(LeaderVisit(link=link, date=year_start + timedelta(days=rng.randint(0, max(0, elapsed))),
                                          days=days, note=rng.choice(NOTES)))
                logged += days
            link.days_logged = logged
            link.covered_until = progress.covered_until(link.required_days, logged, link.starts_on, link.ends_on)
            updated.append(link)
        else:
            for month in range(1, today.month + 1):
                first = date(today.year, month, 1)
                last = today if month == today.month else add_months(first, 1) - timedelta(days=1)
                n = link.visits_per_month + rng.choice((-1, 0, 0, 1))
                if month == today.month:
                    n = 0 if demo else min(n, (last - first).days + 1)
                for _i in range(max(0, n)):
                    visits.append(LeaderVisit(link=link, date=first + timedelta(days=rng.randint(0, (last - first).days)),
                                              days=Decimal("0.5"), note=rng.choice(NOTES)))
    LeaderVisit.objects.bulk_create(visits, batch_size=BATCH)
    LeaderLink.objects.bulk_update(updated, ["days_logged", "covered_until"], batch_size=500)
    return {
        "任职记录": len(positions), "一肩挑社区": yjt_communities, "社区党组织": len(community_orgs),
        "六个月内换届": due, "已到期未换届": overdue, "领导联系社区": len(links), "联系走访": len(visits),
    }


def flush_for_demo(area_trees, org_trees) -> None:
    LeaderVisit.objects.filter(trees.in_trees_q(area_trees, "link__community")).delete()
    LeaderLink.objects.filter(trees.in_trees_q(area_trees, "community")).delete()
    Position.objects.filter(trees.in_trees_q(area_trees, "community")).delete()
