"""Demo 吹哨报到 for ``seed_demo``: the departments of each district (without user
accounts) and a year of whistles from streets and communities with realistic outcomes.

``seed_whistles(rng=..., area_ids=..., today=...)`` is the bulk path: the areas, their
districts and ancestors, departments and resident units are read with a fixed number of
queries, and whistles, targets and events are written with ``bulk_create``.

Shape: communities whistle 0–2 times a month, streets 1–2 times, each to 1–3 of the
district's departments and sometimes a resident unit of the area.  Most targets report in
within the 24 hours (92%), some late (6%); most answer within the 7 days, some after it;
about 6% of answers are sent back once; most answers are confirmed, mostly 满意.  Late
targets carry the escalation stage, and their whistles ``escalated_to`` / ``escalation_level``
and events, exactly as the periodic escalation would have left them — running
``whistle_escalate_overdue`` at the same moment changes nothing.  About 3% are cancelled.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from dangjian import trees
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.units.models import ResidentUnit
from services.resident.choices import Satisfaction
from services.whistles.actions import ESCALATED, new_whistle_code
from services.whistles.choices import EscalationStage, TargetStatus, WhistleSource, WhistleStatus
from services.whistles.models import Department, Whistle, WhistleEvent, WhistleTarget

WRITE_BATCH = 2000
MONTHS = 12
DEPARTMENTS = (
    ("住建局", "0415-2120001"), ("城管局", "0415-2120002"), ("市场监管局", "12315"), ("供电公司", "95598"),
    ("自来水公司", "0415-2120005"), ("公安分局", "110"), ("生态环境分局", "12369"), ("民政局", "0415-2120008"),
)
PROBLEMS = (
    ("老旧小区雨污管网堵塞", "3号楼前雨污管网反复堵塞，雨天积水严重，社区多次疏通无效。", ("住建局", "城管局")),
    ("占道经营影响通行", "早市商贩占用消防通道，居民多次反映，需联合执法。", ("城管局", "市场监管局")),
    ("小区频繁停电", "近一个月小区停电四次，老人家中制氧机受影响。", ("供电公司",)),
    ("二次供水水质浑浊", "高层住户反映自来水发黄，需检测并清洗水箱。", ("自来水公司", "住建局")),
    ("违建影响消防安全", "楼顶违建阳光房堵塞逃生通道。", ("城管局", "住建局")),
    ("餐饮油烟扰民", "底商饭店油烟直排，居民投诉多次。", ("生态环境分局", "市场监管局")),
    ("电动车楼道充电隐患", "多栋楼楼道私拉电线充电，存在火灾隐患。", ("公安分局", "住建局")),
    ("困难老人无人照料", "独居失能老人需纳入救助并安排照护。", ("民政局",)),
)
ANSWERS = ("已现场处置完毕。", "已安排专人整改，并建立长效机制。", "已联合执法，恢复正常秩序。", "已完成维修并回访居民。")
REOPEN_REASONS = ("居民反映问题仍未解决。", "整改不彻底，需再次处理。")
CANCEL_REASONS = ("问题已由社区自行协调解决。", "经核实不属于职能部门职责，改由联席会议协调。")
REPORT_IN_TIME, REPORT_LATE = 0.92, 0.06
RESOLVE_SHARE, RESOLVE_LATE, REOPEN_SHARE, CONFIRM_SHARE, CANCEL_SHARE = 0.96, 0.06, 0.06, 0.94, 0.03


def _moment(day, rng):
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 18), rng.randint(0, 59))))


def _hours(rng, low, high):
    return timedelta(minutes=rng.randint(int(low * 60), int(high * 60)))


@transaction.atomic
def seed_whistles(*, rng, area_ids, today) -> dict:
    totals = defaultdict(int)
    now = timezone.make_aware(datetime.combine(today, time(20, 0)))
    areas = list(Area.objects.filter(pk__in=list(area_ids), level__in=(AreaLevel.STREET, AreaLevel.COMMUNITY))
                 .values("pk", *trees.range_fields(), "level", "parent_id", "name").order_by(*trees.tree_order()))
    if not areas:
        return {}
    tree_set = {trees.span(a).tree for a in areas}
    upper = {a["pk"]: a for a in Area.objects.filter(trees.in_trees_q(tree_set), level__lte=AreaLevel.STREET)
             .values("pk", *trees.range_fields(), "level", "parent_id", "name")}
    upper.update({a["pk"]: a for a in areas})

    def district_of(area):
        node = area
        while node is not None and node["level"] > AreaLevel.DISTRICT:
            node = upper.get(node["parent_id"])
        return node if node is not None and node["level"] == AreaLevel.DISTRICT else None

    districts = {d["pk"] for a in areas if (d := district_of(a)) is not None}
    existing = set(Department.objects.filter(area_id__in=districts).values_list("area_id", "name"))
    new = [Department(area_id=d, name=name, phone=phone) for d in sorted(districts) for name, phone in DEPARTMENTS
           if (d, name) not in existing]
    Department.objects.bulk_create(new, batch_size=WRITE_BATCH)
    totals["departments"] = len(new)
    depts = defaultdict(dict)  # district → name → id
    for pk, area_id, name in Department.objects.filter(area_id__in=districts, is_active=True).values_list("pk", "area_id", "name"):
        depts[area_id][name] = pk
    units_by_tree = defaultdict(list)
    for pk, name, place in trees.with_spans(ResidentUnit.objects.filter(trees.in_trees_q(tree_set, "community")),
                                            "pk", "name", prefix="community", at_position=True):
        units_by_tree[place.tree].append((pk, name, place))

    taken = set(Whistle.objects.values_list("code", flat=True))
    whistles, plans = [], []
    for area in areas:
        district = district_of(area)
        if district is None or not depts.get(district["pk"]):
            continue
        own_units = [(pk, name) for pk, name, place in units_by_tree.get(trees.span(area).tree, ()) if trees.contains(area, place)]
        low, high = (1, 2) if area["level"] == AreaLevel.STREET else (0, 2)
        for month in range(MONTHS):
            for _ in range(rng.randint(low, high)):
                created = min(_moment(today - timedelta(days=month * 30 + rng.randint(0, 29)), rng), now - timedelta(hours=1))
                whistle, plan = _plan(rng, area, created, now, depts[district["pk"]], own_units, upper)
                code = new_whistle_code(created, rng)
                while code in taken:
                    code = new_whistle_code(created, rng)
                taken.add(code)
                whistle.code = code
                whistles.append(whistle)
                plans.append(plan)
    created_rows = Whistle.objects.bulk_create(whistles, batch_size=WRITE_BATCH)
    targets, target_plans = [], []
    for whistle, plan in zip(created_rows, plans):
        for target, steps in plan["targets"]:
            target.whistle = whistle
            targets.append(target)
            target_plans.append(steps)
        totals[str(whistle.status)] += 1
        totals["escalated"] += bool(whistle.escalation_level)
    WhistleTarget.objects.bulk_create(targets, batch_size=WRITE_BATCH)
    events = []
    for whistle, plan in zip(created_rows, plans):
        for to_status, at, note in plan["events"]:
            events.append(WhistleEvent(whistle=whistle, from_status="", to_status=to_status, at=at, note=note[:500]))
    for target, steps in zip(targets, target_plans):
        previous = ""
        for to_status, at, note in steps:
            events.append(WhistleEvent(whistle_id=target.whistle_id, target=target, from_status=previous,
                                       to_status=to_status, at=at, note=note[:500]))
            previous = to_status
    WhistleEvent.objects.bulk_create(events, batch_size=WRITE_BATCH)
    totals["whistles"] = len(created_rows)
    totals["targets"] = len(targets)
    totals["events"] = len(events)
    return dict(totals)


def _plan(rng, area, created, now, dept_ids, unit_ids, upper):
    """One whistle, its targets with their steps, and its own events — consistent with ``now``."""
    title, text, wanted = rng.choice(PROBLEMS)
    names = [n for n in wanted if n in dept_ids] or [rng.choice(sorted(dept_ids))]
    names = names[:rng.randint(1, min(3, len(names)))]
    report_due = created + timedelta(hours=24)
    resolve_due = created + timedelta(days=15 if rng.random() < 0.2 else 7)
    whistle = Whistle(
        area_id=area["pk"], title=title, description=text, source=WhistleSource.NEW, status=WhistleStatus.OPEN,
        report_due=report_due, resolve_due=resolve_due, created_at=created,
    )
    parties = [("department", dept_ids[n], n) for n in names]
    if unit_ids and rng.random() < 0.3:
        parties.append(("unit", *rng.choice(unit_ids)))
    events = [(WhistleStatus.OPEN, created, "吹哨：" + "、".join(p[2] for p in parties))]

    if rng.random() < CANCEL_SHARE and created + timedelta(hours=20) < min(now, report_due):
        cancelled = created + _hours(rng, 2, 20)
        whistle.status = WhistleStatus.CANCELLED
        events.append((WhistleStatus.CANCELLED, cancelled, rng.choice(CANCEL_REASONS)))
        targets = []
        for kind, pk, _name in parties:
            target = WhistleTarget(department_id=pk) if kind == "department" else WhistleTarget(unit_id=pk)
            targets.append((target, [(TargetStatus.NOTIFIED, created, "")]))
        return whistle, {"targets": targets, "events": events}

    targets, stages_by_party = [], []
    for kind, pk, name in parties:
        target = WhistleTarget(department_id=pk) if kind == "department" else WhistleTarget(unit_id=pk)
        steps = [(TargetStatus.NOTIFIED, created, "")]
        open_windows = []  # (from, to or None): the target still had to answer
        r = rng.random()
        reported = None
        if r < REPORT_IN_TIME:
            reported = created + _hours(rng, 0.5, 20)
        elif r < REPORT_IN_TIME + REPORT_LATE:
            reported = report_due + _hours(rng, 1, 48)
        if reported is not None and reported <= now:
            target.status, target.reported_at = TargetStatus.REPORTED, reported
            steps.append((TargetStatus.REPORTED, reported, "已报到"))
        else:
            reported = None
        window_start = created
        if reported is not None and rng.random() < RESOLVE_SHARE:
            span = (resolve_due - reported).total_seconds() / 3600
            if rng.random() < RESOLVE_LATE:
                resolved = resolve_due + _hours(rng, 2, 96)
            else:
                resolved = reported + _hours(rng, 1, max(1.5, span * 0.9))
            if resolved <= now:
                answer = rng.choice(ANSWERS)
                target.status, target.answer, target.resolved_at = TargetStatus.RESOLVED, answer, resolved
                steps.append((TargetStatus.RESOLVED, resolved, answer))
                open_windows.append((window_start, resolved))
                window_start = None
                if rng.random() < REOPEN_SHARE:
                    reopened = resolved + _hours(rng, 4, 30)
                    if reopened <= now:
                        target.status, target.resolved_at, target.reopen_count = TargetStatus.REOPENED, None, 1
                        steps.append((TargetStatus.REOPENED, reopened, rng.choice(REOPEN_REASONS)))
                        window_start = reopened
                        again = reopened + _hours(rng, 6, 60)
                        if again <= now:
                            target.status, target.resolved_at = TargetStatus.RESOLVED, again
                            steps.append((TargetStatus.RESOLVED, again, "已再次处理。"))
                            open_windows.append((reopened, again))
                            window_start = None
        if window_start is not None:
            open_windows.append((window_start, None))
        if target.status == TargetStatus.RESOLVED and rng.random() < CONFIRM_SHARE:
            confirmed = target.resolved_at + _hours(rng, 2, 48)
            if confirmed <= now:
                s = rng.random()
                satisfaction = Satisfaction.SATISFIED if s < 0.8 else Satisfaction.BASIC if s < 0.95 else Satisfaction.UNSATISFIED
                target.status, target.confirmed_at, target.satisfaction = TargetStatus.CONFIRMED, confirmed, satisfaction
                steps.append((TargetStatus.CONFIRMED, confirmed, Satisfaction(satisfaction).label))
        # escalation stages as the periodic task would have set them by ``now``
        stages = set()
        if report_due < now and (reported is None or reported > report_due):
            stages.add(EscalationStage.REPORT_OVERDUE)
        if resolve_due < now and any(start <= resolve_due and (end is None or end > resolve_due) for start, end in open_windows):
            stages.add(EscalationStage.RESOLVE_OVERDUE)
        if stages:
            target.escalation_stage = max(stages)
            target.escalated_at = min(now, (resolve_due if max(stages) == EscalationStage.RESOLVE_OVERDUE else report_due)
                                      + timedelta(minutes=15))
        stages_by_party.append((name, stages))
        targets.append((target, steps))

    # the whistle escalates once per stage reached by any target
    node = upper.get(area["pk"])
    level = 0
    notes = {EscalationStage.REPORT_OVERDUE: "逾期未报到（%s），升级至%s", EscalationStage.RESOLVE_OVERDUE: "逾期未办结（%s），升级至%s"}
    for stage, due in ((EscalationStage.REPORT_OVERDUE, report_due), (EscalationStage.RESOLVE_OVERDUE, resolve_due)):
        late = [name for name, stages in stages_by_party if stage in stages]
        if not late:
            continue
        parent = upper.get(node["parent_id"]) if node else None
        node = parent or node
        level += 1
        events.append((ESCALATED, min(now, due + timedelta(minutes=15)), notes[stage] % ("、".join(late), node["name"])))
    if level:
        whistle.escalated_to_id, whistle.escalation_level = node["pk"], level

    statuses = {t.status for t, _steps in targets}
    if statuses == {TargetStatus.CONFIRMED}:
        whistle.status = WhistleStatus.CLOSED
        whistle.closed_at = max(t.confirmed_at for t, _steps in targets)
        events.append((WhistleStatus.CLOSED, whistle.closed_at, "全部单位确认办结"))
    elif TargetStatus.RESOLVED in statuses and not statuses & {TargetStatus.NOTIFIED, TargetStatus.REPORTED, TargetStatus.REOPENED}:
        whistle.status = WhistleStatus.AWAITING
        last = max(t.resolved_at for t, _steps in targets if t.resolved_at)
        events.append((WhistleStatus.AWAITING, last, "各单位已办理完毕，待吹哨方确认"))
    return whistle, {"targets": targets, "events": sorted(events, key=lambda e: e[1])}


# ------------------------------------------------------------ the demo accounts' queues
def ensure_demo_responders(*, department_user=None, department_area=None, unit_user=None, unit=None) -> int:
    """The demo ``department`` account answers for its district's 住建局 (once the departments
    exist) and the ``unit`` account for its resident unit; idempotent.  Answers how many
    responder rows were added."""
    from organizations.demo import names
    from services.whistles.models import Responder

    added = 0
    if department_user is not None and department_area is not None:
        department = Department.objects.filter(area=department_area, name=names.DEPARTMENT_SHORT_NAME).first()
        if department is not None:
            added += Responder.objects.get_or_create(user=department_user, department=department)[1]
    if unit_user is not None and unit is not None:
        added += Responder.objects.get_or_create(user=unit_user, unit=unit)[1]
    return added


QUEUE_WHISTLE = ("楼道堆物与消防通道占用", "多栋楼楼道堆放杂物、消防通道被占用，社区劝导多次无效，需要职能部门和驻区单位共同处置。")


def ensure_demo_queue(*, whistler, area, department=None, unit=None) -> dict:
    """A fresh whistle from ``area`` (the demo community) naming ``department`` and ``unit``
    when either has nothing left to report in (``TargetStatus.NOTIFIED`` on an open whistle),
    through the real action; running again adds nothing."""
    from services.whistles.actions import whistle_create

    def waiting(**party):
        return WhistleTarget.objects.filter(status=TargetStatus.NOTIFIED, whistle__status=WhistleStatus.OPEN,
                                            **party).exists()

    departments = [department] if department is not None and not waiting(department=department) else []
    units = [unit] if unit is not None and not waiting(unit=unit) else []
    if not departments and not units:
        return {}
    whistle_create(actor=whistler, area=area, title=QUEUE_WHISTLE[0], description=QUEUE_WHISTLE[1],
                   departments=departments, units=units)
    return {"whistles": 1}
