"""Demo organizational life for ``seed_demo``: a year of activities up to today.

``seed_activities(rng=..., org_ids=..., today=...)`` takes the branches and groups to fill
(ids), follows the rules in force for each (the rule sets, resolved like the compliance
pages do), and writes with ``bulk_create``:

* about half the organizations hold nearly everything that is due, three in ten miss a
  period now and then (≈ 85 % done), about one in seven lags clearly (≈ 45 %) — some
  87 % of the required periods in all, so an area's compliance share is realistic;
* the current period is done about half the time (it is not over yet);
* branches also hold an occasional residents' deliberation (居民议事会, with its step);
* attendance rows for the organization's roster (committee meetings: the committee):
  mostly present, some absent or excused with a reason; QR sign-ins for a share of them;
* 党员先锋日 attendance adds service hours (one ``ServiceRecord`` per present member);
* about 4 % of members have no organizational life in the last seven months, so the
  inactive-members page has someone to flag.

Work is done in batches of organizations: per batch two reads (the organizations, the
members of their rosters) and bulk inserts of at most ``INSERT_BATCH`` rows each, so the
number of queries grows with the data only through the insert batches.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

from assessments.life import schedule
from assessments.life.choices import AttendanceStatus, DeliberationStep, Frequency, PeriodStatus, SignInVia
from assessments.life.models import Activity, ActivityType, Attendance, MemberLastPresent
from assessments.life.selectors import RuleBook
from dangjian import trees
from organizations.members.choices import COMMITTEE_ROLES
from organizations.members.models import Member
from organizations.orgs.choices import OrgKind
from organizations.orgs.models import PartyOrg
from services.ledger.models import ServiceRecord, ServiceSource

ORG_BATCH = 500
INSERT_BATCH = 5000

# How reliably an organization holds what is due: (share of organizations, share of periods done)
DILIGENCE = ((0.55, 0.997), (0.30, 0.85), (0.15, 0.45))
CURRENT_DONE_RATE = 0.5
DELIBERATION_RATE = 0.25  # per branch and quarter
INACTIVE_SHARE = 0.04
INACTIVE_MONTHS = 7
PRESENT_RATE = 0.86
ABSENT_RATE = 0.07  # the rest is excused
QR_RATE = 0.3

PLACES = ["社区党群服务中心", "小区党建活动室", "网格议事厅", "楼栋会客厅", "社区新时代文明实践站"]
TOPICS = {
    "branch_general_meeting": ["学习贯彻党的二十大精神", "讨论接收预备党员", "通报支部半年工作", "讨论发展对象", "民主推选优秀党员"],
    "branch_committee_meeting": ["研究本月支部工作安排", "研究小区议事事项", "研究党员发展计划", "研究困难党员帮扶"],
    "group_meeting": ["楼栋党小组学习", "讨论楼道环境整治", "走访楼栋困难家庭", "学习党章党规"],
    "party_lecture": ["书记讲党课：践行初心使命", "学习《中国共产党支部工作条例》", "党史学习专题党课"],
    "theme_party_day": ["主题党日：重温入党誓词", "主题党日：清洁家园", "主题党日：红色观影", "主题党日：走访慰问老党员"],
    "org_life_meeting": ["年度组织生活会", "专题组织生活会"],
    "democratic_appraisal": ["年度民主评议党员"],
    "heart_talk": ["支委与党员谈心谈话"],
    "vanguard_day": ["党员先锋日：小区环境整治", "党员先锋日：为老服务", "党员先锋日：文明交通劝导", "党员先锋日：垃圾分类宣传"],
    "residents_deliberation": ["加装电梯议事", "停车管理议事", "小区绿化改造议事", "物业费调整议事"],
}
ABSENT_REASONS = ["外出务工", "生病住院", "工作冲突", "照顾家人"]
EXCUSED_REASONS = ["出差", "请假探亲", "身体不适", "值班"]
SLOTS = [(9, 0, 120), (14, 30, 90), (19, 0, 90)]


def _chunks(items, n):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _moment(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=schedule.SHANGHAI)


def _pick_day(rng, period: schedule.Period, frequency: str, first: date, today: date) -> date | None:
    if frequency == Frequency.LAST_FRIDAY:
        day = schedule.last_friday(period.start.year, period.start.month)
        return day if first <= day <= today else None
    lo, hi = max(period.start, first), min(period.end, today)
    if lo > hi:
        return None
    return lo + timedelta(days=rng.randrange((hi - lo).days + 1))


def _rosters(orgs, members):
    """Members of each organization's organizational life (see ``selectors.roster_q``)."""
    by_org: dict[int, list] = {}
    for m in members:
        by_org.setdefault(m["organization_id"], []).append(m)
    out = {}
    for org in orgs:
        roster = list(by_org.get(org["pk"], ()))
        if org["kind"] == OrgKind.GROUP and org["parent_id"]:
            area = trees.span(org, "area")
            roster += [m for m in by_org.get(org["parent_id"], ()) if area.contains(trees.position(m, "residence"))]
        out[org["pk"]] = roster
    return out


