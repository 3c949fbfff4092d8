"""Demo data of the regional network (``seed_demo``, ``network.demo.FEATURES``), written in
bulk (a fixed number of queries per batch) and drawn from ``ctx.rng("committees")``.

Shape (dandong): a 街道大工委 for each of the 20 streets and a 社区大党委 for each of the 193
communities, convened by the street's 党工委 and the community's 党委/党总支, with 3–8 seats
each (the area's resident units first, then the district's departments); 130 joint meetings
in the last year across the city (an ``Activity`` of type 联席会议 for the convener, with its
attending seats), which raised problems of which 162 are settled — about a quarter through a
whistle (source 联席会议) to a department of the district, closed and confirmed within its
deadlines as ``services.whistles.demo`` leaves them, the rest by the committee — and some
still open, a few declined, a few whistled in the last hours; three commitments (三个一) for
every seat this year, about 55% fulfilled; and one pairing for each compound branch with the
organ branches of its city (one-to-one at dandong: 955 with 413 + 542), round-robin when the
counts differ.  The other scales take the same ratios.

The demo ``street`` account's committee has two meetings: one five days ago and one forty
days ago, each with an open problem (the older one waits on its home page); the
``community`` account's committee one with an open problem; the ``unit`` account's unit
sits on its community's committee; the ``department`` account's department gets the live
whistles of its district.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from dangjian import trees
from network.committees.choices import CommitmentKind, CommitteeKind, ProblemStatus, SeatRole
from network.committees.models import (
    BranchPairing,
    CommitteeMeeting,
    CommitteeProblem,
    CommitteeProblemEvent,
    CommitteeSeat,
    JointCommittee,
    UnitCommitment,
)

BATCH = 2000
MEETINGS_PER_COMMITTEE = 130 / 213   # Donggang: 130 meetings a year for the city's 213 committees
SETTLED_PER_MEETING = 162 / 130      # … which settled 162 problems
OPEN_SHARE, DECLINED_SHARE, LIVE_SHARE, WHISTLED_SHARE = 0.25, 0.05, 0.05, 0.25
FULFILLED_SHARE = 0.55
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平", "刚")
POSTS = ("党委书记", "党支部书记", "副局长", "院长", "校长", "总经理", "办公室主任", "工会主席")
TOPICS = ("季度联席会议", "共驻共建推进会", "民生实事协调会", "老旧小区改造议事会", "平安建设联席会议",
          "为民办实事项目会商")
PROBLEMS = (
    ("学校门前上下学拥堵", "上下学高峰车辆乱停，需交警、城管和学校共同疏导。"),
    ("老旧小区缺少停车位", "夜间停车难，驻区单位可否错时开放停车场。"),
    ("社区活动场地不足", "老年人活动室面积小，请驻区单位共享会议室、操场。"),
    ("背街小巷路灯损坏", "多处路灯不亮，居民夜间出行不便。"),
    ("独居老人就医不便", "需医院开展上门巡诊，社区组织志愿者陪诊。"),
    ("垃圾分类驿站异味", "驿站清运不及时，夏季异味扰民。"),
    ("农贸市场周边占道经营", "早市商贩占道，需市场监管和城管联合整治。"),
    ("楼道堆物消防隐患", "多个楼道堆放杂物，需物业和消防共同清理。"),
)
SETTLEMENTS = ("成员单位出资完成整改。", "驻区单位错时开放场地，问题已解决。", "经联席会议协调，相关单位已落实。",
               "纳入为民办实事项目，已完工。")
DECLINE_REASONS = ("不属于联席会议议事范围，已告知居民向相关部门反映。", "经核实为个别诉求，已单独答复。")
COMMITMENTS = {
    CommitmentKind.SUGGESTION: ("建议错时开放单位停车场", "建议设立社区共享书屋", "建议开展邻里节活动"),
    CommitmentKind.FUNDS: ("资助困难党员和困难群众", "支持社区为民办实事项目", "资助小区环境整治"),
    CommitmentKind.DEED: ("开展义诊进社区", "组织志愿者清洁家园", "为社区老人送温暖"),
}
FUND_AMOUNTS = (Decimal("5000.00"), Decimal("10000.00"), Decimal("20000.00"), Decimal("30000.00"), Decimal("50000.00"))


def _moment(day: date, hour: int, minute: int = 0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _person(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


def flush_for_demo(area_trees, org_trees) -> None:
    if area_trees:
        inside = trees.in_trees_q(area_trees, "committee__area")
        CommitteeProblemEvent.objects.filter(trees.in_trees_q(area_trees, "problem__committee__area")).delete()
        CommitteeProblem.objects.filter(inside).delete()
        UnitCommitment.objects.filter(inside).delete()
        CommitteeMeeting.attending.through.objects.filter(
            trees.in_trees_q(area_trees, "committeemeeting__committee__area")).delete()
        CommitteeMeeting.objects.filter(inside).delete()
        CommitteeSeat.objects.filter(inside).delete()
        JointCommittee.objects.filter(trees.in_trees_q(area_trees, "area")).delete()
    if org_trees:
        BranchPairing.objects.filter(trees.in_trees_q(org_trees, "compound_branch")
                                     | trees.in_trees_q(org_trees, "organ_branch")).delete()


def seed_for_demo(ctx) -> dict[str, int]:
    if not ctx.area_trees:
        return {}
    rng = ctx.rng("committees")
    counts = {}
    committees, seats = _committees_and_seats(ctx, rng)
    counts["联席组织"] = len(committees)
    counts["成员单位席位"] = sum(len(s) for s in seats.values())
    counts.update(_meetings_and_problems(ctx, rng, committees, seats))
    counts["成员单位承诺"] = _commitments(ctx, rng, seats)
    counts["结对共建"] = _pairings(ctx, rng)
    return counts


# ------------------------------------------------------------------------ committees
def _committees_and_seats(ctx, rng):
    from organizations.areas.choices import AreaLevel
    from organizations.areas.models import Area
    from organizations.orgs.choices import OrgCategory
    from organizations.orgs.models import PartyOrg
    from organizations.units.models import ResidentUnit
    from services.whistles.models import Department

    areas = list(Area.objects.filter(trees.in_trees_q(ctx.area_trees), level__in=(AreaLevel.STREET, AreaLevel.COMMUNITY))
                 .values("pk", "name", "level", "parent_id").order_by(*trees.tree_order()))
    conveners = {}
    for pk, area_id in (PartyOrg.objects.filter(trees.in_trees_q(ctx.area_trees, "area"),
                                                category__in=(OrgCategory.STREET, OrgCategory.COMMUNITY))
                        .order_by("depth", "pk").values_list("pk", "area_id")):
        conveners.setdefault(area_id, pk)
    street_of = {a["pk"]: a["parent_id"] for a in areas if a["level"] == AreaLevel.COMMUNITY}
    district_of = {a["pk"]: a["parent_id"] for a in areas if a["level"] == AreaLevel.STREET}
    for community, street in street_of.items():
        district_of[community] = district_of.get(street)
    units = defaultdict(list)  # community → unit ids
    for pk, community in ResidentUnit.objects.filter(trees.in_trees_q(ctx.area_trees, "community")).order_by(
            "pk").values_list("pk", "community_id"):
        units[community].append(pk)
    departments = defaultdict(list)  # district → department ids
    for pk, area_id in Department.objects.filter(trees.in_trees_q(ctx.area_trees, "area"), is_active=True).order_by(
            "pk").values_list("pk", "area_id"):
        departments[area_id].append(pk)
    demo_unit = _demo_unit_id(ctx)
    established = ctx.today.replace(month=1, day=1) - timedelta(days=365 * 2)

    rows, pools = [], []
    for a in areas:
        convener = conveners.get(a["pk"])
        if convener is None:
            continue
        street = a["level"] == AreaLevel.STREET
        kind = CommitteeKind.STREET if street else CommitteeKind.COMMUNITY
        rows.append(JointCommittee(kind=kind, name=f"{a['name']}{'大工委' if street else '大党委'}", area_id=a["pk"],
                                   convener_id=convener, established_on=established + timedelta(days=rng.randint(0, 300)),
                                   active=True))
        own = [u for c, s in street_of.items() if s == a["pk"] for u in units[c]] if street else list(units[a["pk"]])
        rng.shuffle(own)
        if demo_unit in own:
            own.remove(demo_unit)
            own.insert(0, demo_unit)
        depts = list(departments.get(district_of.get(a["pk"]), ()))
        rng.shuffle(depts)
        pools.append((own, depts))
    created = JointCommittee.objects.bulk_create(rows, batch_size=BATCH)
    seat_rows = []
    for committee, (own, depts) in zip(created, pools):
        want = rng.randint(3, 8)
        n_units = min(len(own), max(want - min(len(depts), 2), want - len(depts)))
        parties = [("unit", u) for u in own[:n_units]] + [("department", d) for d in depts[:want - n_units]]
        for i, (field, pk) in enumerate(parties):
            role = SeatRole.DEPUTY_SECRETARY if i == 0 else (SeatRole.UNIT if rng.random() < 0.2 else SeatRole.MEMBER)
            seat_rows.append(CommitteeSeat(committee=committee, person_name=_person(rng), person_post=rng.choice(POSTS),
                                           role=role, since=committee.established_on, **{f"{field}_id": pk}))
    CommitteeSeat.objects.bulk_create(seat_rows, batch_size=BATCH)
    seats = defaultdict(list)
    for seat in seat_rows:
        seats[seat.committee_id].append(seat)
    return created, seats


def _demo_unit_id(ctx):
    node = ctx.nodes.get("unit")
    if node is None:
        return None
    try:
        from organizations.demo.generator import demo_unit_of

        unit = demo_unit_of(node)
    except Exception:  # noqa: BLE001 - no demo unit account: nothing to favour
        return None
    return getattr(unit, "pk", None)


# ---------------------------------------------------------------- meetings and problems
def _plan_meetings(ctx, rng, committees):
    """``[(committee, day, [planned problem statuses])]``: the demo accounts' meetings first."""
    by_area = {c.area_id: c for c in committees}
    plans = []
    street = by_area.get(getattr(ctx.nodes.get("street"), "pk", None))
    if street is not None:
        plans.append((street, ctx.today - timedelta(days=5), ["open"]))
        plans.append((street, ctx.today - timedelta(days=40), ["open", "settled"]))
    community = by_area.get(getattr(ctx.nodes.get("community"), "pk", None))
    if community is not None:
        plans.append((community, ctx.today - timedelta(days=12), ["open", "settled"]))
    n_meetings = max(len(plans), round(len(committees) * MEETINGS_PER_COMMITTEE))
    streets = [c for c in committees if c.kind == CommitteeKind.STREET]
    while len(plans) < n_meetings:
        pool = streets if streets and rng.random() < 0.3 else committees
        plans.append((rng.choice(pool), ctx.today - timedelta(days=rng.randint(1, 360)), []))
    # the statuses still to hand out: settled, open, declined, live-whistled
    planned = [s for _c, _d, statuses in plans for s in statuses]
    settled = round(n_meetings * SETTLED_PER_MEETING) - planned.count("settled")
    n_open = max(0, round(n_meetings * OPEN_SHARE) - planned.count("open"))
    pending = ["settled"] * settled + ["declined"] * round(n_meetings * DECLINED_SHARE)
    rng.shuffle(pending)
    # every meeting raises at least one problem; the newest meetings hold the open ones
    order = sorted(range(len(plans)), key=lambda i: plans[i][1], reverse=True)
    recent = ["open"] * n_open + ["live"] * max(1, round(n_meetings * LIVE_SHARE))
    for i in order:
        if not plans[i][2]:
            plans[i][2].append(recent.pop(0) if recent else (pending.pop() if pending else "settled"))
    for status in recent + pending:
        i = order[rng.randrange(len(order))] if status == "settled" or status == "declined" else order[0]
        plans[i][2].append(status)
    return plans


