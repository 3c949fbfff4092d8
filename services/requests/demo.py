"""Demo resident requests for ``seed_demo``: a year of requests per community with
realistic outcomes, their events, a few volunteer teams per community, and the service
hours of requests members resolved.

``seed_requests(rng=..., community_ids=..., today=...)`` is the bulk path: communities are
taken in batches, each batch read with a fixed number of queries (communities, buildings,
resident members, grid workers, existing teams) and written with ``bulk_create``.

Shape: 2–8 requests a community a month over the last twelve months, mostly general
matters, some utilities, emergencies and complex ones; 3% cancelled before dispatch; the
rest dispatched (to a member 50%, a volunteer team 30%, a grid worker 20%), about 90%
within the response limit, a few declined once and dispatched again; most accepted, most
resolved (about 85% within the resolution limit) and most rated (mostly 满意, less so when
late).  Steps that would fall after ``today`` are not taken, so recent requests are still
open and some of them overdue.  Due times come from ``services.requests.sla``.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from services.ledger.models import ServiceRecord, ServiceSource
from services.requests import sla
from services.requests.choices import REQUEST_SERVICE_HOURS, AssigneeKind, RequestSource, RequestStatus
from services.requests.models import RequestCategory, RequestEvent, ServiceRequest, VolunteerTeam
from services.resident.choices import Satisfaction
from services.resident.demo import community_batches, plan_events, requester, unique_code

WRITE_BATCH = 2000
MONTHS = 12
CANCEL_SHARE, DISPATCH_SHARE, DECLINE_SHARE = 0.03, 0.97, 0.05
ACCEPT_SHARE, RESOLVE_SHARE, RATE_SHARE = 0.95, 0.93, 0.80
ON_TIME_RESPONSE, ON_TIME_RESOLVE = 0.90, 0.85
CATEGORY_WEIGHTS = {"general": 55, "utilities": 20, "complex": 15, "emergency": 10}
TEAM_NAMES = ("红马甲志愿服务队", "银发互助队", "邻里帮帮团", "青年突击队", "巾帼志愿服务队")

TEXTS = {
    "general": ("楼道堆放杂物，影响通行。", "小区路灯不亮，晚上出行不便。", "楼下垃圾桶满了没人清运。",
                "邻居装修噪音太大，希望协调。", "单元门禁坏了，希望尽快维修。", "小区绿地有积水，蚊虫很多。"),
    "utilities": ("家里突然停水，不知何时恢复。", "楼栋停电两个小时了。", "暖气不热，室温只有十几度。",
                  "燃气表显示异常，请帮忙联系燃气公司。"),
    "complex": ("小区加装电梯意见不一，希望社区协调。", "老旧小区屋面漏水，涉及多户。", "停车位划分引发纠纷，希望多方协商。"),
    "emergency": ("楼道有燃气味，请尽快处理！", "独居老人摔倒在家，需要帮助。", "外墙瓷砖松动，有坠落危险。"),
}
RESOLVE_NOTES = ("已上门处理完毕。", "已联系物业维修，居民确认恢复正常。", "已协调相关部门解决。", "已现场查看并处理。")
DECLINE_NOTES = ("本周在外地出差，无法及时处理。", "超出本人能力范围，请改派专业人员。")
CANCEL_NOTES = ("居民表示已自行解决。", "与已有诉求重复。")
COMMENTS = ("很及时，谢谢！", "处理得很好。", "", "", "希望以后继续保持。")


@transaction.atomic
def seed_requests(*, rng, community_ids, today) -> dict:
    from grids.teams.models import GridTeamMember

    totals = defaultdict(int)
    categories = {c.code: c for c in RequestCategory.objects.filter(is_active=True)}
    weighted = [(categories[code], weight) for code, weight in CATEGORY_WEIGHTS.items() if code in categories]
    weighted += [(c, 5) for code, c in categories.items() if code not in CATEGORY_WEIGHTS]
    if not weighted:
        return {}
    end = timezone.make_aware(datetime.combine(today, time.max))
    taken = set(ServiceRequest.objects.values_list("code", flat=True))
    for communities, _nodes, buildings, residents in community_batches(community_ids):
        workers = defaultdict(list)
        ids = [pk for pk, _span in communities]
        for pk, community_id in (GridTeamMember.objects.current(today).filter(grid__community_id__in=ids)
                                 .values_list("pk", "grid__community_id")):
            workers[community_id].append(pk)
        existing = set(VolunteerTeam.objects.filter(community_id__in=ids).values_list("community_id", "name"))

        # a few volunteer teams per community
        teams, team_people = [], []
        for community_id, _span in communities:
            people = residents.get(community_id, [])
            for name in rng.sample(TEAM_NAMES, rng.randint(2, 3)):
                if (community_id, name) in existing:
                    continue
                crew = rng.sample(people, min(len(people), rng.randint(3, 8)))
                teams.append(VolunteerTeam(community_id=community_id, name=name, leader_id=crew[0] if crew else None))
                team_people.append(crew)
        teams = VolunteerTeam.objects.bulk_create(teams, batch_size=WRITE_BATCH)
        Through = VolunteerTeam.members.through
        Through.objects.bulk_create(
            [Through(volunteerteam_id=t.pk, member_id=m) for t, crew in zip(teams, team_people) for m in crew],
            batch_size=WRITE_BATCH, ignore_conflicts=True,
        )
        team_ids = defaultdict(list)
        for t in teams:
            team_ids[t.community_id].append(t.pk)
        for pk, community_id in VolunteerTeam.objects.filter(community_id__in=ids, is_active=True).exclude(
                pk__in=[t.pk for t in teams]).values_list("pk", "community_id"):
            team_ids[community_id].append(pk)
        totals["teams"] += len(teams)

        requests, plans = [], []
        pools = {"buildings": buildings, "residents": residents, "workers": workers, "teams": team_ids}
        for community_id, _span in communities:
            for month in range(MONTHS):
                for _ in range(rng.randint(2, 8)):
                    day = today - timedelta(days=month * 30 + rng.randint(0, 29))
                    category = rng.choices([c for c, _w in weighted], weights=[w for _c, w in weighted])[0]
                    req, plan = _plan(rng, community_id, day, end, category, pools)
                    req.code = unique_code(rng, taken)
                    requests.append(req)
                    plans.append(plan)
        created = ServiceRequest.objects.bulk_create(requests, batch_size=WRITE_BATCH)
        events, records = [], []
        for req, plan in zip(created, plans):
            events += plan_events(plan, lambda old, new, note, at, req=req: RequestEvent(
                request=req, from_status=old, to_status=new, note=note, at=at))
            if req.assignee_kind == AssigneeKind.MEMBER and req.resolved_at:
                records.append(ServiceRecord(
                    member_id=req.assigned_member_id, source=ServiceSource.REQUEST, source_id=req.pk,
                    hours=REQUEST_SERVICE_HOURS, occurred_on=timezone.localdate(req.resolved_at),
                    note=f"办结居民诉求 {req.code}",
                ))
            totals[req.status] += 1
        RequestEvent.objects.bulk_create(events, batch_size=WRITE_BATCH)
        ServiceRecord.objects.bulk_create(records, batch_size=WRITE_BATCH, ignore_conflicts=True)
        totals["requests"] += len(created)
        totals["events"] += len(events)
        totals["service_records"] += len(records)
    return dict(totals)


def waiting_for_demo_accounts(rng) -> int:
    """Tasks waiting for the demo accounts when the random year left none: the ``community``
    account dispatches (through the action) a request of its community to the ``member``
    account and one to the ``grid`` account, if it is on a grid team there; a waiting
    request is taken, or a resident's new one submitted.  Returns how many were added."""
    from django.contrib.auth import get_user_model

    from grids.teams.models import GridTeamMember
    from organizations.grants.choices import Role
    from services.requests import actions
    from services.requests.selectors import open_tasks

    categories = {c.code: c for c in RequestCategory.objects.filter(is_active=True)}
    User = get_user_model()
    cadre = User.objects.filter(username="community", is_active=True).first()
    grant = cadre.grants.filter(role=Role.COMMUNITY, area__isnull=False).select_related("area").first() if cadre else None
    if grant is None or "general" not in categories:
        return 0
    community, added = grant.area, 0

    def waiting():
        nonlocal added
        req = (ServiceRequest.objects.filter(community=community, status=RequestStatus.SUBMITTED)
               .order_by("created_at", "pk").first())
        if req is None:
            who = requester(rng)
            req = actions.request_submit(community=community, category=categories["general"],
                                         text=rng.choice(TEXTS["general"]), name=who["requester_name"],
                                         phone=who["requester_phone"], address="社区服务站转交", source=RequestSource.STAFF)
            added += 1
        return req

    member_user = User.objects.filter(username="member", is_active=True).first()
    member = getattr(member_user, "member", None) if member_user else None
    if member is not None and not open_tasks(member_user).exists():
        actions.request_dispatch(actor=cadre, request=waiting(), member=member)
    grid_user = User.objects.filter(username="grid", is_active=True).first()
    worker = (GridTeamMember.objects.current().filter(user=grid_user, grid__community=community).order_by("pk").first()
              if grid_user else None)
    if worker is not None and not open_tasks(grid_user).exists():
        actions.request_dispatch(actor=cadre, request=waiting(), worker=worker)
    return added


