"""The transfers API: scoped lists with the direction filter, the detail's steps, and the
accept/return/cancel endpoints with their 403/409/400 answers."""
import pytest

from dangjian.testing.clients import api_client, ids
from organizations.members.models import Member
from organizations.transfers.tests.support import make_world, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return make_world()


def test_direction_filter_and_steps(w):
    t = start(w)
    b = api_client(w.cadre_b)
    assert ids(b.get("/api/transfers/?direction=incoming")) == {t.pk}
    assert ids(b.get("/api/transfers/?direction=outgoing")) == set()
    assert b.get(f"/api/transfers/{t.pk}/").json()["steps"] == ["accept", "return"]
    assert api_client(w.cadre_a).get(f"/api/transfers/{t.pk}/").json()["steps"] == ["cancel"]


def test_accept_return_and_cancel_answer_as_the_actions_decide(w):
    t = start(w)
    a, b = api_client(w.cadre_a), api_client(w.cadre_b)
    refused = a.post(f"/api/transfers/{t.pk}/accept/", {}, format="json")
    assert refused.status_code == 403 and "接收党组织" in refused.json()["detail"]
    assert b.post(f"/api/transfers/{t.pk}/return/", {}, format="json").status_code == 400
    done = b.post(f"/api/transfers/{t.pk}/accept/", {}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "accepted"
    assert Member.objects.get(pk=w.member.pk).organization_id == w.city.b.branch.pk
    late = a.post(f"/api/transfers/{t.pk}/cancel/", {}, format="json")
    assert late.status_code == 409 and "已接收，不能撤销" in late.json()["detail"]
