"""Tasks of the four lists: bound items' progress follows the records.

* ``assessments.tasks.refresh_checklists_of`` — an outbox job (``receivers``): the lists of
  one organization and the organizations above it, or of the organizations anchored at a
  place and above it;
* ``assessments.tasks.refresh_checklists_nightly`` — beat: every bound item of the current
  year (and, in January, of the year just ended: its last days were computed before it ended).

Both are idempotent (progress is recomputed from the records, status changes re-checked on
the locked rows)."""
from __future__ import annotations

from django.utils import timezone

from assessments.checklists import actions
from dangjian import trees
from dangjian.jobs import job_task


def orgs_above(*, org_id=None, area_id=None) -> list[int]:
    """The organization and its ancestors; or the organizations anchored at the area or at
    one of its ancestors (one query each)."""
    from organizations.areas.models import Area
    from organizations.orgs.models import PartyOrg

    if org_id is not None:
        org = PartyOrg.objects.filter(pk=org_id).first()
        if org is None:
            return []
        return list(PartyOrg.objects.filter(trees.ancestors_q(trees.span(org))).values_list("pk", flat=True))
    area = Area.objects.filter(pk=area_id).first() if area_id is not None else None
    if area is None:
        return []
    return list(PartyOrg.objects.filter(area__in=Area.objects.filter(trees.ancestors_q(trees.span(area))).values("pk"))
                .values_list("pk", flat=True))


@job_task(name="assessments.tasks.refresh_checklists_of")
def refresh_checklists_of(org_id=None, area_id=None) -> dict:
    ids = orgs_above(org_id=org_id, area_id=area_id)
    if not ids:
        return {"items": 0}
    return actions.checklist_items_refresh(org_ids=ids)


@job_task(name="assessments.tasks.refresh_checklists_nightly")
def refresh_checklists_nightly() -> dict:
    today = timezone.localdate()
    counts = actions.checklist_items_refresh(today=today)
    if today.month == 1:
        actions.checklist_items_refresh(year=today.year - 1, today=today)
    return counts