def _moment(day, rng):
    return timezone.make_aware(datetime.combine(day, time(rng.randint(7, 21), rng.randint(0, 59))))


def _plan(rng, community_id, day, end, category, pools):
    """One request and its events ``[(status, at, note)]``; steps after ``end`` are not taken."""
    own_buildings = pools["buildings"].get(community_id) or [None]
    created = _moment(day, rng)
    response_due, resolve_due = sla.request_due_times(created, category)
    req = ServiceRequest(
        community_id=community_id, building_id=rng.choice(own_buildings),
        address="" if own_buildings[0] else "社区服务站代录",
        **requester(rng), category=category, text=rng.choice(TEXTS.get(category.code, TEXTS["general"])),
        source=RequestSource.WEB if rng.random() < 0.8 else RequestSource.STAFF,
        status=RequestStatus.SUBMITTED, created_at=created, response_due=response_due, resolve_due=resolve_due,
    )
    plan = [(RequestStatus.SUBMITTED, created, category.name)]
    response = response_due - created

    def step(status, at, note=""):
        if at > end:
            return None
        plan.append((status, at, note))
        return at

    if rng.random() < CANCEL_SHARE:
        if step(RequestStatus.CANCELLED, created + response * rng.uniform(0.1, 0.9), note := rng.choice(CANCEL_NOTES)):
            req.cancel_reason = note
        return _finish(req, plan)
    if rng.random() > DISPATCH_SHARE:
        return _finish(req, plan)
    on_time = rng.random() < ON_TIME_RESPONSE
    at = created + response * (rng.uniform(0.05, 0.5) if on_time else rng.uniform(1.1, 2.5))
    if not _dispatch(rng, req, community_id, pools, step, at):
        return _finish(req, plan)
    if rng.random() < DECLINE_SHARE:
        at = at + response * rng.uniform(0.05, 0.2)
        if not step(RequestStatus.SUBMITTED, at, rng.choice(DECLINE_NOTES)):
            return _finish(req, plan)
        at = at + response * rng.uniform(0.05, 0.2)
        if not _dispatch(rng, req, community_id, pools, step, at):
            return _finish(req, plan)
    if rng.random() > ACCEPT_SHARE:
        return _finish(req, plan)
    accepted = step(RequestStatus.ACCEPTED, at + response * rng.uniform(0.02, 0.3))
    if not accepted:
        return _finish(req, plan)
    req.accepted_at = accepted
    if rng.random() > RESOLVE_SHARE:
        return _finish(req, plan)
    late = rng.random() > ON_TIME_RESOLVE
    span = resolve_due - accepted if resolve_due > accepted else timedelta(hours=1)
    when = resolve_due + span * rng.uniform(0.05, 0.6) if late else accepted + span * rng.uniform(0.1, 0.95)
    note = rng.choice(RESOLVE_NOTES)
    if not (resolved := step(RequestStatus.RESOLVED, when, note)):
        return _finish(req, plan)
    req.resolved_at, req.resolve_note = resolved, note
    if rng.random() > RATE_SHARE:
        return _finish(req, plan)
    r = rng.random()
    satisfied, basic = (0.6, 0.9) if late else (0.86, 0.98)
    rating = Satisfaction.SATISFIED if r < satisfied else Satisfaction.BASIC if r < basic else Satisfaction.UNSATISFIED
    if rated := step(RequestStatus.RATED, resolved + timedelta(hours=rng.randint(1, 72)), Satisfaction(rating).label):
        req.rating, req.rating_comment, req.rated_at = rating, rng.choice(COMMENTS), rated
    return _finish(req, plan)


