"""Demo 民主评议党员 for ``seed_demo``.

``seed_appraisals(rng=..., org_ids=..., today=..., keep_org_ids=())`` writes, with
``bulk_create``:

* last year's round for most branches (about 85 %, always those of ``keep_org_ids`` — the
  demo ``member``'s branch, so their record shows a result): held at the branch's
  组织生活会 / 民主评议党员 meeting of that year when there is one, confirmed by the branch
  (a third of them approved by the superior too), every member graded — 优秀 about 15 %
  (never above a third), 基本合格 and 不合格 a few, with notes; an in-service member without a
  valid 双报到 report that year is graded 基本合格 with the reason, as the rule requires;
* this year's round in progress (评议中) for about a quarter of the branches, some members
  graded already.

Branches that already have a round for a year are left alone (running again adds no second one).
Per batch of branches: three reads, then bulk inserts.

``ensure_demo_queue(cadre=..., community=..., today=...)``: one round of this year in
progress with nobody graded yet in the demo ``community`` account's community, opened
through the real action when there is none.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, time

from django.db.models import Min

from assessments.appraisal.choices import AppraisalStatus, Grade
from assessments.appraisal.models import Appraisal, AppraisalEvent, AppraisalGrade
from assessments.appraisal.rules import excellent_cap
from assessments.appraisal.selectors import APPRAISING_KINDS, MEETING_TYPES, year_bounds
from assessments.life import schedule
from assessments.life.models import Activity
from organizations.members.choices import MemberStatus
from organizations.members.models import Member
from organizations.orgs.models import PartyOrg
from services.checkins.selectors import reported_during

ORG_BATCH = 500
INSERT_BATCH = 5000
LAST_YEAR_SHARE = 0.85
THIS_YEAR_SHARE = 0.25
NOTES = {
    Grade.BASIC: ["参加组织生活不够经常，发挥作用不明显", "学习不够主动，需加强党性锻炼"],
    Grade.UNQUALIFIED: ["长期不参加组织生活，经教育仍无改进，限期改正"],
}
NOT_REPORTED_NOTE = "在职党员，本年度未到居住地社区报到"


def _chunks(items, n):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _moment(day, rng):
    return datetime.combine(day, time(9 + rng.randrange(0, 8), rng.randrange(0, 60)), tzinfo=schedule.SHANGHAI)


def _grades_for(members, unreported, rng, *, complete=True):
    """``[(member id, grade, note)]`` within the rules: at most a third 优秀, notes where needed,
    no 合格 or above for an in-service member without a report."""
    cap = excellent_cap(len(members))
    out, excellent = [], 0
    for pk in members:
        if not complete and rng.random() < 0.5:
            continue
        if pk in unreported:
            out.append((pk, Grade.BASIC, NOT_REPORTED_NOTE))
            continue
        roll = rng.random()
        if roll < 0.15 and excellent < cap:
            excellent += 1
            out.append((pk, Grade.EXCELLENT, ""))
        elif roll > 0.985:
            out.append((pk, Grade.UNQUALIFIED, rng.choice(NOTES[Grade.UNQUALIFIED])))
        elif roll > 0.95:
            out.append((pk, Grade.BASIC, rng.choice(NOTES[Grade.BASIC])))
        else:
            out.append((pk, Grade.QUALIFIED, ""))
    return out


def _batch(org_ids, year, rng, *, status_of, complete):
    """One batch of branches' rounds for ``year`` (three reads, then inserts)."""
    start, end = year_bounds(year)
    meetings = dict(
        Activity.objects.filter(org_id__in=org_ids, activity_type__code__in=MEETING_TYPES,
                                starts_at__date__gte=start, starts_at__date__lte=end)
        .order_by().values("org_id").annotate(first=Min("pk")).values_list("org_id", "first")
    )
    members = (Member.objects.filter(organization_id__in=org_ids, status__in=[MemberStatus.FULL, MemberStatus.PROBATIONARY])
               .exclude(joined_on__gt=end))
    roster = {}
    for pk, org_id in members.order_by("organization_id", "pk").values_list("pk", "organization_id"):
        roster.setdefault(org_id, []).append(pk)
    unreported = set(members.filter(in_service=True).annotate(r=reported_during(start, end)).filter(r=False)
                     .values_list("pk", flat=True))
    rounds, plan = [], []
    for org_id in org_ids:
        status = status_of(org_id)
        if status is None:
            continue
        confirmed_at = _moment(end.replace(day=rng.randrange(5, 29)), rng)
        a = Appraisal(org_id=org_id, year=year, activity_id=meetings.get(org_id), status=status)
        if status != AppraisalStatus.DRAFT:
            a.confirmed_at = confirmed_at
        if status == AppraisalStatus.APPROVED:
            a.approved_at = confirmed_at
        rounds.append(a)
        plan.append(_grades_for(roster.get(org_id, []), unreported, rng, complete=complete))
    Appraisal.objects.bulk_create(rounds, batch_size=INSERT_BATCH)
    grades, events = [], []
    for a, rows in zip(rounds, plan, strict=True):
        grades.extend(AppraisalGrade(appraisal=a, member_id=pk, grade=g, note=note) for pk, g, note in rows)
        events.append(AppraisalEvent(appraisal=a, action="create", to_status=AppraisalStatus.DRAFT, note="演示数据"))
        if a.status != AppraisalStatus.DRAFT:
            events.append(AppraisalEvent(appraisal=a, action=AppraisalStatus.CONFIRMED, from_status=AppraisalStatus.DRAFT,
                                         to_status=AppraisalStatus.CONFIRMED, at=a.confirmed_at))
        if a.status == AppraisalStatus.APPROVED:
            events.append(AppraisalEvent(appraisal=a, action=AppraisalStatus.APPROVED,
                                         from_status=AppraisalStatus.CONFIRMED, to_status=AppraisalStatus.APPROVED,
                                         at=a.approved_at))
    AppraisalGrade.objects.bulk_create(grades, batch_size=INSERT_BATCH)
    AppraisalEvent.objects.bulk_create(events, batch_size=INSERT_BATCH)
    return Counter({"rounds": len(rounds), "grades": len(grades)})