def _meetings_and_problems(ctx, rng, committees, seats) -> dict:
    from assessments.life.models import Activity, ActivityType

    meeting_type = ActivityType.objects.filter(code="joint_meeting").first()
    if meeting_type is None or not committees:
        return {}
    plans = _plan_meetings(ctx, rng, committees)
    activities = [Activity(org_id=c.convener_id, activity_type=meeting_type, starts_at=_moment(day, 9, 30),
                           ends_at=_moment(day, 11, 30), place=f"{c.name.removesuffix('大工委').removesuffix('大党委')}党群服务中心",
                           topic=rng.choice(TOPICS), minutes="通报上次会议议定事项办理情况，征集成员单位需求和资源清单，议定本次事项。")
                  for c, day, _s in plans]
    Activity.objects.bulk_create(activities, batch_size=BATCH)
    meetings = [CommitteeMeeting(committee=c, activity=a) for (c, _d, _s), a in zip(plans, activities)]
    CommitteeMeeting.objects.bulk_create(meetings, batch_size=BATCH)
    through = CommitteeMeeting.attending.through
    links = []
    for meeting, (committee, _day, _s) in zip(meetings, plans):
        present = [s for s in seats.get(committee.pk, ()) if rng.random() < 0.8] or seats.get(committee.pk, [])[:1]
        links += [through(committeemeeting_id=meeting.pk, committeeseat_id=s.pk) for s in present]
    through.objects.bulk_create(links, batch_size=BATCH)

    now = timezone.now()
    problems, finals = [], []
    for meeting, (committee, day, statuses) in zip(meetings, plans):
        for status in statuses:
            title, description = rng.choice(PROBLEMS)
            raised = _moment(day, 10, rng.randint(0, 59))
            committee_seats = seats.get(committee.pk, [])
            raised_by = rng.choice(committee_seats) if committee_seats and rng.random() < 0.7 else None
            age = (ctx.today - day).days
            if status == "settled" and age >= 8 and rng.random() < WHISTLED_SHARE:
                status = "whistled"
            problem = CommitteeProblem(committee=committee, meeting=meeting, title=title, description=description,
                                       raised_by=raised_by, created_at=raised)
            if status in ("whistled", "live"):
                problem.status = ProblemStatus.WHISTLED
            elif status == "settled":
                problem.status = ProblemStatus.SETTLED
                problem.settlement = rng.choice(SETTLEMENTS)
                problem.settled_by = raised_by if raised_by and rng.random() < 0.5 else None
                problem.settled_at = min(raised + timedelta(days=rng.randint(3, 40)), now - timedelta(hours=1))
            elif status == "declined":
                problem.status = ProblemStatus.DECLINED
                problem.decline_reason = rng.choice(DECLINE_REASONS)
                problem.settled_at = None
            problems.append(problem)
            finals.append(status)
    CommitteeProblem.objects.bulk_create(problems, batch_size=BATCH)
    whistled = _whistles(ctx, rng, [(p, s) for p, s in zip(problems, finals) if s in ("whistled", "live")], now)
    events = []
    for problem in problems:
        events.append(CommitteeProblemEvent(problem=problem, from_status="", to_status=ProblemStatus.OPEN,
                                            at=problem.created_at, note="会议提出"))
        if problem.status == ProblemStatus.SETTLED:
            events.append(CommitteeProblemEvent(problem=problem, from_status=ProblemStatus.OPEN,
                                                to_status=ProblemStatus.SETTLED, at=problem.settled_at,
                                                note=problem.settlement[:200]))
        elif problem.status == ProblemStatus.DECLINED:
            events.append(CommitteeProblemEvent(problem=problem, from_status=ProblemStatus.OPEN,
                                                to_status=ProblemStatus.DECLINED,
                                                at=problem.created_at + timedelta(days=2), note=problem.decline_reason))
        elif problem.status == ProblemStatus.WHISTLED and problem.whistle_id:
            events.append(CommitteeProblemEvent(problem=problem, from_status=ProblemStatus.OPEN,
                                                to_status=ProblemStatus.WHISTLED, at=whistled[problem.pk],
                                                note="吹哨"))
    CommitteeProblemEvent.objects.bulk_create(events, batch_size=BATCH)
    settled = sum(1 for p, s in zip(problems, finals) if s in ("settled", "whistled") and (
        p.status == ProblemStatus.SETTLED or p.whistle_id))
    return {"联席会议": len(meetings), "会议问题": len(problems), "已解决问题": settled,
            "待解决问题": sum(1 for p in problems if p.status == ProblemStatus.OPEN)}


