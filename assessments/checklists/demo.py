"""Demo four lists (四张清单) for ``seed_demo``.

``seed_checklists(rng=..., org_ids=..., year=..., today=...)`` gives each organization
(community committees and compound branches, by id) its list for ``year`` and for the
year before, written with ``bulk_create``:

* last year's list went the whole way: approved in the first quarter, checked mid-year,
  reported and appraised (好 about 45 %, 较好 35 %, 一般 15 %, 差 5 %); nearly everything
  done, most problems closed by their rectifications;
* this year's list is where the calendar says it should be: early in the year many are
  still drafts, submitted or returned; later most are approved, some checked mid-year;
  items due before ``today`` are mostly done, a few are overdue; problems found by
  月调度/半年督查/观摩评议 have rectifications with deadlines, some already closed (销号),
  some past their deadline.

This year's recurring items read the records (``BINDINGS``: 主题党日 monthly, service hours,
dues, wishes, whistles, 三会一课): they are written open and uncomputed, and ``seed_demo``
computes them all once after every feature's bulk writes (``refresh_bound_items``), which
completes those whose records reach the target.

Organizations that already have a list for a year are left alone (running twice adds
nothing).  Per batch of organizations: one read, then bulk inserts, so the number of
queries grows with the data only through the insert batches.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from assessments.checklists.choices import Appraisal, ChecklistStatus, ItemKind, ItemStatus, ProblemSource
from assessments.checklists.models import Checklist, ChecklistEvent, ChecklistItem
from assessments.life import schedule
from organizations.orgs.choices import OrgCategory
from organizations.orgs.models import PartyOrg

ORG_BATCH = 500
INSERT_BATCH = 5000

COMMUNITY_DUTIES = [
    ("落实“三会一课”制度", "按时召开党员大会、支委会、党小组会，按季度讲党课"),
    ("推进网格党建全覆盖", "每个网格建立党支部或党小组，网格员全部纳入网格党组织管理"),
    ("组织在职党员到社区报到", "在职党员报到率达到 95% 以上，每人每年服务不少于 2 次"),
    ("召开共驻共建联席会议", "每季度与驻区单位召开一次联席会议，形成资源、需求、项目三张清单"),
    ("办好居民议事会", "围绕停车、加装电梯等难题，按五步议事法组织协商"),
    ("发展党员和教育管理", "按计划发展党员，做好流动党员和老党员的联系服务"),
    ("为民服务项目落地", "完成居民微心愿认领和为民办实事项目"),
    ("党费按时足额收缴", "按月足额收缴党费，收缴率 100%"),
    ("吹哨报到事项按时响应", "吹哨点名的部门和单位按时报到"),
]
COMPOUND_DUTIES = [
    ("小区党支部每月开展主题党日", "结合小区治理开展主题党日活动"),
    ("楼栋党小组联系服务居民", "党员中心户每户联系 10 户左右居民，及时收集诉求"),
    ("推动物业、业委会协同治理", "支部牵头每月召开一次物业、业委会联席会"),
    ("小区环境整治", "组织党员志愿者开展楼道清理、垃圾分类宣传"),
    ("关爱困难群众", "建立困难家庭台账，节日走访慰问"),
    ("小区议事协商", "就小区公共事务组织居民议事，推动决定落实"),
]
ASSESSMENTS = [
    ("组织生活落实情况", Decimal("20")),
    ("党员报到和志愿服务", Decimal("15")),
    ("居民诉求办理满意率", Decimal("15")),
    ("问题整改销号率", Decimal("20")),
    ("基础台账规范", Decimal("10")),
]
PROBLEMS = [
    ("部分党员长期未参加组织生活", ["逐一谈心谈话，了解原因", "建立提醒制度，纳入积分管理"]),
    ("楼道堆物存在消防隐患", ["组织党员志愿者集中清理", "建立楼道巡查制度"]),
    ("居民议事会议定事项落实滞后", ["明确责任人和完成时限", "每月通报落实进度"]),
    ("党员中心户联系户台账不全", ["补齐联系户台账"]),
    ("驻区单位报到后参与活动少", ["制定共建项目清单，按月调度"]),
    ("小区停车矛盾突出", ["召开专题议事会", "协调物业施划停车位"]),
]
SOURCES = [ProblemSource.MONTHLY, ProblemSource.HALF_YEAR, ProblemSource.OBSERVATION, ProblemSource.MONTHLY]
OWNERS = ["书记", "副书记", "组织委员", "宣传委员", "纪检委员", "网格长"]
APPRAISALS = ((Appraisal.GOOD, 0.45), (Appraisal.FAIRLY_GOOD, 0.35), (Appraisal.FAIR, 0.15), (Appraisal.POOR, 0.05))
MIDYEAR_NOTES = ["清单推进总体有序，问题整改要抓紧。", "责任落实较好，请加快整改销号进度。", "部分事项进度滞后，请对照时限推进。"]
# The recurring items read the records (issue 16): title → (figure, parameters, target).
BINDINGS = {
    "小区党支部每月开展主题党日": ("life.months_held", {"type": "theme_party_day"}, Decimal("12")),
    "党员报到和志愿服务": ("ledger.hours_average", {}, Decimal("50")),
    "党费按时足额收缴": ("dues.paid", {}, Decimal("100")),
    "为民服务项目落地": ("wishes.fulfilment", {}, Decimal("90")),
    "吹哨报到事项按时响应": ("whistles.on_time", {}, Decimal("90")),
    "落实“三会一课”制度": ("life.compliance", {}, Decimal("100")),
}
REPORT_TEXT = "一年来，{org}对照责任清单逐项落实：组织生活按期开展，问题清单 {p} 项已整改销号 {c} 项；下一步将继续加强组织建设，推动问题整改到位。"


def _chunks(items, n):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _moment(day: date, rng) -> datetime:
    return datetime.combine(day, time(9 + rng.randrange(0, 8), rng.randrange(0, 60)), tzinfo=schedule.SHANGHAI)


def _pick(rng, weighted):
    x, total = rng.random(), 0.0
    for value, share in weighted:
        total += share
        if x < total:
            return value
    return weighted[-1][0]


def _day_in(rng, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randrange(0, (end - start).days + 1))


def _current_status(rng, today: date, year: int) -> str:
    if year < today.year:
        return ChecklistStatus.APPROVED
    if today.month <= 2:
        weights = ((ChecklistStatus.DRAFT, 0.3), (ChecklistStatus.SUBMITTED, 0.3), (ChecklistStatus.RETURNED, 0.1),
                   (ChecklistStatus.APPROVED, 0.3))
    else:
        weights = ((ChecklistStatus.APPROVED, 0.82), (ChecklistStatus.SUBMITTED, 0.07), (ChecklistStatus.RETURNED, 0.04),
                   (ChecklistStatus.DRAFT, 0.07))
    return _pick(rng, weights)


def seed_checklists(*, rng, org_ids, year: int, today: date) -> dict:
    """Write ``year``'s and last year's four lists for ``org_ids``; returns the counts."""
    counts = Counter()
    for batch in _chunks(sorted(set(org_ids)), ORG_BATCH):
        orgs = list(PartyOrg.objects.filter(pk__in=batch).order_by("pk").values("pk", "name", "category"))
        have = set(Checklist.objects.filter(org_id__in=batch, year__in=(year - 1, year)).values_list("org_id", "year"))
        plans = []  # (Checklist, org row, is_last_year)
        for org in orgs:
            for y, last in ((year - 1, True), (year, False)):
                if (org["pk"], y) not in have:
                    plans.append((_checklist(rng, org, y, today, last), org, last))
        if not plans:
            continue
        checklists = Checklist.objects.bulk_create([c for c, _o, _l in plans], batch_size=INSERT_BATCH)
        counts["checklists"] += len(checklists)
        problems, planned_items, fix_plans, events = [], [], [], []
        for checklist, (_c, org, last) in zip(checklists, plans, strict=True):
            end = min(today, date(checklist.year, 12, 31))
            active = checklist.status == ChecklistStatus.APPROVED
            planned_items += _planned(rng, checklist, org, end, active, last)
            if checklist.status != ChecklistStatus.DRAFT or last:
                for title, fixes in rng.sample(PROBLEMS, rng.randrange(0, 4) if not last else rng.randrange(1, 4)):
                    found = _day_in(rng, date(checklist.year, 3, 1), max(date(checklist.year, 3, 1), end))
                    if found > end:
                        continue
                    problem = ChecklistItem(
                        checklist=checklist, kind=ItemKind.PROBLEM, title=title, source=rng.choice(SOURCES),
                        owner=rng.choice(OWNERS), detail=f"{found.month}月发现",
                    )
                    problem.seed_created = _moment(found, rng)
                    problems.append(problem)
                    fix_plans.append((problem, fixes, found, end, last))
            events += _events(rng, checklist)
        ChecklistItem.objects.bulk_create(problems, batch_size=INSERT_BATCH)
        fixes_rows = []
        for problem, fixes, found, end, last in fix_plans:
            rows = [_fix(rng, problem, title, found, end, last) for title in fixes]
            fixes_rows += rows
            if all(r.status == ItemStatus.CLOSED for r in rows):
                problem.status = ItemStatus.CLOSED
                problem.closed_at = problem.completed_at = max(r.closed_at for r in rows)
        ChecklistItem.objects.bulk_update([p for p in problems if p.status == ItemStatus.CLOSED],
                                          ["status", "closed_at", "completed_at"], batch_size=INSERT_BATCH)
        ChecklistItem.objects.bulk_create(planned_items + fixes_rows, batch_size=INSERT_BATCH)
        ChecklistEvent.objects.bulk_create(events, batch_size=INSERT_BATCH)
        # ``created_at`` is set on insert (auto_now_add): put back when each row was really written,
        # so "problems listed by the end of a period" reads right for past periods.
        for row in (*checklists, *problems, *planned_items, *fixes_rows):
            row.created_at = row.seed_created
        Checklist.objects.bulk_update(checklists, ["created_at"], batch_size=INSERT_BATCH)
        ChecklistItem.objects.bulk_update([*problems, *planned_items, *fixes_rows], ["created_at"], batch_size=INSERT_BATCH)
        counts["items"] += len(problems) + len(planned_items) + len(fixes_rows)
        counts["problems"] += len(problems)
        counts["events"] += len(events)
        counts["appraised"] += sum(1 for c in checklists if c.appraisal)
    return {k: counts[k] for k in ("checklists", "items", "problems", "events", "appraised")}


def waiting_for_demo_accounts(year: int, today: date) -> int:
    """A list waiting for the demo ``street`` account's approval when none does: the
    ``community`` account submits its committee's list of ``year`` if still a draft or
    returned, else opens next year's (年初列清单, last year's responsibilities copied) and
    submits it — through the actions.  Returns how many lists were added (0 without the
    demo accounts)."""
    from django.contrib.auth import get_user_model

    from assessments.checklists import actions, permissions, selectors
    from organizations.grants.choices import Role

    User = get_user_model()
    street, cadre = (User.objects.filter(username=name, is_active=True).first() for name in ("street", "community"))
    if street is None or cadre is None or selectors.awaiting_approval(street).exists():
        return 0
    grant = cadre.grants.filter(role=Role.COMMUNITY, area__isnull=False).select_related("area").first()
    org = (PartyOrg.objects.filter(area=grant.area, category=OrgCategory.COMMUNITY).select_related("area", "parent__area")
           .order_by("pk").first()) if grant else None
    if org is None or not permissions.can_edit(cadre, org) or not permissions.is_superior(street, org):
        return 0
    added = 0
    checklist = Checklist.objects.filter(org=org, year=year, status__in=(ChecklistStatus.DRAFT, ChecklistStatus.RETURNED)).first()
    if checklist is None:
        if Checklist.objects.filter(org=org, year=year + 1).exists() or year + 1 > today.year + 1:
            return 0
        checklist = actions.checklist_create(actor=cadre, org=org, year=year + 1, copy_last_year=True, today=today)
        added = 1
    if not checklist.items.filter(kind=ItemKind.RESPONSIBILITY).exists():
        return added
    actions.checklist_submit(actor=cadre, checklist=checklist)
    return added


def _checklist(rng, org, year, today, last) -> Checklist:
    status = _current_status(rng, today, year)
    c = Checklist(org_id=org["pk"], year=year, status=status)
    start = date(year, 1, 1)
    c.seed_created = _moment(min(start + timedelta(days=rng.randrange(0, 5)), today), rng)
    if status != ChecklistStatus.DRAFT:
        lo = min(start + timedelta(days=5), today)
        c.submitted_at = _moment(_day_in(rng, lo, min(today, start + timedelta(days=40))), rng)
    if status == ChecklistStatus.RETURNED:
        c.return_reason = rng.choice(["责任清单不够具体，请细化到人", "考核清单缺少分值", "问题查找不够深入"])
    if status == ChecklistStatus.APPROVED:
        c.approved_at = min(c.submitted_at + timedelta(days=rng.randrange(1, 15)), _moment(today, rng))
        midyear = date(year, 7, 15)
        if last or (today >= midyear and rng.random() < 0.7):
            c.midyear_note, c.midyear_at = rng.choice(MIDYEAR_NOTES), _moment(_day_in(rng, midyear, date(year, 7, 31)), rng)
        if last:
            c.reported_at = _moment(date(year, 12, 20) + timedelta(days=rng.randrange(0, 8)), rng)
            c.appraisal = _pick(rng, APPRAISALS)
            c.appraisal_note = {Appraisal.GOOD: "责任落实到位，整改成效明显", Appraisal.FAIRLY_GOOD: "整体较好，个别事项推进偏慢",
                                Appraisal.FAIR: "问题整改不够及时", Appraisal.POOR: "清单落实不力，须限期整改"}[c.appraisal]
            c.appraised_at = c.reported_at + timedelta(days=rng.randrange(3, 12))
            c.report_text = REPORT_TEXT.format(org=org["name"], p="若干", c="大部分")
    return c


def _planned(rng, checklist, org, end, active, last) -> list:
    pool = COMMUNITY_DUTIES if org["category"] == OrgCategory.COMMUNITY else COMPOUND_DUTIES
    quarter_ends = [date(checklist.year, m, d) for m, d in ((3, 31), (6, 30), (9, 30), (12, 31))]
    items = []
    for title, detail in rng.sample(pool, min(len(pool), rng.randrange(4, 7))):
        items.append(_item(rng, checklist, ItemKind.RESPONSIBILITY, title, detail, rng.choice(quarter_ends), end, active, last))
    for title, points in rng.sample(ASSESSMENTS, rng.randrange(2, 4)):
        item = _item(rng, checklist, ItemKind.ASSESSMENT, title, "", date(checklist.year, 12, 31), end, active, last)
        item.max_points = points
        items.append(item)
    return items


def _item(rng, checklist, kind, title, detail, due_on, end, active, last) -> ChecklistItem:
    item = ChecklistItem(checklist=checklist, kind=kind, title=title, detail=detail, owner=rng.choice(OWNERS), due_on=due_on)
    item.seed_created = checklist.seed_created
    binding = BINDINGS.get(title) if not last else None
    if binding is not None:  # read from the records: its status is the refresh's (``refresh_bound_items``)
        item.figure, item.figure_params, item.target = binding[0], dict(binding[1]), binding[2]
        return item
    if active:
        chance = 0.93 if last else (0.85 if due_on < end else 0.15)
        if rng.random() < chance:
            done = min(_day_in(rng, max(date(checklist.year, 2, 1), due_on - timedelta(days=60)), min(due_on, end)), end)
            item.status, item.completed_at = ItemStatus.DONE, _moment(done, rng)
            item.evidence_note = "已按计划完成。"
    return item


def _fix(rng, problem, title, found, end, last) -> ChecklistItem:
    due_on = found + timedelta(days=rng.choice([30, 45, 60, 90]))
    fix = ChecklistItem(checklist=problem.checklist, kind=ItemKind.RECTIFICATION, problem=problem, title=title,
                        owner=problem.owner, due_on=due_on)
    fix.seed_created = problem.seed_created
    chance = 0.9 if last else (0.75 if due_on < end else 0.3)
    hi = min(due_on, end)
    if found + timedelta(days=7) <= hi and rng.random() < chance:
        closed = _day_in(rng, found + timedelta(days=7), hi)
        fix.status, fix.evidence_note = ItemStatus.CLOSED, "已整改到位，经复查销号。"
        fix.completed_at = fix.closed_at = _moment(closed, rng)
    return fix


def _events(rng, c) -> list:
    def ev(action, at, from_status="", to_status="", note=""):
        return ChecklistEvent(checklist=c, action=action, at=at, from_status=from_status, to_status=to_status, note=note)

    rows = [ev("create", c.seed_created, to_status=ChecklistStatus.DRAFT)]
    if c.submitted_at:
        rows.append(ev(ChecklistStatus.SUBMITTED, c.submitted_at, ChecklistStatus.DRAFT, ChecklistStatus.SUBMITTED))
    if c.status == ChecklistStatus.RETURNED:
        rows.append(ev(ChecklistStatus.RETURNED, c.submitted_at + timedelta(days=2), ChecklistStatus.SUBMITTED,
                       ChecklistStatus.RETURNED, c.return_reason))
    if c.approved_at:
        rows.append(ev(ChecklistStatus.APPROVED, c.approved_at, ChecklistStatus.SUBMITTED, ChecklistStatus.APPROVED))
    if c.midyear_at:
        rows.append(ev("midyear_check", c.midyear_at, c.status, c.status, c.midyear_note))
    if c.reported_at:
        rows.append(ev("report", c.reported_at, c.status, c.status))
    if c.appraised_at:
        rows.append(ev("appraise", c.appraised_at, c.status, c.status, Appraisal(c.appraisal).label))
    return rows


# ------------------------------------------------------------ the demo accounts' queues
QUEUE_DUTY = ("落实“三会一课”制度", "按时召开党员大会、支委会、党小组会，按季度讲党课")


def ensure_demo_queue(*, approver, editor, org, today) -> dict:
    """A list waiting for the demo ``street`` account's approval: when nothing under it is
    待审批, ``org``'s (the demo community committee's) list of this year is submitted if it is
    still a draft or returned, else its list for next year (年初列清单, copied from this
    year's) is opened and submitted — through the real actions, by ``editor`` (the demo
    ``community`` account).  Running again adds nothing."""
    from assessments.checklists import actions
    from assessments.checklists.permissions import superior_q

    if Checklist.objects.filter(superior_q(approver), status=ChecklistStatus.SUBMITTED).exists():
        return {}
    checklist = Checklist.objects.filter(org=org, year=today.year).first()
    if checklist is None or checklist.status not in (ChecklistStatus.DRAFT, ChecklistStatus.RETURNED):
        checklist = Checklist.objects.filter(org=org, year=today.year + 1).first() or actions.checklist_create(
            actor=editor, org=org, year=today.year + 1, copy_last_year=True, today=today)
    if checklist.status not in (ChecklistStatus.DRAFT, ChecklistStatus.RETURNED):
        return {}
    if not checklist.items.filter(kind=ItemKind.RESPONSIBILITY).exists():
        actions.checklist_item_add(actor=editor, checklist=checklist, kind=ItemKind.RESPONSIBILITY, title=QUEUE_DUTY[0],
                                   detail=QUEUE_DUTY[1], due_on=date(checklist.year, 12, 31))
    actions.checklist_submit(actor=editor, checklist=checklist)
    return {"submitted": 1}


def refresh_bound_items(today=None) -> dict:
    """Compute every bound item of this year from the records (``seed_demo``'s last phase,
    after all the features' bulk writes): set-based, one catalogue compute per figure group."""
    from assessments.checklists.actions import checklist_items_refresh

    return checklist_items_refresh(today=today)
