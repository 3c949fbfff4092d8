from __future__ import annotations

from collections import defaultdict

from dangjian import trees
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.members.models import Member
from services.resident.actions import new_code

BATCH_COMMUNITIES = 200


def chunks(items, n):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def inside_q(prefix, communities):
    """Rows whose ``prefix`` area lies in one of ``communities`` (the community included)."""
    return trees.ranges_q([s for _pk, s in communities], prefix)


def community_batches(community_ids):
    """Per batch of ``BATCH_COMMUNITIES``, with three queries: ``(communities, nodes,
    buildings, residents)`` — the communities as ``(pk, span)``, a ``trees.Locator`` finding
    the community holding a place, and per community the ids of its buildings and of the
    members living in it."""
    for batch in chunks(list(community_ids), BATCH_COMMUNITIES):
        communities = list(trees.with_spans(Area.objects.filter(pk__in=batch, level=AreaLevel.COMMUNITY), "pk"))
        if not communities:
            continue
        nodes = trees.Locator((s, pk) for pk, s in communities)
        inside = trees.ranges_q([s for _pk, s in communities], include_self=False)
        buildings, residents = defaultdict(list), defaultdict(list)
        for pk, place in trees.with_spans(Area.objects.filter(inside, level=AreaLevel.BUILDING), "pk", at_position=True):
            buildings[nodes.find(place)].append(pk)
        rows = trees.with_spans(Member.objects.filter(inside_q("residence", communities)), "pk", prefix="residence",
                                at_position=True)
        for pk, place in rows:
            residents[nodes.find(place)].append(pk)
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