def _whistles(ctx, rng, pairs, now) -> dict:
    """Whistles (source 联席会议) of the whistled problems, to one department of the
    committee's district: closed and confirmed within the deadlines for the settled ones,
    just whistled (待报到, deadlines ahead) for the live ones.  Problems whose district has
    no department are settled by the committee instead.  Returns problem id → whistled at."""
    from organizations.areas.choices import AreaLevel
    from organizations.areas.models import Area
    from organizations.demo.names import DEPARTMENT_SHORT_NAME
    from services.resident.choices import Satisfaction
    from services.whistles.actions import new_whistle_code
    from services.whistles.choices import TargetStatus, WhistleSource, WhistleStatus
    from services.whistles.models import Department, Whistle, WhistleEvent, WhistleTarget

    if not pairs:
        return {}
    upper = Area.objects.filter(trees.in_trees_q(ctx.area_trees), level__lte=AreaLevel.COMMUNITY)
    parents, levels = {}, {}
    for pk, parent, level in upper.values_list("pk", "parent_id", "level"):
        parents[pk], levels[pk] = parent, level
    departments = defaultdict(list)
    for pk, area_id, name in Department.objects.filter(trees.in_trees_q(ctx.area_trees, "area"), is_active=True).order_by(
            "pk").values_list("pk", "area_id", "name"):
        departments[area_id].append((pk, name))

    def district(area_id):
        node = area_id
        while node is not None and levels.get(node, 0) > AreaLevel.DISTRICT:
            node = parents.get(node)
        return node

    demo_department = getattr(ctx.nodes.get("department"), "pk", None)
    taken = set(Whistle.objects.values_list("code", flat=True))
    whistles, plans, fallback = [], [], []
    for problem, status in pairs:
        depts = departments.get(district(problem.committee.area_id), [])
        if not depts:
            fallback.append(problem)
            continue
        dept = rng.choice(depts)
        if status == "live" and district(problem.committee.area_id) == demo_department:
            dept = next((d for d in depts if d[1] == DEPARTMENT_SHORT_NAME), dept)  # the demo account's inbox
        if status == "live":
            created = now - timedelta(hours=rng.randint(1, 6))
        else:
            created = problem.created_at + timedelta(days=1)
        code = new_whistle_code(created, rng)
        while code in taken:
            code = new_whistle_code(created, rng)
        taken.add(code)
        w = Whistle(code=code, area_id=problem.committee.area_id, title=problem.title, description=problem.description,
                    source=WhistleSource.COMMITTEE, source_id=problem.pk, status=WhistleStatus.OPEN,
                    report_due=created + timedelta(hours=24), resolve_due=created + timedelta(days=7), created_at=created)
        if status != "live":
            w.status = WhistleStatus.CLOSED
            w.closed_at = created + timedelta(days=rng.randint(3, 6))
        whistles.append(w)
        plans.append((problem, dept, status, created))
    Whistle.objects.bulk_create(whistles, batch_size=BATCH)
    targets, events, whistled = [], [], {}
    for w, (problem, (dept_id, dept_name), status, created) in zip(whistles, plans):
        problem.whistle = w
        whistled[problem.pk] = created
        events.append(WhistleEvent(whistle=w, from_status="", to_status=WhistleStatus.OPEN, at=created,
                                   note=f"吹哨：{dept_name}"))
        t = WhistleTarget(whistle=w, department_id=dept_id, status=TargetStatus.NOTIFIED)
        steps = [(TargetStatus.NOTIFIED, created, "")]
        if status != "live":
            reported, resolved = created + timedelta(hours=rng.randint(1, 20)), w.closed_at - timedelta(hours=rng.randint(2, 20))
            t.status, t.reported_at, t.resolved_at, t.confirmed_at = TargetStatus.CONFIRMED, reported, resolved, w.closed_at
            t.answer, t.satisfaction = rng.choice(SETTLEMENTS), Satisfaction.SATISFIED
            steps += [(TargetStatus.REPORTED, reported, "已报到"), (TargetStatus.RESOLVED, resolved, t.answer),
                      (TargetStatus.CONFIRMED, w.closed_at, "满意")]
            events.append(WhistleEvent(whistle=w, from_status=WhistleStatus.OPEN, to_status=WhistleStatus.CLOSED,
                                       at=w.closed_at, note="全部单位确认办结"))
        targets.append((t, steps))
    WhistleTarget.objects.bulk_create([t for t, _s in targets], batch_size=BATCH)
    for t, steps in targets:
        previous = ""
        for to_status, at, note in steps:
            events.append(WhistleEvent(whistle_id=t.whistle_id, target=t, from_status=previous, to_status=to_status,
                                       at=at, note=note))
            previous = to_status
    WhistleEvent.objects.bulk_create(events, batch_size=BATCH)
    for problem in fallback:  # no department to whistle to: the committee settled it itself
        problem.status = ProblemStatus.SETTLED
        problem.settlement = SETTLEMENTS[0]
        problem.settled_at = problem.created_at + timedelta(days=5)
    CommitteeProblem.objects.bulk_update([p for p, *_r in plans], ["whistle"], batch_size=BATCH)
    CommitteeProblem.objects.bulk_update(fallback, ["status", "settlement", "settled_at"], batch_size=BATCH)
    return whistled


