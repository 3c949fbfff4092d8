"""Progress follows the records: when a record behind a bound item's figure is saved or
deleted, the checklists of the record's organization (and of the organizations above it)
are refreshed by one outbox job (``dangjian.jobs``), after the commit.

The receivers read only the record's own foreign keys (no query inside the writer's
transaction; a writer's query count is unchanged).  After the commit one callback finds the
record's organization or place (one small query for the records that only know a member, a
whistle, a case or a grid), gives up at once when no bound item exists this year (one
``EXISTS``), else enqueues ``assessments.tasks.refresh_checklists_of`` deduplicated on that
organization or place, so a burst of saves is one job — and one check: the keys a
transaction notes are scheduled together by one callback (``_Batch``).  Connected in
``AssessmentsConfig.ready``; fixtures (``raw``) are ignored; the nightly job
(``refresh_checklists_nightly``) catches anything missed (a record changed by ``update()``).
"""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

log = logging.getLogger(__name__)
_state = threading.local()


@contextmanager
def muted():
    """No refresh jobs from the records saved inside (a bulk load such as ``seed_demo``, which
    refreshes every bound item once at its end)."""
    before = getattr(_state, "muted", False)
    _state.muted = True
    try:
        yield
    finally:
        _state.muted = before


def _org(pk):
    return ("org", pk) if pk else None


def _area(pk):
    return ("area", pk) if pk else None


def _member_org(member_id):
    from organizations.members.models import Member

    return _org(Member.objects.filter(pk=member_id).values_list("organization_id", flat=True).first())


def _whistle_area(whistle_id):
    from services.whistles.models import Whistle

    return _area(Whistle.objects.filter(pk=whistle_id).values_list("area_id", flat=True).first())


def _case_org(case_id):
    from organizations.development.models import DevelopmentCase

    return _org(DevelopmentCase.objects.filter(pk=case_id).values_list("organization_id", flat=True).first())


# model label → (what to read on the instance, no query; how to find the org or place after the commit)
WATCHED = {
    "assessments.Activity": (lambda r: r.org_id, _org),
    "services.ServiceRecord": (lambda r: r.member_id, _member_org),
    "services.Wish": (lambda r: r.building_id or r.community_id, _area),
    "services.ServiceRequest": (lambda r: r.building_id or r.community_id, _area),
    "services.WhistleTarget": (lambda r: r.whistle_id, _whistle_area),
    "services.Whistle": (lambda r: r.area_id, _area),
    "organizations.DuesPayment": (lambda r: r.organization_id, _org),
    "organizations.DuesOrgMonth": (lambda r: r.org_id, _org),
    "organizations.DevelopmentCase": (lambda r: r.organization_id, _org),
    "organizations.DevelopmentStep": (lambda r: r.case_id, _case_org),
    "grids.Grid": (lambda r: r.community_id, _area),
    "grids.GridArea": (lambda r: r.area_id, _area),  # the compound or building it covers (and above)
}


def record_changed(sender, instance, raw=False, **kwargs):
    """Note the record's key; the first commit after it schedules every key noted (a burst of
    saves in one transaction — an import, a sheet — is one check and one job per target, not
    one per record)."""
    if raw or getattr(_state, "muted", False):
        return
    read, resolve = WATCHED[sender._meta.label]
    key = read(instance)
    if key is None:
        return
    batch = _waiting_batch()
    if batch is not None:
        batch.keys.add((resolve, key))
        return
    batch = _Batch()
    batch.keys.add((resolve, key))  # before on_commit: outside a transaction it runs at once
    transaction.on_commit(batch, robust=True)


class _Batch:
    """The keys noted in one transaction, scheduled once after it commits.  Django drops the
    callbacks of a rolled-back savepoint, and the batch's keys with them."""

    def __init__(self):
        self.keys: set = set()
        self.done = False

    def __call__(self):
        self.done = True
        schedule_refresh(*{resolve(key) for resolve, key in self.keys})


def _waiting_batch():
    """The batch this transaction will run after its commit (None outside a transaction, where
    ``on_commit`` runs at once)."""
    if not connection.in_atomic_block:
        return None
    for _sids, func, _robust in connection.run_on_commit:
        if isinstance(func, _Batch) and not func.done:
            return func
    return None


def schedule_refresh(*targets) -> bool:
    """Enqueue the refresh of the checklists above each ``("org"|"area", id)`` when any bound
    item of this year exists (one ``EXISTS`` for all); returns whether a job was enqueued."""
    from django.utils import timezone

    from assessments.checklists.models import ChecklistItem
    from dangjian import jobs

    targets = [t for t in targets if t is not None]
    if not targets:
        return False
    if not ChecklistItem.objects.filter(checklist__year=timezone.localdate().year).exclude(figure="").exists():
        return False
    for kind, pk in sorted(targets):
        jobs.enqueue("assessments.tasks.refresh_checklists_of", dedupe=f"checklists.refresh:{kind}:{pk}",
                     **{f"{kind}_id": pk})
    return True


def connect() -> None:
    from django.apps import apps

    for label in WATCHED:
        model = apps.get_model(label)
        uid = f"checklists.refresh.{label}"
        post_save.connect(record_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(record_changed, sender=model, dispatch_uid=f"{uid}.delete")
