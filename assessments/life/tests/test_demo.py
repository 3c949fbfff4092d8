"""Demo organizational life on a small factory world: rules followed with gaps, rosters
respected, reasons given, service hours, lapsed members, reads constant per batch."""
import random
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.life import demo, schedule, selectors
from assessments.life.choices import AttendanceStatus
from assessments.life.models import Activity, Attendance
from assessments.tests.budgets import BUDGETS
from assessments.tests.factories import ensure_default_rules
from organizations.members.choices import OrgRole
from organizations.orgs.choices import OrgCategory, OrgKind
from organizations.tests.factories import MemberFactory, PartyOrgFactory, build_community
from services.ledger.models import ServiceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_rules(db):
    """Transactional tests (browser, races) flush the rows of the data migration; every
    test here starts with the default activity types and rule set in place."""
    ensure_default_rules()

TODAY = date(2026, 11, 22)


def _world(city, extra_branches=0):
    for m in city.a.members[:1] + city.b.members[:1]:
        m.org_role = OrgRole.SECRETARY
        m.save()
    orgs = [city.a.branch, city.a.group, city.b.branch, city.b.group]
    for i in range(extra_branches):
        branch = PartyOrgFactory(name=f"新支部{i}", area=city.a.compound, parent=city.a.committee,
                                 kind=OrgKind.BRANCH, category=OrgCategory.COMPOUND)
        for _ in range(5):
            MemberFactory(organization=branch, residence=city.a.building)
        orgs.append(branch)
    return orgs


def _seed(orgs, seed=7):
    return demo.seed_activities(rng=random.Random(seed), org_ids=[o.pk for o in orgs], today=TODAY)


def test_seeded_year_follows_rules_and_rosters(city):
    orgs = _world(city)
    counts = _seed(orgs)
    assert counts["activities"] == Activity.objects.count() > 50
    assert counts["attendance"] == Attendance.objects.count() and counts["service_records"] == ServiceRecord.objects.count()
    assert set(Activity.objects.values_list("org_id", flat=True)) == {o.pk for o in orgs}
    window = schedule.window_start(TODAY)
    for a in Activity.objects.select_related("activity_type"):
        assert window <= schedule.local_date(a.starts_at) <= TODAY and a.ends_at > a.starts_at
        if a.activity_type.code == "vanguard_day":
            day = schedule.local_date(a.starts_at)
            assert day == schedule.last_friday(day.year, day.month)
        if a.activity_type.has_steps:
            assert a.step
    # rosters: branch members; the group's are its branch's members living in its building
    for org in orgs:
        roster = set(selectors.roster(org).values_list("pk", flat=True))
        attended = set(Attendance.objects.filter(activity__org=org).values_list("member_id", flat=True))
        assert attended <= roster and attended
    committee = Attendance.objects.filter(activity__activity_type__code="branch_committee_meeting")
    assert set(committee.values_list("member__org_role", flat=True)) == {OrgRole.SECRETARY}
    assert not Attendance.objects.exclude(status=AttendanceStatus.PRESENT).filter(reason="").exists()
    present_at_service = Attendance.objects.filter(activity__activity_type__counts_service=True, status=AttendanceStatus.PRESENT)
    assert set(ServiceRecord.objects.values_list("source_id", "member_id")) == set(
        present_at_service.values_list("activity_id", "member_id")
    )


def test_same_seed_same_data(city):
    orgs = _world(city)
    first = _seed(orgs, seed=3)
    rows = list(Activity.objects.order_by("pk").values_list("org_id", "activity_type_id", "starts_at", "topic"))
    Activity.objects.all().delete()
    ServiceRecord.objects.all().delete()
    assert _seed(orgs, seed=3) == first
    assert list(Activity.objects.order_by("pk").values_list("org_id", "activity_type_id", "starts_at", "topic")) == rows


def test_gaps_are_realistic_and_some_members_lapse(city, monkeypatch):
    monkeypatch.setattr(demo, "INACTIVE_SHARE", 0.3)
    orgs = _world(city, extra_branches=30)
    _seed(orgs)
    done = required = 0
    for org in orgs:
        calendar = selectors.org_calendar(selectors.PartyOrg.objects.select_related("area").get(pk=org.pk), TODAY)
        for row in calendar.rows:
            for cell in row.cells:
                if cell.status in ("done", "overdue"):
                    required += 1
                    done += cell.status == "done"
    assert 0.75 <= done / required <= 0.95
    result = selectors.area_compliance(city.street, TODAY)
    assert 0 < result.summary.compliant < result.summary.assessed  # some comply, some lag
    lapsed = selectors.inactive_members(city.a.area, TODAY)
    assert lapsed.exists()
    cutoff = selectors.day_start(schedule.months_back(TODAY, demo.INACTIVE_MONTHS))
    for member in lapsed:
        assert not Attendance.objects.filter(member=member, status="present", activity__starts_at__gte=cutoff).exists()


def test_reads_are_constant_per_batch(city):
    def selects(orgs):
        with CaptureQueriesContext(connection) as ctx:
            _seed(orgs)
        return sum(1 for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT"))

    small = selects(_world(city))
    Activity.objects.all().delete()
    more = build_community(city.street, city.street_org, "丙", members=8)
    orgs = [city.a.branch, city.a.group, city.b.branch, city.b.group, more.branch, more.group]
    assert selects(orgs) == small == BUDGETS["assessments.life.demo.seed_activities"]