def seed_activities(*, rng, org_ids, today: date) -> dict:
    """Write a year of activities with attendance and service hours for ``org_ids``.
    Returns how many activities, attendance rows and service records were written."""
    types = {t.pk: t for t in ActivityType.objects.all()}
    by_code = {t.code: t for t in types.values()}
    book = RuleBook(None, today)
    window = schedule.window_start(today)
    inactive_from = schedule.months_back(today, INACTIVE_MONTHS)
    salt = rng.randrange(1 << 30)  # who drifts away depends on the seed, the same in every batch
    counts = Counter()
    for batch in _chunks(sorted(set(org_ids)), ORG_BATCH):
        orgs = list(
            PartyOrg.objects.filter(pk__in=batch).order_by("pk").values(
                "pk", "name", "kind", "category", "founded_on", "parent_id", *trees.range_fields("area")
            )
        )
        owners = {o["pk"] for o in orgs} | {o["parent_id"] for o in orgs if o["kind"] == OrgKind.GROUP and o["parent_id"]}
        members = list(
            Member.objects.filter(organization_id__in=owners).order_by("pk").values(
                "pk", "organization_id", "org_role", *trees.position_fields("residence")
            )
        )
        inactive = {m["pk"] for m in members if _lapsed(m["pk"], salt)}
        rosters = _rosters(orgs, members)
        planned = []  # (Activity, roster rows)
        for org in orgs:
            start = window if not org["founded_on"] or org["founded_on"] <= window else min(org["founded_on"], today)
            rate = _diligence(rng)
            applied = book.rules_for(
                place=trees.position(org, "area"), kind=org["kind"], category=org["category"], start=start
            )
            roster = rosters[org["pk"]]
            for type_id, frequency, periods in applied.plan:
                activity_type = types[type_id]
                for planned_period in periods:
                    current = planned_period.unmet != PeriodStatus.OVERDUE  # not over yet
                    for _n in range(planned_period.min_count):
                        if rng.random() >= (CURRENT_DONE_RATE if current else rate):
                            continue
                        day = _pick_day(rng, planned_period.period, frequency, start, today)
                        if day is not None:
                            planned.append(_activity(rng, org, activity_type, day, roster))
            deliberation = by_code.get("residents_deliberation")
            if deliberation is not None and org["kind"] == OrgKind.BRANCH:
                for period in schedule.periods_between(Frequency.QUARTERLY, start, today):
                    if rng.random() < DELIBERATION_RATE:
                        day = _pick_day(rng, period, Frequency.QUARTERLY, start, today)
                        if day is not None:
                            planned.append(_activity(rng, org, deliberation, day, roster))
        if not planned:
            continue
        written = Activity.objects.bulk_create([a for a, _ in planned], batch_size=INSERT_BATCH)
        counts["activities"] += len(written)
        rows, records = [], []
        for activity, roster in zip(written, (r for _, r in planned), strict=True):
            activity_type = types[activity.activity_type_id]
            day = schedule.local_date(activity.starts_at)
            expected = roster
            if activity_type.code == "branch_committee_meeting":
                expected = [m for m in roster if m["org_role"] in COMMITTEE_ROLES]
            for m in expected:
                status, reason = _attendance(rng, m["pk"] in inactive and day >= inactive_from)
                qr = status == AttendanceStatus.PRESENT and rng.random() < QR_RATE
                rows.append(Attendance(
                    activity_id=activity.pk, member_id=m["pk"], status=status, reason=reason,
                    via=SignInVia.QR if qr else SignInVia.ROSTER,
                    signed_in_at=activity.starts_at - timedelta(minutes=rng.randrange(0, 20)) if qr else None,
                ))
                if status == AttendanceStatus.PRESENT and activity_type.counts_service and activity.service_hours > 0:
                    records.append(ServiceRecord(
                        member_id=m["pk"], source=ServiceSource.ACTIVITY, source_id=activity.pk,
                        hours=activity.service_hours, occurred_on=day, note=activity.topic[:200],
                    ))
        Attendance.objects.bulk_create(rows, batch_size=INSERT_BATCH)
        ServiceRecord.objects.bulk_create(records, batch_size=INSERT_BATCH)
        counts["attendance"] += len(rows)
        counts["service_records"] += len(records)
    if counts["attendance"]:
        MemberLastPresent.objects.refresh()  # written in bulk above: the members' last attendance follows
    return {"activities": counts["activities"], "attendance": counts["attendance"], "service_records": counts["service_records"]}


