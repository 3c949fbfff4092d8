"""A project's outcome is computed from its linked records, never typed: people served
(distinct members present at its activities + one resident per linked wish and request),
service hours (the ledger of the linked records), items done, activities held — equal to the
records linked, also after unlinking; one query for a whole list."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments.tests.factories import activity
from dangjian.errors import PermissionDeniedError
from dangjian.testing import assert_max_queries
from network.projects import actions, selectors
from network.projects.choices import ProjectStatus
from network.tests.factories import project
from organizations.grants.choices import Role
from organizations.tests.factories import ResidentUnitFactory, build_city, user_with
from services.ledger.models import ServiceRecord, ServiceSource
from services.requests.tests.test_support import order, resolved_by_member
from services.tests.factories import fulfilled, member_user, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    c = build_city(members_per_community=3)
    c.cadre = user_with(Role.COMMUNITY, c.a.area)
    return c


def _held(c, org, members, hours="2.0", days_ago=10):
    day = timezone.localdate() - timedelta(days=days_ago)
    act = activity(org, "branch_general_meeting", day, present=members, service_hours=Decimal(hours))
    ServiceRecord.objects.bulk_create([ServiceRecord(member=m, source=ServiceSource.ACTIVITY, source_id=act.pk,
                                                     hours=Decimal(hours), occurred_on=day) for m in members])
    return act


def _outcome(user, p):
    return selectors.outcome_of(selectors.with_outcome(selectors.projects_for(user)).get(pk=p.pk))


def test_outcome_equals_the_linked_records_and_follows_unlinking(w):
    p = project(w.cadre, w.a)
    m1, m2, m3 = w.a.members
    a1 = _held(w, w.a.branch, [m1, m2], hours="2.0")
    a2 = _held(w, w.a.branch, [m2, m3], hours="1.5")  # m2 again: counted once
    _held(w, w.a.branch, [m1], hours="3.0")  # not linked: not counted
    helper = member_user(m1)
    wish_done = fulfilled(w.a, helper)
    wish_open = submit(w.a)
    req_done = resolved_by_member(w.a, member_user(m2))
    req_open = order(w.a)
    for kind, rec in (("activity", a1), ("activity", a2), ("wish", wish_done), ("wish", wish_open),
                      ("request", req_done), ("request", req_open)):
        actions.project_link(actor=w.cadre, project=p, kind=kind, record_id=rec.pk)

    ledger = ServiceRecord.objects.filter(source=ServiceSource.ACTIVITY, source_id__in=[a1.pk, a2.pk])
    extra = ServiceRecord.objects.filter(source=ServiceSource.WISH, source_id=wish_done.pk).values_list("hours", flat=True)
    extra_r = ServiceRecord.objects.filter(source=ServiceSource.REQUEST, source_id=req_done.pk).values_list("hours", flat=True)
    expected_hours = sum(r.hours for r in ledger) + sum(extra) + sum(extra_r)
    o = _outcome(w.cadre, p)
    assert o["attendees"] == 3 and o["wishes"] == 2 and o["requests"] == 2
    assert o["people_served"] == 3 + 2 + 2
    assert o["activities"] == 2
    assert o["items_done"] == 2  # the fulfilled wish and the resolved request
    assert o["hours"] == expected_hours and o["hours"] >= Decimal("7.0")  # 2×2.0 + 2×1.5 + the wish's and request's

    actions.project_unlink(actor=w.cadre, project=p, kind="activity", record_id=a2.pk)
    actions.project_unlink(actor=w.cadre, project=p, kind="wish", record_id=wish_done.pk)
    o = _outcome(w.cadre, p)
    assert o["attendees"] == 2 and o["activities"] == 1 and o["wishes"] == 1
    assert o["people_served"] == 2 + 1 + 2 and o["items_done"] == 1
    assert o["hours"] == Decimal("4.0") + sum(extra_r)


def test_a_record_belongs_to_one_project_and_only_records_of_the_community_link(w):
    p, q = project(w.cadre, w.a), project(w.cadre, w.a, title="第二个项目")
    act = _held(w, w.a.branch, w.a.members[:1])
    actions.project_link(actor=w.cadre, project=p, kind="activity", record_id=act.pk)
    with pytest.raises(ValidationError, match="已关联"):
        actions.project_link(actor=w.cadre, project=q, kind="activity", record_id=act.pk)
    other = _held(w, w.b.branch, w.b.members[:1])  # community 乙: out of the cadre's scope
    with pytest.raises(ValidationError, match="管辖范围内"):
        actions.project_link(actor=w.cadre, project=q, kind="activity", record_id=other.pk)


def test_list_outcomes_cost_one_query_whatever_the_number_of_projects(w):
    for i in range(4):
        p = project(w.cadre, w.a, title=f"项目{i}")
        act = _held(w, w.a.branch, w.a.members[: i % 3 + 1])
        actions.project_link(actor=w.cadre, project=p, kind="activity", record_id=act.pk)
    with assert_max_queries(1):
        rows = selectors.attach_outcomes(selectors.with_outcome(selectors.projects_for(w.cadre)))
    assert sorted(r.outcome["attendees"] for r in rows) == [1, 1, 2, 3]


def test_project_book_checks_scope_units_and_dates(w):
    unit_b = ResidentUnitFactory(community=w.b.area)
    with pytest.raises(ValidationError) as exc:
        project(w.cadre, w.a, units=[unit_b])
    assert "units" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        project(w.cadre, w.a, starts_on=date(2026, 5, 1), ends_on=date(2026, 4, 1))
    assert "ends_on" in exc.value.message_dict
    other = user_with(Role.COMMUNITY, w.b.area)
    with pytest.raises(ValidationError) as exc:
        project(other, w.a)
    assert "area" in exc.value.message_dict and "owner_org" in exc.value.message_dict
    unit_a = ResidentUnitFactory(community=w.a.area)
    p = project(w.cadre, w.a, units=[unit_a])
    assert list(p.units.all()) == [unit_a]


def test_workflow_from_draft_to_closed_and_refusals(w):
    p = project(w.cadre, w.a)
    assert p.status == ProjectStatus.DRAFT
    p = actions.project_transition(actor=w.cadre, project=p, verb="start")
    assert p.status == ProjectStatus.RUNNING and p.events.count() == 1
    with pytest.raises(ValidationError, match="不能开始实施"):
        actions.project_transition(actor=w.cadre, project=p, verb="start")
    p = actions.project_transition(actor=w.cadre, project=p, verb="close")
    assert p.status == ProjectStatus.CLOSED
    act = _held(w, w.a.branch, w.a.members[:1])
    with pytest.raises(ValidationError, match="已结项"):
        actions.project_link(actor=w.cadre, project=p, kind="activity", record_id=act.pk)
    grid = user_with(Role.GRID, w.a.area)
    with pytest.raises((PermissionDeniedError, Exception)):
        actions.project_transition(actor=grid, project=p, verb="cancel")


def test_brand_outcomes_sum_their_projects(w):
    brand = actions.brand_save(actor=w.cadre, name="红色管家", description="", area=w.a.area)
    p1, p2 = project(w.cadre, w.a, brand=brand), project(w.cadre, w.a, brand=brand, title="二")
    project(w.cadre, w.a, title="不在品牌")
    for p, members in ((p1, w.a.members[:2]), (p2, w.a.members[:1])):
        act = _held(w, w.a.branch, members)
        actions.project_link(actor=w.cadre, project=p, kind="activity", record_id=act.pk)
    sums = selectors.brand_outcomes(w.cadre, [brand])[brand.pk]
    assert sums["projects"] == 2 and sums["people_served"] == 3 and sums["activities"] == 2


def test_area_tiles_count_running_projects_and_people_served(w):
    p = project(w.cadre, w.a)
    actions.project_transition(actor=w.cadre, project=p, verb="start")
    project(w.cadre, w.a, title="草稿")
    act = _held(w, w.a.branch, w.a.members[:2])
    actions.project_link(actor=w.cadre, project=p, kind="activity", record_id=act.pk)
    wish = submit(w.a)
    actions.project_link(actor=w.cadre, project=p, kind="wish", record_id=wish.pk)
    street = user_with(Role.STREET, w.street)
    with assert_max_queries(3):
        tiles = selectors.area_tiles(street, w.street)
    assert [t["value"] for t in tiles] == ["1", "3"]
    running = selectors.projects_for(street).filter(status="running").count()
    assert running == 1