def _dispatch(rng, req, community_id, pools, step, at) -> bool:
    """Dispatch to a target of the community at ``at`` (if that is not after the end)."""
    target = _assignee(rng, community_id, pools)
    if target is None or not step(RequestStatus.DISPATCHED, at, target[2]):
        return False
    kind, fields, _note = target
    req.assignee_kind, req.dispatched_at = kind, at
    req.assigned_member_id = req.assigned_worker_id = req.assigned_team_id = None
    for name, value in fields.items():
        setattr(req, name, value)
    return True


def _assignee(rng, community_id, pools):
    """(kind, fields, event note) of a dispatch target of the community, or None."""
    options = []
    if pools["residents"].get(community_id):
        options += [AssigneeKind.MEMBER] * 5
    if pools["teams"].get(community_id):
        options += [AssigneeKind.TEAM] * 3
    if pools["workers"].get(community_id):
        options += [AssigneeKind.GRID_WORKER] * 2
    if not options:
        return None
    kind = rng.choice(options)
    if kind == AssigneeKind.MEMBER:
        return kind, {"assigned_member_id": rng.choice(pools["residents"][community_id])}, "派给党员"
    if kind == AssigneeKind.TEAM:
        return kind, {"assigned_team_id": rng.choice(pools["teams"][community_id])}, "派给志愿服务队"
    return kind, {"assigned_worker_id": rng.choice(pools["workers"][community_id])}, "派给网格员"


