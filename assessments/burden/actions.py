"""Writes of the burden meter: a tally of values typed, added to in one upsert.

``tally_add`` is the receiver of ``dangjian.burden.values_typed`` (connected in
``AssessmentsConfig.ready``).  The user's area is the lowest-level area of their staff grants
(a community cadre's community, a street cadre's street); below a community (a grid worker at
a compound) it is the community holding it.  It is found inside the very INSERT … SELECT that
adds the count, from the grants' ranges already cached on the user (``get_scope``): one
statement, no read before it.  Two writers adding to the same key at once both count
(``ON CONFLICT … count = count + excluded.count``).
"""
from __future__ import annotations

import logging
from datetime import date, datetime

from django.db import DatabaseError, transaction
from django.db.models import Exists
from django.utils import timezone

from assessments.burden.models import EntryTally
from dangjian import trees
from dangjian.burden import CHANNELS, STAFF_ROLES
from dangjian.derived import upsert_select
from dangjian.scoping import get_scope
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from organizations.orgs.models import PartyOrg

log = logging.getLogger(__name__)


def month_of(at: datetime | date) -> date:
    """The first day of ``at``'s month in the portal's zone (Asia/Shanghai)."""
    day = timezone.localdate(at) if isinstance(at, datetime) else at
    return day.replace(day=1)


def area_rows(user):
    """A one-row ``values_list`` queryset of the area the user's typing counts for (none when
    the user holds no staff grant), built from the cached scope without a query."""
    scope = get_scope(user)
    areas = [r for r in scope.areas_for(STAFF_ROLES) if r.level is not None]
    if areas:
        lowest = max(areas, key=lambda r: (r.level, -r.start))
        if lowest.level <= AreaLevel.COMMUNITY:
            rows = Area.objects.filter(pk=lowest.node_id)
        else:  # a grid worker's compound: the community holding it
            rows = Area.objects.filter(trees.ancestors_q(trees.position(lowest)), level=AreaLevel.COMMUNITY)
        return rows.values_list("pk")
    orgs = scope.orgs_for(STAFF_ROLES)
    if orgs:  # an organization grant: the community (or the higher area) its anchor lies in
        anchored = PartyOrg.objects.filter(pk=orgs[0].node_id).filter(trees.subtree_q(trees.outer(), "area"))
        return (Area.objects.filter(Exists(anchored), level__lte=AreaLevel.COMMUNITY)
                .order_by("-level").values_list("pk")[:1])
    return None


def tally_add(*, actor, count: int, channel: str, source: str, at=None) -> bool:
    """Add ``count`` values typed by ``actor`` to the tally of their area and ``at``'s month;
    False (logged) when nothing could be written — never an error for the caller."""
    if channel not in CHANNELS or count <= 0:
        return False
    rows = area_rows(actor)
    if rows is None:
        return False
    now = timezone.now()
    month = month_of(at or now)
    try:
        with transaction.atomic():  # a savepoint: a failed write leaves the caller's transaction usable
            upsert_select(
                EntryTally, rows, ("area_id",), unique=("area_id", "month", "channel", "source"),
                constants={"month": month, "channel": channel, "source": source[:100], "count": int(count),
                           "updated_at": now},
                add=("count",),
            )
    except DatabaseError:
        log.exception("burden: the tally of %s (%s %s) could not be written", getattr(actor, "pk", None), channel, source)
        return False
    return True


def on_values_typed(sender, *, user, count, channel, source, at, **kwargs):
    tally_add(actor=user, count=count, channel=channel, source=source, at=at)

