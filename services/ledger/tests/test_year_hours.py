"""The yearly totals (``MemberYearHours``) always equal the sum of the ledger's rows, whichever
writer changed the ledger: one row saved or deleted, a source upserted or removed, an
activity's attendance re-recorded, a full refresh after bulk seeding; and the readers that
rank members by their year's hours read them."""
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from django.db.models import Sum

from organizations.members.models import Member
from services.ledger import selectors
from services.ledger.actions import service_record_upsert, service_records_for_activity
from services.ledger.models import MemberYearHours, ServiceRecord, ServiceSource


def totals():
    return {(r.member_id, r.year): r.hours for r in MemberYearHours.objects.all()}


def from_ledger():
    rows = ServiceRecord.objects.order_by().values("member_id", "occurred_on__year").annotate(h=Sum("hours"))
    return {(r["member_id"], r["occurred_on__year"]): Decimal(r["h"]) for r in rows}


def test_one_row_saved_moved_and_deleted_keeps_the_totals(city):
    m = city.a.members[0]
    r1 = ServiceRecord.objects.create(member=m, source=ServiceSource.WISH, source_id=1, hours=Decimal("2.5"),
                                      occurred_on=date(2026, 3, 1))
    ServiceRecord.objects.create(member=m, source=ServiceSource.WISH, source_id=2, hours=Decimal("1.5"),
                                 occurred_on=date(2026, 5, 1))
    assert totals() == {(m.pk, 2026): Decimal("4.0")}
    r1.occurred_on = date(2025, 12, 31)  # moved to last year: both years follow
    r1.save()
    assert totals() == {(m.pk, 2026): Decimal("1.5"), (m.pk, 2025): Decimal("2.5")} == from_ledger()
    r1.delete()
    assert totals() == {(m.pk, 2026): Decimal("1.5")}


def test_upsert_and_zero_hours_removal(city):
    m = city.a.members[1]
    service_record_upsert(source=ServiceSource.REQUEST, source_id=7, member_id=m.pk, hours="3", occurred_on=date(2026, 2, 2))
    service_record_upsert(source=ServiceSource.REQUEST, source_id=7, member_id=m.pk, hours="4.5", occurred_on=date(2026, 2, 2))
    assert totals() == {(m.pk, 2026): Decimal("4.5")}
    service_record_upsert(source=ServiceSource.REQUEST, source_id=7, member_id=m.pk, hours="0", occurred_on=date(2026, 2, 2))
    assert totals() == {} == from_ledger()


def test_activity_attendance_rerecorded_keeps_the_totals(city):
    a, b, c = (city.a.members + city.b.members)[:3]
    # the ledger reads only these of an activity (organizational life calls it with its own)
    activity = SimpleNamespace(pk=41, service_hours=Decimal("2"), topic="主题党日")
    day = date(2026, 6, 1)
    service_records_for_activity(activity=activity, present_member_ids=[a.pk, b.pk], counts_service=True, occurred_on=day)
    assert totals() == {(a.pk, 2026): Decimal("2.0"), (b.pk, 2026): Decimal("2.0")}
    activity.service_hours = Decimal("3")
    service_records_for_activity(activity=activity, present_member_ids=[b.pk, c.pk], counts_service=True, occurred_on=day)
    assert totals() == {(b.pk, 2026): Decimal("3.0"), (c.pk, 2026): Decimal("3.0")} == from_ledger()
    service_records_for_activity(activity=activity, present_member_ids=[b.pk], counts_service=False, occurred_on=day)
    assert totals() == {} == from_ledger()


def test_full_refresh_after_bulk_writes(city):
    members = city.a.members + city.b.members
    ServiceRecord.objects.bulk_create([
        ServiceRecord(member=m, source=ServiceSource.ACTIVITY, source_id=i, hours=Decimal("1.5"),
                      occurred_on=date(2025 + (i // len(members)) % 2, 1 + i % 12, 1))
        for i, m in enumerate(members * 3)
    ])
    MemberYearHours.objects.create(member=members[0], year=2020, hours=Decimal("9"))  # stale: no records that year
    MemberYearHours.objects.refresh()
    assert totals() == from_ledger() and len(totals()) > len(members)
    MemberYearHours.objects.refresh()  # idempotent
    assert totals() == from_ledger()


def test_readers_rank_by_the_year_and_count_who_reached(city):
    a, b = city.a.members[:2]
    for i, (m, h, day) in enumerate([(a, "5", date(2026, 1, 9)), (b, "12", date(2026, 4, 1)), (a, "30", date(2025, 4, 1))]):
        ServiceRecord.objects.create(member=m, source=ServiceSource.WISH, source_id=100 + i, hours=Decimal(h), occurred_on=day)
    ranked = list(selectors.with_year_hours(Member.objects.filter(pk__in=[a.pk, b.pk]), 2026).order_by("-year_hours"))
    assert [(m.pk, m.year_hours) for m in ranked] == [(b.pk, Decimal("12.0")), (a.pk, Decimal("5.0"))]
    zero = selectors.with_year_hours(Member.objects.filter(pk=a.pk), 2024).get()
    assert zero.year_hours == 0
    assert set(Member.objects.filter(selectors.reached_q(2026, Decimal("10"))).values_list("pk", flat=True)) == {b.pk}
    assert selectors.member_year_hours(a.pk, 2025) == Decimal("30.0")
