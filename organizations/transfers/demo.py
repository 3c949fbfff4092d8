"""Demo 组织关系转接 for ``seed_demo`` (its phase in ``_seed_lifecycle``).

``seed_transfers(rng=..., city_ids=..., today=...)`` takes about one member in a hundred of the
cities' branches and gives them transfers in every state, written in bulk (a few queries per
thousand rows, whatever the scale):

* within the portal, to another branch of the same city: pending (due in the coming weeks),
  overdue (pending past the rule's days), accepted (the member now in the receiving branch,
  the place columns following), returned with a reason, cancelled by the sender;
* out of the portal with a numbered letter: pending (the member "transferred out") and
  closed by the 回执; into it from an outside letter (the member registered on arrival);

and marks about one member in two hundred 失联 and one in seventy 流动党员 (a place and a
contact branch).  ``ensure_demo_queue`` then starts, through the real action, one transfer
into the demo ``community`` account's branches.  Running again adds nothing.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from organizations.members import places
from organizations.members.choices import ContactState
from organizations.members.models import Member
from organizations.orgs.models import PartyOrg
from organizations.transfers import rules
from organizations.transfers.choices import LetterDirection, TransferKind, TransferStatus
from organizations.transfers.models import IntroductionLetter, Transfer, TransferEvent
from organizations.transfers.selectors import DESTINATION_KINDS

BATCH = 5000
SHARE = 100  # one member in SHARE gets a transfer
LOST_SHARE = 200
MOBILE_SHARE = 70

# (kind, status, days since the start) — the mix of the demo's transfers
MIX = (
    (TransferKind.WITHIN, TransferStatus.PENDING, 5),
    (TransferKind.WITHIN, TransferStatus.PENDING, 45),  # overdue
    (TransferKind.WITHIN, TransferStatus.ACCEPTED, 120),
    (TransferKind.WITHIN, TransferStatus.ACCEPTED, 300),
    (TransferKind.WITHIN, TransferStatus.RETURNED, 60),
    (TransferKind.WITHIN, TransferStatus.CANCELLED, 90),
    (TransferKind.OUT, TransferStatus.PENDING, 20),
    (TransferKind.OUT, TransferStatus.ACCEPTED, 200),
    (TransferKind.IN, TransferStatus.ACCEPTED, 150),
)
REASONS = ("工作调动", "搬迁新居", "随子女居住", "单位改制", "升学", "退休返乡")
RETURN_REASONS = ("本支部查无该党员居住信息，请核实后重新发起", "接收党组织选择有误，应转入所在小区党支部")
OUTSIDE = ("中共沈阳市和平区委组织部", "中共大连市中山区委组织部", "中共北京市朝阳区委组织部", "中共青岛市市南区委组织部")
PLACES = ("广东省深圳市南山区", "江苏省苏州市工业园区", "上海市浦东新区", "北京市海淀区", "浙江省杭州市余杭区")


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


@transaction.atomic
def seed_transfers(*, rng, city_ids, today) -> dict:
    if Transfer.objects.exists():
        return {}
    counts = Counter()
    branches = defaultdict(list)  # city → branch ids
    branch_rows = Member.objects.filter(org_city__in=city_ids, organization__kind__in=DESTINATION_KINDS).values_list(
        "pk", "organization_id", "org_city").order_by("pk")
    members = list(branch_rows)
    for _pk, org_id, city in members:
        branches[city].append(org_id)
    for city in branches:
        branches[city] = sorted(set(branches[city]))
    rng.shuffle(members)
    chosen = members[: max(len(MIX), len(members) // SHARE)]
    rest = members[len(chosen):]
    transfers, letters, moves = [], [], defaultdict(list)
    out_members, serials = [], Counter()
    for i, (member_id, org_id, city) in enumerate(chosen):
        kind, status, ago = MIX[i % len(MIX)]
        started = today - timedelta(days=ago + rng.randint(0, 4))
        others = [b for b in branches[city] if b != org_id] or [org_id]
        target = rng.choice(others)
        t = Transfer(member_id=member_id, kind=kind, status=status, reason=rng.choice(REASONS), started_at=_at(started))
        if kind == TransferKind.WITHIN:
            t.from_org_id, t.to_org_id, t.due_on = org_id, target, rules.due_on(started)
            if status == TransferStatus.ACCEPTED:
                moves[target].append(member_id)
            if status == TransferStatus.RETURNED:
                t.return_reason = rng.choice(RETURN_REASONS)
        elif kind == TransferKind.OUT:
            t.from_org_id, t.outside_org, t.due_on = org_id, rng.choice(OUTSIDE), rules.letter_valid_until(started)
            out_members.append((member_id, started))
        else:
            t.to_org_id, t.outside_org = org_id, rng.choice(OUTSIDE)
        if status != TransferStatus.PENDING:
            t.answered_at = _at(min(today, started + timedelta(days=rng.randint(2, 20))), 15)
        transfers.append(t)
        counts[f"{kind}_{status}"] += 1
    Transfer.objects.bulk_create(transfers, batch_size=BATCH)
    issuers = {t.from_org_id for t in transfers if t.kind == TransferKind.OUT}
    issuer_rows = {pk: (code, name) for pk, code, name in PartyOrg.objects.filter(pk__in=issuers).values_list(
        "pk", "code", "name")}
    events = []
    for t in transfers:
        events.append(TransferEvent(transfer=t, from_status="", to_status=TransferStatus.PENDING, note=t.reason,
                                    at=t.started_at))
        if t.status != TransferStatus.PENDING:
            events.append(TransferEvent(transfer=t, from_status=TransferStatus.PENDING, to_status=t.status,
                                        note=t.return_reason, at=t.answered_at))
        if t.kind == TransferKind.OUT:
            year = t.started_at.year
            serials[(t.from_org_id, year)] += 1
            serial = serials[(t.from_org_id, year)]
            issued = timezone.localtime(t.started_at).date()
            letters.append(IntroductionLetter(
                transfer=t, direction=LetterDirection.OUT, issuer_id=t.from_org_id,
                issuer_name=issuer_rows[t.from_org_id][1], year=year, serial=serial,
                number=rules.letter_number(issuer_rows[t.from_org_id][0], year, serial), destination=t.outside_org,
                issued_on=issued, valid_until=rules.letter_valid_until(issued)))
        elif t.kind == TransferKind.IN:
            issued = timezone.localtime(t.started_at).date() - timedelta(days=7)
            letters.append(IntroductionLetter(
                transfer=t, direction=LetterDirection.IN, number=f"外组转字〔{issued.year}〕{t.pk % 1000:03d}号",
                issuer_name=t.outside_org, year=issued.year, issued_on=issued,
                valid_until=rules.letter_valid_until(issued)))
    TransferEvent.objects.bulk_create(events, batch_size=BATCH)
    IntroductionLetter.objects.bulk_create(letters, batch_size=BATCH)
    # accepted transfers: the members are in their new branch, with its place columns
    chains = places.org_chains(moves.keys())
    for org_id, member_ids in moves.items():
        fields = dict(zip(places.ORG_FIELDS.values(), chains.get(org_id, places.NO_CHAIN), strict=True))
        Member.objects.filter(pk__in=member_ids).update(organization_id=org_id, **fields)
    by_since = defaultdict(list)
    for member_id, since in out_members:
        by_since[since].append(member_id)
    for since, ids in by_since.items():
        Member.objects.filter(pk__in=ids).update(contact_state=ContactState.TRANSFERRED_OUT, state_since=since)
    # 失联 and 流动党员 among the members without a transfer
    lost = [m for i, m in enumerate(rest) if i % LOST_SHARE == 0]
    mobile = [m for i, m in enumerate(rest) if i % MOBILE_SHARE == 1]
    Member.objects.filter(pk__in=[m[0] for m in lost]).update(
        contact_state=ContactState.LOST, state_since=today - timedelta(days=240))
    by_contact = defaultdict(list)
    for member_id, _org_id, city in mobile:  # a few contact branches a city: few updates
        by_contact[(rng.choice(branches[city][:20]), rng.choice(PLACES))].append(member_id)
    for (contact, place), ids in by_contact.items():
        Member.objects.filter(pk__in=ids).update(contact_state=ContactState.MOBILE, mobile_place=place,
                                                 contact_org_id=contact, state_since=today - timedelta(days=100))
    counts["lost"], counts["mobile"] = len(lost), len(mobile)
    counts["transfers"] = len(transfers)
    return dict(counts)


def ensure_demo_queue(*, sender, community, member, today) -> dict:
    """A transfer waiting for the demo ``community`` account: from a branch outside its
    community into one of its branches, started by ``sender`` (the demo ``admin``) through the
    real action; and the demo ``member``'s own record of arriving by letter (their history
    page).  Nothing when they exist."""
    from organizations.transfers import actions

    made = {}
    if not Transfer.objects.filter(member=member).exists():
        arrived = today - timedelta(days=400)
        t = Transfer.objects.create(member=member, kind=TransferKind.IN, status=TransferStatus.ACCEPTED,
                                    to_org_id=member.organization_id, outside_org=OUTSIDE[0], reason="工作调动",
                                    started_at=_at(arrived), answered_at=_at(arrived, 15))
        TransferEvent.objects.bulk_create([
            TransferEvent(transfer=t, from_status="", to_status=TransferStatus.PENDING, at=t.started_at),
            TransferEvent(transfer=t, from_status=TransferStatus.PENDING, to_status=TransferStatus.ACCEPTED,
                          at=t.answered_at)])
        IntroductionLetter.objects.create(
            transfer=t, direction=LetterDirection.IN, number=f"沈和组转字〔{arrived.year}〕018号", issuer_name=OUTSIDE[0],
            year=arrived.year, issued_on=arrived - timedelta(days=5),
            valid_until=rules.letter_valid_until(arrived - timedelta(days=5)))
        made["member"] = 1

    inside = PartyOrg.objects.anchored_within(community).filter(kind__in=DESTINATION_KINDS).order_by("pk")
    if Transfer.objects.filter(to_org__in=inside, status=TransferStatus.PENDING, kind=TransferKind.WITHIN).exists():
        return made
    target = inside.first()
    if target is None:
        return made
    mover = (
        Member.objects.filter(organization__kind__in=DESTINATION_KINDS, contact_state=ContactState.NORMAL,
                              user__isnull=True, org_street=community.parent_id)
        .exclude(organization__in=inside).exclude(transfers__status=TransferStatus.PENDING).order_by("pk").first()
    )
    if mover is None:
        return made
    actions.transfer_start(actor=sender, member=mover, to_org=target, reason="搬迁至本社区居住")
    made["queue"] = 1
    return made
