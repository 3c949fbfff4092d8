"""Organizational-life API: scoping, writes through the actions with nested attendance,
quorum, compliance and calendars, members' reports, rule sets, sign-in, query counts."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.life.models import Activity, Attendance, RuleSet
from assessments.tests.factories import activity, activity_type, at, ensure_default_rules, fill_window, previous_quarter
from dangjian.testing import api_client, assert_max_queries, ids, query_count
from organizations.grants.choices import Role
from organizations.members.choices import OrgRole
from organizations.tests.factories import MemberFactory, UserFactory, build_community, user_with
from services.ledger.models import ServiceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_rules(db):
    """Transactional tests (browser, races) flush the rows of the data migration; every
    test here starts with the default activity types and rule set in place."""
    ensure_default_rules()

TODAY = timezone.localdate()


def in_order(response):
    """The ids of a list answer in the order given (``dangjian.testing.ids`` gives a set)."""
    ids(response)  # a 200 list, or fail naming the path
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def cadre(city):
    return user_with(Role.COMMUNITY, city.a.area)


@pytest.fixture
def acts(city):
    a = activity(city.a.branch, "theme_party_day", TODAY - timedelta(days=2), present=city.a.members)
    g = activity(city.a.group, "group_meeting", TODAY - timedelta(days=1), present=city.a.members[:1])
    b = activity(city.b.branch, "theme_party_day", TODAY - timedelta(days=3), present=city.b.members)
    return a, g, b


# ------------------------------------------------------------------------ reading
def test_activities_are_scoped_and_filtered(city, cadre, acts):
    a, g, b = acts
    assert in_order(api_client(cadre).get("/api/activities/")) == [g.pk, a.pk]
    assert ids(api_client(cadre).get(f"/api/activities/?org={city.a.group.pk}")) == {g.pk}
    assert ids(api_client(cadre).get(f"/api/activities/?org={city.b.branch.pk}")) == set()
    assert ids(api_client(cadre).get(f"/api/activities/?within={city.a.building.pk}")) == {g.pk}
    assert api_client(cadre).get(f"/api/activities/?within={city.b.area.pk}").status_code == 404
    row = api_client(cadre).get(f"/api/activities/{a.pk}/").json()
    assert (row["present_count"], row["activity_type_name"], row["org_name"]) == (2, "主题党日", city.a.branch.name)
    assert "signin_token" not in row
    district = user_with(Role.DISTRICT, city.city)
    assert ids(api_client(district).get("/api/activities/")) == {a.pk, g.pk, b.pk}
    day = (TODAY - timedelta(days=2)).isoformat()
    assert ids(api_client(district).get(f"/api/activities/?start={day}&end={day}")) == {a.pk}


def test_activity_types_and_rule_sets(city, cadre):
    types = api_client(cadre).get("/api/activity-types/").json()
    assert [t["code"] for t in types][:2] == ["branch_general_meeting", "branch_committee_meeting"]
    RuleSet.objects.create(area=city.b.area, name="乙社区规则", version=1, effective_from=TODAY)
    mine = RuleSet.objects.create(area=city.a.area, name="甲社区规则", version=1, effective_from=TODAY)
    listed = api_client(cadre).get("/api/rule-sets/").json()["results"]
    assert {r["name"] for r in listed} == {"支部工作条例（2018）默认规则", "甲社区规则"}
    default = next(r for r in listed if r["area"] is None)
    assert len(default["rules"]) == 13
    effective = api_client(cadre).get(f"/api/rule-sets/effective/?area={city.a.building.pk}").json()
    assert effective["id"] == mine.pk



def test_an_override_above_the_user_governs_them_and_is_listed(city, cadre):
    district_rules = RuleSet.objects.create(area=city.district, name="元宝区规则", version=1, effective_from=TODAY)
    listed = {r["name"] for r in api_client(cadre).get("/api/rule-sets/").json()["results"]}
    assert "元宝区规则" in listed
    assert api_client(cadre).get(f"/api/rule-sets/{district_rules.pk}/").status_code == 200
    # a sibling community's override still does not show
    RuleSet.objects.create(area=city.b.area, name="乙社区规则", version=1, effective_from=TODAY)
    assert "乙社区规则" not in {r["name"] for r in api_client(cadre).get("/api/rule-sets/").json()["results"]}


# ------------------------------------------------------------------------- writing
def _body(org, **extra):
    body = {
        "org": org.pk, "activity_type": activity_type("branch_general_meeting").pk, "topic": "季度党员大会",
        "starts_at": at(TODAY, 9).isoformat(), "ends_at": at(TODAY, 11).isoformat(), "place": "会议室",
    }
    body.update(extra)
    return body


def test_create_with_nested_attendance(city, cadre):
    m0, m1 = city.a.members
    bad = _body(city.a.branch, attendance=[{"member": m0.pk, "status": "present"}, {"member": m1.pk, "status": "absent"}])
    response = api_client(cadre).post("/api/activities/", bad, format="json")
    assert response.status_code == 400 and "须填写原因" in response.json()["attendance"][0]
    good = _body(city.a.branch, attendance=[{"member": m0.pk, "status": "present"},
                                            {"member": m1.pk, "status": "absent", "reason": "生病"}])
    response = api_client(cadre).post("/api/activities/", good, format="json")
    assert response.status_code == 201, response.content
    obj = Activity.objects.get(pk=response.json()["id"])
    assert response.json()["present_count"] == 1 and obj.created_by == cadre
    attendance = api_client(cadre).get(f"/api/activities/{obj.pk}/attendance/").json()
    assert attendance["quorum"] == {"basis": "full_members", "basis_label": "正式党员", "expected": 2, "present": 1, "met": False}
    assert [(r["member"], r["status"], r["reason"]) for r in attendance["results"]] == [
        (m0.pk, "present", ""), (m1.pk, "absent", "生病")
    ]
    # update: the attendance list replaces the old one; the organization cannot change
    response = api_client(cadre).patch(f"/api/activities/{obj.pk}/", {"attendance": [
        {"member": m0.pk, "status": "present"}, {"member": m1.pk, "status": "present"}]}, format="json")
    assert response.status_code == 200 and response.json()["present_count"] == 2
    response = api_client(cadre).patch(f"/api/activities/{obj.pk}/", {"org": city.a.group.pk}, format="json")
    assert response.status_code == 400 and "org" in response.json()
    response = api_client(cadre).patch(f"/api/activities/{obj.pk}/", {"topic": "改过的主题"}, format="json")
    assert response.status_code == 200 and Attendance.objects.filter(activity=obj).count() == 2


def test_write_refusals(city, cadre, acts):
    a, g, b = acts
    assert api_client(cadre).post("/api/activities/", _body(city.b.branch), format="json").status_code == 404
    assert api_client(cadre).patch(f"/api/activities/{b.pk}/", {"topic": "x"}, format="json").status_code == 404
    grid = user_with(Role.GRID, city.a.area)
    assert api_client(grid).post("/api/activities/", _body(city.a.branch), format="json").status_code == 403
    assert api_client(grid).patch(f"/api/activities/{a.pk}/", {"topic": "x"}, format="json").status_code == 403
    outsider = _body(city.a.branch, attendance=[{"member": city.b.members[0].pk, "status": "present"}])
    response = api_client(cadre).post("/api/activities/", outsider, format="json")
    assert response.status_code == 400 and city.b.members[0].name not in response.content.decode()
    assert api_client(cadre).delete(f"/api/activities/{a.pk}/").status_code == 405


def test_service_activity_through_the_api_adds_hours(city, cadre):
    body = _body(city.a.branch, activity_type=activity_type("vanguard_day").pk, service_hours="3.0",
                 attendance=[{"member": m.pk, "status": "present"} for m in city.a.members])
    assert api_client(cadre).post("/api/activities/", body, format="json").status_code == 201
    assert sorted(ServiceRecord.objects.values_list("hours", flat=True)) == [Decimal("3.0"), Decimal("3.0")]
    hours = api_client(cadre).get(f"/api/service-hours/?org={city.a.branch.pk}").json()["results"]
    assert [Decimal(r["service_hours"]) for r in hours] == [Decimal("3.0"), Decimal("3.0")]


def test_publish_rules_through_the_api(city):
    body = {"area": city.district.pk, "name": "元宝区规则", "effective_from": TODAY.isoformat(),
            "rules": [{"activity_type": activity_type("party_lecture").pk, "frequency": "half_yearly"}]}
    response = api_client(user_with(Role.DISTRICT, city.district)).post("/api/rule-sets/", body, format="json")
    assert response.status_code == 201, response.content
    rules = {r["activity_type_code"]: r for r in response.json()["rules"]}
    assert rules["party_lecture"]["frequency"] == "half_yearly" and rules["theme_party_day"]["frequency"] == "monthly"
    community = user_with(Role.COMMUNITY, city.a.area)
    assert api_client(community).post("/api/rule-sets/", dict(body, area=city.a.area.pk), format="json").status_code == 403
    bad = dict(body, rules=[{"activity_type": activity_type("party_lecture").pk, "org_kinds": ["club"]}])
    assert api_client(user_with(Role.DISTRICT, city.district)).post("/api/rule-sets/", bad, format="json").status_code == 400


def test_sign_in_through_the_api(city):
    user = UserFactory(username="app-member")
    member = city.a.members[0]
    member.user = user
    member.save()
    now = timezone.now()
    obj = activity(city.a.branch, "theme_party_day", TODAY)
    Activity.objects.filter(pk=obj.pk).update(starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(hours=1))
    first = api_client(user).post("/api/sign-in/", {"token": obj.signin_token}, format="json")
    assert first.status_code == 200 and first.json()["already"] is False
    again = api_client(user).post("/api/sign-in/", {"token": obj.signin_token}, format="json").json()
    assert again["already"] is True and again["signed_in_at"] == first.json()["signed_in_at"]
    assert api_client(user).post("/api/sign-in/", {"token": "nope"}, format="json").status_code == 404
    later = activity(city.a.branch, "theme_party_day", TODAY + timedelta(days=2))
    response = api_client(user).post("/api/sign-in/", {"token": later.signin_token}, format="json")
    assert response.status_code == 400 and "签到尚未开始" in response.content.decode()


# ------------------------------------------------------------------ compliance and reports
def test_compliance_and_calendar(city, cadre):
    fill_window(city.a.branch, TODAY)
    fill_window(city.a.group, TODAY, skip={("group_meeting", previous_quarter(TODAY).start)})
    body = api_client(cadre).get(f"/api/compliance/{city.a.area.pk}/").json()
    assert (body["summary"]["assessed"], body["summary"]["compliant"], body["summary"]["share"]) == (2, 1, 0.5)
    assert [o["id"] for o in body["noncompliant"]] == [city.a.group.pk]
    assert body["noncompliant"][0]["overdue"] == [{"activity_type": "党小组会", "period": previous_quarter(TODAY).start.strftime("%Y年%-m月")}]
    calendar = api_client(cadre).get(f"/api/org-calendar/{city.a.branch.pk}/").json()
    assert calendar["compliant"] is True and calendar["rows"][0]["activity_type_name"] == "支部党员大会"
    assert all(p["status"] == "done" for row in calendar["rows"] for p in row["periods"])


def test_inactive_members_report(city, cadre):
    activity(city.a.branch, "theme_party_day", TODAY - timedelta(days=10), present=city.a.members[:1])
    rows = api_client(cadre).get(f"/api/inactive-members/?within={city.a.area.pk}").json()["results"]
    assert [r["id"] for r in rows] == [city.a.members[1].pk] and rows[0]["last_present"] is None
    assert [r["id"] for r in api_client(cadre).get("/api/inactive-members/").json()["results"]] == [city.a.members[1].pk]
    assert api_client(cadre).get(f"/api/inactive-members/?within={city.b.area.pk}").status_code == 404
    assert api_client(cadre).get(f"/api/inactive-members/?org={city.b.branch.pk}").status_code == 404
    assert api_client(user_with(Role.MEMBER, city.a.area)).get(f"/api/inactive-members/?within={city.a.area.pk}").status_code == 403
    assert api_client(cadre).get(f"/api/service-hours/?within={city.b.area.pk}").status_code == 404
    assert api_client(cadre).get(f"/api/service-hours/?org={city.b.branch.pk}").status_code == 404
    assert api_client(user_with(Role.DEPARTMENT, city.a.area)).get(f"/api/service-hours/?within={city.a.area.pk}").status_code == 403


# ------------------------------------------------------------------------- query counts
def test_query_counts_are_pinned(city):
    user = user_with(Role.STREET, city.street)
    first = activity(city.a.branch, "branch_general_meeting", TODAY, present=city.a.members)
    urls = ["/api/activities/", f"/api/activities/{first.pk}/", f"/api/activities/{first.pk}/attendance/",
            f"/api/compliance/{city.street.pk}/", f"/api/org-calendar/{city.a.branch.pk}/",
            f"/api/inactive-members/?within={city.street.pk}", f"/api/service-hours/?within={city.street.pk}",
            "/api/rule-sets/", "/api/activity-types/"]
    small = {url: query_count(api_client(user), url) for url in urls}
    for label in ("丙", "丁"):
        more = build_community(city.street, city.street_org, label, members=4)
        fill_window(more.branch, TODAY)
        fill_window(more.group, TODAY)
    committee = [MemberFactory(organization=city.a.branch, org_role=OrgRole.COMMITTEE_MEMBER) for _ in range(3)]
    Attendance.objects.bulk_create([Attendance(activity=first, member=m, status="present") for m in committee])
    RuleSet.objects.create(area=city.a.area, name="甲社区规则", version=1, effective_from=TODAY)
    for url in urls:
        client = api_client(user)
        with assert_max_queries(small[url]):
            assert client.get(url).status_code == 200
