"""``/api/requests/`` and ``/api/request-categories/``: scoping, personal data by role,
409 on refused steps, 403 on roles, pinned query counts."""
import pytest
from rest_framework.test import APIClient

from dangjian.testing import assert_max_queries
from organizations.grants.choices import Role
from organizations.tests.factories import build_city, user_with
from services.requests import actions
from services.requests.tests.test_support import cadre, dispatched_to_member, member_user, order, team, worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return build_city()


def _api(user=None):
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


def test_list_and_detail_are_scoped_and_need_an_account(c):
    mine, theirs = order(c.a), order(c.b)
    assert _api().get("/api/requests/").status_code in (401, 403)
    api = _api(cadre(c.a))
    ids = {row["id"] for row in api.get("/api/requests/").json()["results"]}
    assert mine.pk in ids and theirs.pk not in ids
    assert api.get(f"/api/requests/{theirs.pk}/").status_code == 404
    row = api.get(f"/api/requests/{mine.pk}/").json()
    assert row["requester_name"] == "刘淑珍" and "*" in row["requester_phone_masked"]
    assert row["status"] == "submitted" and row["clock"].startswith("响应剩余") and row["overdue"] is False
    plain = _api(member_user(c.a.members[0]))
    assert plain.get("/api/requests/").json()["results"] == []
    assert plain.get(f"/api/requests/{mine.pk}/").status_code == 404


def test_dispatch_accept_resolve_and_the_accept_loser_gets_409(c):
    req = order(c.a)
    first, second = member_user(c.a.members[0]), member_user(c.a.members[1])
    volunteers = team(c.a, [c.a.members[0], c.a.members[1]])
    boss = _api(cadre(c.a))
    assert boss.post(f"/api/requests/{req.pk}/dispatch/", {}, format="json").status_code == 400
    assert boss.post(f"/api/requests/{req.pk}/dispatch/", {"member": c.b.members[0].pk}, format="json").status_code == 400
    row = boss.post(f"/api/requests/{req.pk}/dispatch/", {"team": volunteers.pk, "note": "请尽快"}, format="json").json()
    assert row["status"] == "dispatched" and row["assignee_kind"] == "team" and row["assignee_name"] == volunteers.name
    assert _api(first).post(f"/api/requests/{req.pk}/accept/").status_code == 200
    late = _api(second).post(f"/api/requests/{req.pk}/accept/")
    assert late.status_code == 409 and "已被接单" in late.json()["detail"]
    done = _api(first).post(f"/api/requests/{req.pk}/resolve/", {"note": "已办好"}, format="json").json()
    assert done["status"] == "resolved" and done["requester_name"] == ""  # an assignee sees no personal data
    again = boss.post(f"/api/requests/{req.pk}/cancel/", {"reason": "x"}, format="json")
    assert again.status_code == 409 and "已经办结" in again.json()["detail"]


def test_dispatch_to_a_worker_decline_and_cancel(c):
    w = worker(c.a)
    req = order(c.a)
    boss = _api(cadre(c.a))
    assert boss.post(f"/api/requests/{req.pk}/dispatch/", {"worker": w.pk}, format="json").status_code == 200
    assert _api(w.user).post(f"/api/requests/{req.pk}/decline/", {"reason": "不在辖区"}, format="json").json()["status"] \
        == "submitted"
    assert boss.post(f"/api/requests/{req.pk}/cancel/", {"reason": "重复"}, format="json").json()["status"] == "cancelled"


def test_roles_that_may_not_dispatch_get_403(c):
    req = order(c.a)
    grid = _api(user_with(Role.GRID, c.a.area))
    assert grid.get(f"/api/requests/{req.pk}/").status_code == 200
    response = grid.post(f"/api/requests/{req.pk}/dispatch/", {"member": c.a.members[0].pk}, format="json")
    assert response.status_code == 403
    assert _api(cadre(c.b)).post(f"/api/requests/{req.pk}/cancel/", {"reason": "x"}, format="json").status_code == 404


def test_filters(c):
    member = member_user(c.a.members[0])
    waiting, sent = order(c.a, code="emergency"), dispatched_to_member(c.a, member)
    api = _api(cadre(c.a))
    ids = {r["id"] for r in api.get("/api/requests/", {"status": "dispatched"}).json()["results"]}
    assert ids == {sent.pk}
    ids = {r["id"] for r in api.get("/api/requests/", {"category": "emergency"}).json()["results"]}
    assert ids == {waiting.pk}
    assert api.get("/api/requests/", {"overdue": "true"}).json()["results"] == []


def test_categories_are_public_with_their_limits(c):
    rows = _api().get("/api/request-categories/").json()
    by_code = {r["code"]: r for r in rows}
    assert by_code["emergency"]["resolve_limit"] == "2 小时" and by_code["general"]["resolve_limit"] == "7 天"


@pytest.mark.parametrize("size", [2, 12])
def test_query_counts_do_not_grow_with_rows(c, size):
    member = member_user(c.a.members[0], f"api-m-{size}")
    boss = cadre(c.a, f"api-c-{size}")
    volunteers = team(c.a, [c.a.members[1]])
    w = worker(c.a)
    for i in range(size):
        req = order(c.a, text=f"诉求{i}")
        target = [{"member": member.member}, {"team": volunteers}, {"worker": w}, {}][i % 4]
        if target:
            actions.request_dispatch(actor=boss, request=req, **target)
    api = _api(boss)
    with assert_max_queries(5):
        response = api.get("/api/requests/")
    assert response.status_code == 200 and len(response.json()["results"]) == size
    names = {r["assignee_name"] for r in response.json()["results"]}
    assert {c.a.members[0].name, volunteers.name} <= names
