"""Whistle API: scoping by role, creation, target actions with 409 on refused changes,
departments (the contracts — scope, query counts — are in ``test_contracts``)."""
import pytest

from dangjian.testing import api_client
from organizations.grants.choices import Role
from organizations.tests.factories import user_with
from services.whistles.choices import TargetStatus, WhistleStatus
from services.whistles.models import Department, Whistle
from services.whistles.tests.test_support import build_world, target_of, whistle

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


def test_list_is_scoped_by_role(w):
    """Anonymous refusal, and a street cadre's list and detail: ``test_contracts.TestWhistleApi``."""
    to_housing = whistle(w, departments=[w.housing])
    to_urban = whistle(w, departments=[w.urban])
    in_b = whistle(w, actor=w.cadre_b, area=w.c.b.area, departments=[w.housing])
    codes = {r["code"] for r in api_client(w.housing_user).get("/api/whistles/").json()["results"]}
    assert codes == {to_housing.code, in_b.code}
    codes = {r["code"] for r in api_client(w.cadre_a).get("/api/whistles/").json()["results"]}
    assert codes == {to_housing.code, to_urban.code}
    assert api_client(w.cadre_a).get(f"/api/whistles/{in_b.pk}/").status_code == 404
    assert api_client(w.urban_user).get(f"/api/whistles/{to_housing.pk}/").status_code == 404
    member = user_with(Role.MEMBER, w.c.a.area)
    assert api_client(member).get("/api/whistles/").json()["results"] == []


def test_create_and_walk_a_target_through_the_api(w):
    response = api_client(w.cadre_a).post("/api/whistles/", {
        "area": w.c.a.area.pk, "title": "占道经营", "description": "早市占道", "departments": [w.urban.pk],
        "units": [w.unit_a.pk],
    }, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "open" and {t["party_name"] for t in data["targets"]} == {"城管局", w.unit_a.name}
    wid = data["id"]
    tid = next(t["id"] for t in data["targets"] if t["party_kind"] == "department")
    base = f"/api/whistles/{wid}/targets/{tid}"
    assert api_client(w.cadre_a).post(f"{base}/report/", {}, format="json").status_code == 403
    assert api_client(w.urban_user).post(f"{base}/report/", {"note": "收到"}, format="json").status_code == 200
    again = api_client(w.urban_user).post(f"{base}/report/", {}, format="json")
    assert again.status_code == 409 and "已经报到过了" in again.json()["detail"]
    assert api_client(w.urban_user).post(f"{base}/resolve/", {}, format="json").status_code == 400
    assert api_client(w.urban_user).post(f"{base}/resolve/", {"answer": "已清理"}, format="json").status_code == 200
    bad = api_client(w.cadre_a).post(f"{base}/confirm/", {"satisfaction": "great"}, format="json")
    assert bad.status_code == 400
    done = api_client(w.cadre_a).post(f"{base}/confirm/", {"satisfaction": "satisfied"}, format="json")
    assert done.status_code == 200
    target = next(t for t in done.json()["targets"] if t["id"] == tid)
    assert target["status"] == "confirmed" and target["satisfaction_display"] == "满意"
    assert [e["to_status"] for e in done.json()["events"]][-1] == "confirmed"
    # a target of another whistle through this whistle's URL is not found
    other = whistle(w, departments=[w.urban])
    stray = target_of(other, w.urban)
    assert api_client(w.urban_user).post(f"/api/whistles/{wid}/targets/{stray.pk}/report/", {}, format="json").status_code == 404


def test_create_errors_and_refusals(w):
    response = api_client(w.cadre_a).post("/api/whistles/", {"area": w.c.a.area.pk, "title": "x", "description": "y"}, format="json")
    assert response.status_code == 400 and "departments" in response.json()
    member = user_with(Role.MEMBER, w.c.a.area)
    response = api_client(member).post("/api/whistles/", {
        "area": w.c.a.area.pk, "title": "x", "description": "y", "departments": [w.housing.pk]}, format="json")
    assert response.status_code == 403
    response = api_client(w.cadre_b).post("/api/whistles/", {
        "area": w.c.a.area.pk, "title": "x", "description": "y", "departments": [w.housing.pk]}, format="json")
    assert response.status_code == 404
    assert not Whistle.objects.exists()


def test_cancel_then_actions_conflict(w):
    wh = whistle(w)
    t = target_of(wh, w.housing)
    assert api_client(w.cadre_a).post(f"/api/whistles/{wh.pk}/cancel/", {"reason": "已解决"}, format="json").status_code == 200
    response = api_client(w.housing_user).post(f"/api/whistles/{wh.pk}/targets/{t.pk}/report/", {}, format="json")
    assert response.status_code == 409 and "已撤销" in response.json()["detail"]
    assert api_client(w.cadre_a).post(f"/api/whistles/{wh.pk}/cancel/", {"reason": "再次"}, format="json").status_code == 409
    wh.refresh_from_db()
    assert wh.status == WhistleStatus.CANCELLED
    t.refresh_from_db()
    assert t.status == TargetStatus.NOTIFIED


def test_filters_overdue_and_within(w):
    from datetime import timedelta

    from django.utils import timezone

    late = whistle(w)
    fresh = whistle(w)
    Whistle.objects.filter(pk=late.pk).update(report_due=timezone.now() - timedelta(hours=1))
    rows = api_client(w.cadre_a).get("/api/whistles/", {"overdue": "true"}).json()["results"]
    assert [r["code"] for r in rows] == [late.code]
    rows = api_client(w.street_cadre).get("/api/whistles/", {"within": w.c.b.area.pk}).json()["results"]
    assert rows == []
    assert fresh.code in {r["code"] for r in api_client(w.street_cadre).get("/api/whistles/", {"within": w.c.a.area.pk}).json()["results"]}


def test_departments_api(w):
    """The district cadre's list and detail scope and query counts: ``test_contracts.TestDepartmentApi``."""
    rows = api_client(w.cadre_a).get("/api/departments/").json()["results"]
    assert {r["name"] for r in rows} == {"住建局", "城管局", "供电所"}
    other = build_world()
    assert api_client(w.cadre_a).get(f"/api/departments/{other.housing.pk}/").status_code == 404
    response = api_client(w.cadre_a).post("/api/departments/", {"name": "社区部门", "area": w.c.district.pk}, format="json")
    assert response.status_code == 403
    response = api_client(w.district_cadre).post("/api/departments/", {"name": "市场监管局", "area": w.c.district.pk,
                                                               "phone": "12315"}, format="json")
    assert response.status_code == 201 and Department.objects.filter(name="市场监管局").exists()
    dept_id = response.json()["id"]
    response = api_client(w.district_cadre).patch(f"/api/departments/{dept_id}/", {"is_active": False}, format="json")
    assert response.status_code == 200 and response.json()["is_active"] is False
