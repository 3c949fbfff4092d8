"""Demo micro-wishes for ``seed_demo``: a year of wishes per community with realistic
outcomes, their events, and the service hours of fulfilled member claims.

``seed_wishes(rng=..., community_ids=..., today=...)`` is the bulk path: communities are
taken in batches, each batch read with a fixed number of queries (buildings, resident
members, anchored organizations) and written with ``bulk_create``.

Shape: 2–6 wishes a community a month over the last twelve months; about 5% rejected
and 3% cancelled; most published wishes are claimed (85%, by a member living in the
community, sometimes by one of its organizations), most claims fulfilled (88%) and most
fulfilled wishes rated (80%, mostly 满意).  Recent wishes are more often still open.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from dangjian import trees
from organizations.orgs.models import PartyOrg
from services.ledger.models import ServiceRecord, ServiceSource
from services.resident.choices import Satisfaction
from services.resident.demo import community_batches, inside_q, plan_events, requester, unique_code
from services.wishes.choices import WISH_SERVICE_HOURS, WishKind, WishStatus
from services.wishes.models import Wish, WishEvent

WRITE_BATCH = 2000
MONTHS = 12
REJECT_SHARE, CANCEL_SHARE = 0.05, 0.03
CLAIM_SHARE, ORG_CLAIM_SHARE, FULFIL_SHARE, RATE_SHARE = 0.85, 0.15, 0.88, 0.80

TEXTS = {
    WishKind.MATERIAL: (
        "家中老人行动不便，希望有一辆轮椅。", "孩子上学需要一个书包和文具。", "冬天快到了，想要一床厚棉被。",
        "独居老人想要一台收音机听戏。", "希望能有一副老花镜看报纸。", "家里的电饭煲坏了，想要一个新的。",
        "孙子喜欢看书，想要几本课外读物。", "想要一台电风扇度过夏天。",
    ),
    WishKind.SPIRITUAL: (
        "想请人教我用智能手机和家人视频。", "希望有人周末陪老伴聊聊天。", "想学写毛笔字，希望有人指导。",
        "孩子数学跟不上，希望有党员辅导功课。", "想拍一张全家福。", "希望有人帮忙读一读家里的来信。",
    ),
}
REJECT_REASONS = ("不属于微心愿范围，已转社区救助窗口办理。", "心愿内容涉及较大金额，建议申请专项救助。")
CANCEL_REASONS = ("心愿人表示已自行解决。", "心愿人已搬离本社区。")
FULFIL_NOTES = ("已上门送达，老人很高兴。", "已按约定时间完成，拍照留念。", "已联系心愿人完成心愿。")
COMMENTS = ("谢谢党员同志！", "非常及时，很满意。", "", "", "希望以后多开展这样的活动。")


def _moment(day, rng):
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 20), rng.randint(0, 59))))


@transaction.atomic
def seed_wishes(*, rng, community_ids, today) -> dict:
    totals = defaultdict(int)
    taken = set(Wish.objects.values_list("code", flat=True))
    for communities, nodes, buildings, residents in community_batches(community_ids):
        orgs = defaultdict(list)
        for pk, place in trees.with_spans(PartyOrg.objects.filter(inside_q("area", communities)), "pk", prefix="area",
                                          at_position=True):
            orgs[nodes.find(place)].append(pk)

        wishes, plans = [], []
        for community_id, _span in communities:
            for month in range(MONTHS):
                for _ in range(rng.randint(2, 6)):
                    day = today - timedelta(days=month * 30 + rng.randint(0, 29))
                    wish, plan = _plan(rng, community_id, day, today, buildings, residents, orgs)
                    wish.code = unique_code(rng, taken)
                    wishes.append(wish)
                    plans.append(plan)
        created = Wish.objects.bulk_create(wishes, batch_size=WRITE_BATCH)
        for wish, plan in zip(created, plans):
            wish.created_at = plan[0][1]
        Wish.objects.bulk_update(created, ["created_at"], batch_size=WRITE_BATCH)
        events, records = [], []
        for wish, plan in zip(created, plans):
            events += plan_events(plan, lambda old, new, note, at, wish=wish: WishEvent(
                wish=wish, from_status=old, to_status=new, note=note, at=at))
            if wish.claimed_member_id and wish.fulfilled_at:
                records.append(ServiceRecord(
                    member_id=wish.claimed_member_id, source=ServiceSource.WISH, source_id=wish.pk,
                    hours=WISH_SERVICE_HOURS, occurred_on=timezone.localdate(wish.fulfilled_at),
                    note=f"完成微心愿 {wish.code}",
                ))
            totals[wish.status] += 1
        WishEvent.objects.bulk_create(events, batch_size=WRITE_BATCH)
        ServiceRecord.objects.bulk_create(records, batch_size=WRITE_BATCH, ignore_conflicts=True)
        totals["wishes"] += len(created)
        totals["events"] += len(events)
        totals["service_records"] += len(records)
    return dict(totals)


def _demo_user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username, is_active=True).first()


def waiting_for_demo_accounts(rng) -> int:
    """Work waiting for the demo accounts, through the actions as a resident and the member
    would do it, when the random year left none: a wish to review in the ``community``
    account's community, and a claimed wish the ``member`` account has still to fulfil.
    Returns how many wishes were added (0 without the demo accounts)."""
    from organizations.grants.choices import Role
    from services.resident.permissions import member_community
    from services.wishes import actions

    added = 0
    cadre = _demo_user("community")
    grant = cadre.grants.filter(role=Role.COMMUNITY, area__isnull=False).select_related("area").first() if cadre else None
    if grant is not None and not Wish.objects.filter(community=grant.area, status=WishStatus.SUBMITTED).exists():
        kind = WishKind.SPIRITUAL
        who = requester(rng)
        actions.wish_submit(community=grant.area, kind=kind, text=rng.choice(TEXTS[kind]), name=who["requester_name"],
                            phone=who["requester_phone"], address="社区服务站转交")
        added += 1
    member_user = _demo_user("member")
    community = member_community(member_user) if member_user else None
    if community is None or Wish.objects.filter(claimed_member__user=member_user, status=WishStatus.CLAIMED).exists():
        return added
    wish = Wish.objects.filter(community=community, status=WishStatus.PUBLISHED).order_by("-published_at", "-pk").first()
    if wish is None and grant is not None and grant.area.pk == community.pk:
        kind = WishKind.MATERIAL
        who = requester(rng)
        wish = actions.wish_submit(community=community, kind=kind, text=rng.choice(TEXTS[kind]),
                                   name=who["requester_name"], phone=who["requester_phone"], address="社区服务站转交")
        wish = actions.wish_publish(actor=cadre, wish=wish)
        added += 1
    if wish is not None:
        actions.wish_claim(actor=member_user, wish=wish)
    return added


def _plan(rng, community_id, day, today, buildings, residents, orgs):
    """One wish and its events ``[(status, at, note)]`` — each step a few days after the last."""
    kind = WishKind.MATERIAL if rng.random() < 0.6 else WishKind.SPIRITUAL
    own_buildings = buildings.get(community_id) or [None]
    wish = Wish(
        community_id=community_id, building_id=rng.choice(own_buildings),
        address="" if own_buildings[0] else "社区服务站转交",
        **requester(rng), kind=kind, text=rng.choice(TEXTS[kind]),
    )
    at = _moment(day, rng)
    plan = [(WishStatus.SUBMITTED, at, "")]


    def step(status, note="", days=(1, 4)):
        nonlocal at
        nxt = at + timedelta(days=rng.randint(*days), hours=rng.randint(0, 6))
        if nxt.date() > today:
            return None
        at = nxt
        plan.append((status, at, note))
        return at

    roll = rng.random()
    if roll < REJECT_SHARE:
        when = step(WishStatus.REJECTED, rng.choice(REJECT_REASONS))
        if when:
            wish.reject_reason = plan[-1][2]
        return _finish(wish, plan)
    if roll < REJECT_SHARE + CANCEL_SHARE:
        if step(WishStatus.CANCELLED, rng.choice(CANCEL_REASONS)):
            wish.cancel_reason = plan[-1][2]
        return _finish(wish, plan)
    if not (published := step(WishStatus.PUBLISHED)):
        return _finish(wish, plan)
    wish.published_at = published
    members, own_orgs = residents.get(community_id, []), orgs.get(community_id, [])
    if rng.random() > CLAIM_SHARE or not (members or own_orgs):
        return _finish(wish, plan)
    by_org = own_orgs and (not members or rng.random() < ORG_CLAIM_SHARE)
    if not (claimed := step(WishStatus.CLAIMED, "由党组织认领" if by_org else "由党员认领", days=(0, 6))):
        return _finish(wish, plan)
    wish.claimed_at = claimed
    if by_org:
        wish.claimed_org_id = rng.choice(own_orgs)
    else:
        wish.claimed_member_id = rng.choice(members)
    if rng.random() > FULFIL_SHARE:
        return _finish(wish, plan)
    note = rng.choice(FULFIL_NOTES)
    if not (fulfilled := step(WishStatus.FULFILLED, note, days=(1, 14))):
        return _finish(wish, plan)
    wish.fulfilled_at, wish.fulfil_note = fulfilled, note
    if rng.random() > RATE_SHARE:
        return _finish(wish, plan)
    r = rng.random()
    rating = Satisfaction.SATISFIED if r < 0.85 else Satisfaction.BASIC if r < 0.97 else Satisfaction.UNSATISFIED
    if rated := step(WishStatus.RATED, Satisfaction(rating).label, days=(0, 5)):
        wish.rating, wish.rating_comment, wish.rated_at = rating, rng.choice(COMMENTS), rated
    return _finish(wish, plan)


def _finish(wish, plan):
    wish.status = plan[-1][0]
    return wish, plan


# ------------------------------------------------------------ the demo accounts' queues
QUEUE_WISHES = (
    (WishKind.MATERIAL, "独居老人想要一台收音机听戏，平时一个人在家很闷。"),
    (WishKind.SPIRITUAL, "希望有志愿者每周陪孩子读一次书。"),
)


def ensure_demo_queue(*, community, reviewer, rng) -> dict:
    """Work waiting in the demo accounts' queues in ``community``, through the real actions:
    a wish to review (``community``) and a published wish to claim (``member``, ``member2``).
    Adds only what is missing (running again adds nothing)."""
    from organizations.areas.choices import AreaLevel
    from organizations.areas.models import Area
    from services.wishes import actions

    building = Area.objects.filter(trees.subtree_q(community), level=AreaLevel.BUILDING).order_by("pk").first()
    made = defaultdict(int)

    def new_wish(i):
        kind, text = QUEUE_WISHES[i]
        person = requester(rng)
        return actions.wish_submit(community=community, building=building, address="" if building else community.name,
                                   kind=kind, text=text, name=person["requester_name"], phone=person["requester_phone"])

    if not Wish.objects.filter(community=community, status=WishStatus.SUBMITTED).exists():
        new_wish(0)
        made["to_review"] += 1
    if not Wish.objects.filter(community=community, status=WishStatus.PUBLISHED).exists():
        actions.wish_publish(actor=reviewer, wish=new_wish(1))
        made["to_claim"] += 1
    return dict(made)