def _finish(req, plan):
    req.status = plan[-1][0]
    if req.status == RequestStatus.SUBMITTED:  # declined and not dispatched again (yet)
        req.assignee_kind, req.dispatched_at = "", None
        req.assigned_member_id = req.assigned_worker_id = req.assigned_team_id = None
    return req, plan


# ------------------------------------------------------------ the demo accounts' queues
QUEUE_TEXTS = ("单元门禁坏了，老人进出不方便，请帮忙报修。", "楼下路灯不亮一个多月了，晚上出行不安全。")


def ensure_demo_queue(*, community, dispatcher, member, rng) -> dict:
    """Work waiting in the demo accounts' queues in ``community``, through the real actions:
    a request to dispatch (``community``) and a request dispatched to ``member`` (a party
    member record with an account).  Adds only what is missing (running again adds nothing)."""
    from dangjian import trees
    from organizations.areas.choices import AreaLevel
    from organizations.areas.models import Area
    from services.requests import actions

    building = Area.objects.filter(trees.subtree_q(community), level=AreaLevel.BUILDING).order_by("pk").first()
    category = RequestCategory.objects.filter(code="general", is_active=True).first() or \
        RequestCategory.objects.filter(is_active=True).order_by("sort_order", "pk").first()
    made = defaultdict(int)
    if category is None:
        return {}

    def new_request(i):
        person = requester(rng)
        return actions.request_submit(community=community, building=building, category=category, text=QUEUE_TEXTS[i],
                                      name=person["requester_name"], phone=person["requester_phone"],
                                      address="" if building else community.name)

    if not ServiceRequest.objects.filter(community=community, status=RequestStatus.SUBMITTED).exists():
        new_request(0)
        made["to_dispatch"] += 1
    if not ServiceRequest.objects.filter(assigned_member=member, status=RequestStatus.DISPATCHED).exists():
        actions.request_dispatch(actor=dispatcher, request=new_request(1), member=member, note="请尽快联系居民上门查看。")
        made["dispatched"] += 1
    return dict(made)
