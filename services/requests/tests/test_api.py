"""``/api/requests/`` and ``/api/request-categories/``: personal data by role, 409 on refused
steps, 403 on roles (scope and query counts: ``test_contracts``)."""
import pytest

from dangjian.testing import api_client, ids
from organizations.grants.choices import Role
from organizations.tests.factories import build_city, user_with
from services.requests import actions
from services.requests.tests.test_support import cadre, dispatched_to_member, member_user, order, team, worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return build_city()


def test_detail_fields_and_a_plain_member_sees_nothing(c):
    """Anonymous refusal and the scope of the list and the detail: ``test_contracts.TestServiceRequestApi``."""
    mine = order(c.a)
    row = api_client(cadre(c.a)).get(f"/api/requests/{mine.pk}/").json()
    assert row["requester_name"] == "刘淑珍" and "*" in row["requester_phone_masked"]
    assert row["status"] == "submitted" and row["clock"].startswith("响应剩余") and row["overdue"] is False
    plain = api_client(member_user(c.a.members[0]))
    assert plain.get("/api/requests/").json()["results"] == []
    assert plain.get(f"/api/requests/{mine.pk}/").status_code == 404


def test_dispatch_accept_resolve_and_the_accept_loser_gets_409(c):
    req = order(c.a)
    first, second = member_user(c.a.members[0]), member_user(c.a.members[1])
    volunteers = team(c.a, [c.a.members[0], c.a.members[1]])
    boss = api_client(cadre(c.a))
    assert boss.post(f"/api/requests/{req.pk}/dispatch/", {}, format="json").status_code == 400
    assert boss.post(f"/api/requests/{req.pk}/dispatch/", {"member": c.b.members[0].pk}, format="json").status_code == 400
    row = boss.post(f"/api/requests/{req.pk}/dispatch/", {"team": volunteers.pk, "note": "请尽快"}, format="json").json()
    assert row["status"] == "dispatched" and row["assignee_kind"] == "team" and row["assignee_name"] == volunteers.name
    assert api_client(first).post(f"/api/requests/{req.pk}/accept/").status_code == 200
    late = api_client(second).post(f"/api/requests/{req.pk}/accept/")
    assert late.status_code == 409 and "已被接单" in late.json()["detail"]
    done = api_client(first).post(f"/api/requests/{req.pk}/resolve/", {"note": "已办好"}, format="json").json()
    assert done["status"] == "resolved" and done["requester_name"] == ""  # an assignee sees no personal data
    again = boss.post(f"/api/requests/{req.pk}/cancel/", {"reason": "x"}, format="json")
    assert again.status_code == 409 and "已经办结" in again.json()["detail"]


def test_dispatch_to_a_worker_decline_and_cancel(c):
    w = worker(c.a)
    req = order(c.a)
    boss = api_client(cadre(c.a))
    assert boss.post(f"/api/requests/{req.pk}/dispatch/", {"worker": w.pk}, format="json").status_code == 200
    assert api_client(w.user).post(f"/api/requests/{req.pk}/decline/", {"reason": "不在辖区"}, format="json").json()["status"] \
        == "submitted"
    assert boss.post(f"/api/requests/{req.pk}/cancel/", {"reason": "重复"}, format="json").json()["status"] == "cancelled"


def test_roles_that_may_not_dispatch_get_403(c):
    req = order(c.a)
    grid = api_client(user_with(Role.GRID, c.a.area))
    assert grid.get(f"/api/requests/{req.pk}/").status_code == 200
    response = grid.post(f"/api/requests/{req.pk}/dispatch/", {"member": c.a.members[0].pk}, format="json")
    assert response.status_code == 403
    assert api_client(cadre(c.b)).post(f"/api/requests/{req.pk}/cancel/", {"reason": "x"}, format="json").status_code == 404


def test_filters(c):
    member = member_user(c.a.members[0])
    waiting, sent = order(c.a, code="emergency"), dispatched_to_member(c.a, member)
    api = api_client(cadre(c.a))
    assert ids(api.get("/api/requests/", {"status": "dispatched"})) == {sent.pk}
    assert ids(api.get("/api/requests/", {"category": "emergency"})) == {waiting.pk}
    assert ids(api.get("/api/requests/", {"overdue": "true"})) == set()


def test_categories_are_public_with_their_limits(c):
    rows = api_client().get("/api/request-categories/").json()
    by_code = {r["code"]: r for r in rows}
    assert by_code["emergency"]["resolve_limit"] == "2 小时" and by_code["general"]["resolve_limit"] == "7 天"


def test_list_names_each_kind_of_assignee(c):
    """The list's query count, flat with every kind of assignee: ``test_contracts.TestServiceRequestApi``."""
    member = member_user(c.a.members[0], "api-m")
    boss = cadre(c.a, "api-c")
    volunteers = team(c.a, [c.a.members[1]])
    w = worker(c.a)
    for i in range(4):
        req = order(c.a, text=f"诉求{i}")
        target = [{"member": member.member}, {"team": volunteers}, {"worker": w}, {}][i]
        if target:
            actions.request_dispatch(actor=boss, request=req, **target)
    response = api_client(boss).get("/api/requests/")
    assert response.status_code == 200 and len(response.json()["results"]) == 4
    names = {r["assignee_name"] for r in response.json()["results"]}
    assert {c.a.members[0].name, volunteers.name} <= names
