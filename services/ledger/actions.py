from decimal import Decimal

from django.db import transaction

from services.ledger.models import MemberYearHours, ServiceRecord, ServiceSource


@transaction.atomic
def service_record_upsert(*, source, source_id: int, member_id: int, hours, occurred_on, note="") -> ServiceRecord | None:
    """Add or update one member's record for one source; zero hours removes it."""
    hours = Decimal(hours or 0)
    if hours <= 0:
        if ServiceRecord.objects.filter(source=source, source_id=source_id, member_id=member_id).delete()[0]:
            MemberYearHours.objects.refresh(member_ids=[member_id])
        return None
    # the row's save() refreshes the member's yearly totals
    record, _created = ServiceRecord.objects.update_or_create(
        source=source, source_id=source_id, member_id=member_id,
        defaults={"hours": hours, "occurred_on": occurred_on, "note": note[:200]},
    )
    return record


@transaction.atomic
def service_records_for_activity(*, activity, present_member_ids, counts_service: bool, occurred_on) -> dict:
    """Make the ledger match an activity's attendance, set-based (a fixed number of queries;
    the yearly totals of the members whose records changed are refreshed with them).

    Members present at an activity whose type counts service get ``activity.service_hours``
    on the activity's local date; everyone else (absent, excused, removed, or the type does
    not count service) has no record for it.  Returns how many rows were created, updated
    and deleted.
    """
    hours = Decimal(activity.service_hours or 0)
    wanted = set(present_member_ids) if counts_service and hours > 0 else set()
    note = str(activity.topic)[:200]
    rows = ServiceRecord.objects.filter(source=ServiceSource.ACTIVITY, source_id=activity.pk)
    existing = {r.member_id: r for r in rows.select_for_update()}
    stale = [r.pk for member_id, r in existing.items() if member_id not in wanted]
    deleted = ServiceRecord.objects.filter(pk__in=stale).delete()[0] if stale else 0
    changed = []
    for member_id in wanted & existing.keys():
        record = existing[member_id]
        if record.hours != hours or record.occurred_on != occurred_on or record.note != note:
            record.hours, record.occurred_on, record.note = hours, occurred_on, note
            changed.append(record)
    if changed:
        ServiceRecord.objects.bulk_update(changed, ["hours", "occurred_on", "note"])
    new = [
        ServiceRecord(
            member_id=member_id, source=ServiceSource.ACTIVITY, source_id=activity.pk,
            hours=hours, occurred_on=occurred_on, note=note,
        )
        for member_id in sorted(wanted - existing.keys())
    ]
    if new:
        ServiceRecord.objects.bulk_create(new)
    touched = (existing.keys() - wanted) | {r.member_id for r in changed} | {r.member_id for r in new}
    if touched:
        MemberYearHours.objects.refresh(member_ids=touched)
    return {"created": len(new), "updated": len(changed), "deleted": deleted}