def seed_appraisals(*, rng, org_ids, today, keep_org_ids=()) -> dict:
    """Last year's results for most branches and this year's rounds in progress for some."""
    branches = list(PartyOrg.objects.filter(pk__in=list(org_ids), kind__in=APPRAISING_KINDS).order_by("pk")
                    .values_list("pk", flat=True))
    keep = set(keep_org_ids)
    counts = Counter()
    for year, share, complete in ((today.year - 1, LAST_YEAR_SHARE, True), (today.year, THIS_YEAR_SHARE, False)):
        done = set(Appraisal.objects.filter(year=year, org_id__in=branches).values_list("org_id", flat=True))

        def status_of(org_id, year=year, share=share, done=done):
            if org_id in done or (org_id not in keep or year == today.year) and rng.random() >= share:
                return None
            if year == today.year:
                return AppraisalStatus.DRAFT
            return AppraisalStatus.APPROVED if rng.random() < 0.35 else AppraisalStatus.CONFIRMED

        for batch in _chunks(branches, ORG_BATCH):
            counts += _batch(batch, year, rng, status_of=status_of, complete=complete)
    return dict(counts)


def ensure_demo_queue(*, cadre, community, today) -> dict:
    """A round of this year waiting for ``cadre`` (the demo ``community`` account): nobody graded yet."""
    from assessments.appraisal import actions
    from dangjian import trees

    waiting = Appraisal.objects.filter(trees.subtree_q(community, "org__area"), year=today.year,
                                       status=AppraisalStatus.DRAFT, grades__isnull=True)
    if waiting.exists():
        return {}
    org = (PartyOrg.objects.filter(trees.subtree_q(community, "area"), kind__in=APPRAISING_KINDS, members__isnull=False)
           .exclude(appraisals__year=today.year).order_by("pk").first())
    if org is None:
        return {}
    start, end = year_bounds(today.year)
    meeting = (Activity.objects.filter(org=org, activity_type__code__in=MEETING_TYPES, starts_at__date__gte=start,
                                       starts_at__date__lte=end).select_related("activity_type").order_by("-starts_at").first())
    actions.appraisal_create(actor=cadre, org=org, year=today.year, activity=meeting, today=today)
    return {"appraisal_waiting": 1}