def _activity(rng, org, activity_type, day, roster):
    hour, minute, duration = rng.choice(SLOTS)
    if activity_type.code == "vanguard_day":
        hour, minute, duration = 9, 0, 120
    starts = _moment(day, hour, minute)
    topic = rng.choice(TOPICS.get(activity_type.code, [activity_type.name]))
    obj = Activity(
        org_id=org["pk"], activity_type_id=activity_type.pk, starts_at=starts, ends_at=starts + timedelta(minutes=duration),
        place=rng.choice(PLACES), topic=topic,
        minutes=f"{org['name']}{activity_type.name}：{topic}。" if activity_type.quorum_basis else "",
        step=rng.choice(DeliberationStep.values) if activity_type.has_steps else "",
        service_hours=activity_type.default_service_hours if activity_type.counts_service else 0,
    )
    return obj, roster


def _diligence(rng) -> float:
    roll = rng.random()
    for share, rate in DILIGENCE:
        if roll < share:
            return rate
        roll -= share
    return DILIGENCE[-1][1]


def _lapsed(member_id: int, salt: int) -> bool:
    return (member_id * 2654435761 + salt) % 10007 < INACTIVE_SHARE * 10007


def _attendance(rng, lapsed: bool):
    roll = rng.random()
    if lapsed:  # a member drifting away: recorded absent or excused, never present
        return (AttendanceStatus.ABSENT, rng.choice(ABSENT_REASONS)) if roll < 0.6 else (
            AttendanceStatus.EXCUSED, rng.choice(EXCUSED_REASONS))
    if roll < PRESENT_RATE:
        return AttendanceStatus.PRESENT, ""
    if roll < PRESENT_RATE + ABSENT_RATE:
        return AttendanceStatus.ABSENT, rng.choice(ABSENT_REASONS)
    return AttendanceStatus.EXCUSED, rng.choice(EXCUSED_REASONS)


# ------------------------------------------------------------ the demo accounts' queues
QUEUE_ACTIVITY = ("党员先锋日：社区环境整治志愿服务", "社区党群服务中心门前集合")


def ensure_demo_queue(*, org, filer, now) -> dict:
    """An activity of ``org`` (the demo ``member`` account's branch) whose QR sign-in is open
    when the demo is loaded (it began an hour ago and runs for twelve more), filed through
    the real action by ``filer`` (the demo ``community`` account); nothing when one is open."""
    from assessments.life.actions import activity_file

    opens, closes = schedule.SIGNIN_OPENS_BEFORE, schedule.SIGNIN_CLOSES_AFTER
    if Activity.objects.filter(org=org, starts_at__lte=now + opens, ends_at__gte=now - closes).exists():
        return {}
    activity_type = ActivityType.objects.filter(code="vanguard_day").first() or ActivityType.objects.order_by("pk").first()
    if activity_type is None:
        return {}
    activity_file(actor=filer, org=org, activity_type=activity_type, starts_at=now - timedelta(hours=1),
                  ends_at=now + timedelta(hours=12), topic=QUEUE_ACTIVITY[0], place=QUEUE_ACTIVITY[1])
    return {"activities": 1}
