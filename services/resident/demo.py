from __future__ import annotations

from collections import defaultdict

from django.db.models import Q

from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.members.models import Member
from services.resident.actions import new_code

BATCH_COMMUNITIES = 200


def chunks(items, n):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def containing(nodes, tree_id, lft):
    """The community (tree_id, lft, rght, pk) containing position (tree_id, lft)."""
    for _tree, c_lft, c_rght, pk in nodes.get(tree_id, ()):
        if c_lft <= lft <= c_rght:
            return pk
    return None


def inside_q(prefix, communities):
    """Rows whose ``prefix`` area lies in one of ``communities`` (the community included)."""
    q = Q(pk__in=[])
    for tree_id, lft, rght, _pk in communities:
        q |= Q(**{f"{prefix}tree_id": tree_id, f"{prefix}lft__gte": lft, f"{prefix}lft__lte": rght})
    return q


def community_batches(community_ids):
    """Per batch of ``BATCH_COMMUNITIES``, with three queries: ``(communities, nodes,
    buildings, residents)`` — the communities as (tree_id, lft, rght, pk), the same by
    tree, and per community the ids of its buildings and of the members living in it."""
    for batch in chunks(list(community_ids), BATCH_COMMUNITIES):
        communities = list(Area.objects.filter(pk__in=batch, level=AreaLevel.COMMUNITY)
                           .values_list("tree_id", "lft", "rght", "pk"))
        if not communities:
            continue
        nodes = defaultdict(list)
        for row in communities:
            nodes[row[0]].append(row)
        inside = Q(pk__in=[])
        for tree_id, lft, rght, _pk in communities:
            inside |= Q(tree_id=tree_id, lft__gt=lft, lft__lt=rght)
        buildings, residents = defaultdict(list), defaultdict(list)
        for pk, tree_id, lft in Area.objects.filter(inside, level=AreaLevel.BUILDING).values_list("pk", "tree_id", "lft"):
            buildings[containing(nodes, tree_id, lft)].append(pk)
        rows = Member.objects.filter(inside_q("residence__", communities)).values_list(
            "pk", "residence__tree_id", "residence__lft")
        for pk, tree_id, lft in rows:
            residents[containing(nodes, tree_id, lft)].append(pk)
        yield communities, nodes, buildings, residents


def unique_code(rng, taken, new=new_code):
    """A code from ``new(rng)`` not in ``taken`` (which then holds it)."""
    code = new(rng)
    while code in taken:
        code = new(rng)
    taken.add(code)
    return code


def requester(rng) -> dict:
    """A made-up requester's name and mobile phone (model field values)."""
    return {
        "requester_name": rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(("秀兰", "桂英", "建国", "淑珍", "志强", "玉梅")),
        "requester_phone": f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}",
    }


def plan_events(plan, make) -> list:
    """The event rows of a plan ``[(status, at, note)]``: ``make(from_status, to_status, note, at)``."""
    events, previous = [], ""
    for status, at, note in plan:
        events.append(make(previous, status, note, at))
        previous = status
    return events