# ------------------------------------------------------------------------ commitments
def _commitments(ctx, rng, seats) -> int:
    year = ctx.today.year
    start = date(year, 1, 1)
    days_so_far = max(0, (ctx.today - start).days)
    rows = []
    for committee_seats in seats.values():
        for seat in committee_seats:
            for kind, contents in COMMITMENTS.items():
                fulfilled = rng.random() < FULFILLED_SHARE and days_so_far > 0
                rows.append(UnitCommitment(
                    committee_id=seat.committee_id, seat=seat, year=year, kind=kind, content=rng.choice(contents),
                    amount=rng.choice(FUND_AMOUNTS) if kind == CommitmentKind.FUNDS else None,
                    due=date(year, 12, 31),
                    fulfilled_on=start + timedelta(days=rng.randint(0, days_so_far)) if fulfilled else None,
                    fulfilment="已按承诺兑现。" if fulfilled else ""))
    UnitCommitment.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


# --------------------------------------------------------------------------- pairings
def _pairings(ctx, rng) -> int:
    from organizations.orgs.choices import OrgCategory, OrgKind
    from organizations.orgs.models import PartyOrg

    if not ctx.org_trees:
        return 0
    by_tree = defaultdict(lambda: ([], []))
    for pk, category, tree in PartyOrg.objects.filter(
            trees.in_trees_q(ctx.org_trees), kind=OrgKind.BRANCH, category__in=(OrgCategory.ORGAN, OrgCategory.COMPOUND)
    ).order_by(*trees.tree_order()).values_list("pk", "category", trees.tree_field()):
        by_tree[tree][0 if category == OrgCategory.COMPOUND else 1].append(pk)
    rows = []
    for compounds, organs in by_tree.values():
        if not organs:
            continue
        for i, compound in enumerate(compounds):
            rows.append(BranchPairing(organ_branch_id=organs[i % len(organs)], compound_branch_id=compound,
                                      since=ctx.today - timedelta(days=rng.randint(30, 900)),
                                      note=rng.choice(("共驻共建、双报到", "结对帮扶困难群众", "共同开展主题党日"))))
    BranchPairing.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
