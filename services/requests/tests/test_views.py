"""Request pages: public (no personal data, due times, rate limits, pinned query counts),
staff (personal data by role, filters, actions, messages), my tasks, volunteer teams; the
staff pages' scope and query counts are ``test_contracts``'."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.testing import assert_max_queries
from organizations.grants.choices import Role
from organizations.tests.factories import build_city, user_with
from services.requests import actions
from services.requests.choices import RequestStatus
from services.requests.models import ServiceRequest, VolunteerTeam
from services.requests.tests.test_support import (
    accepted_by_member,
    cadre,
    category,
    dispatched_to_member,
    member_user,
    new_phone,
    order,
    resolved_by_member,
    team,
    worker,
)
from services.tests.budgets import BUDGETS

pytestmark = pytest.mark.django_db

NAME = "孙丽娟"
PHONE = "13955554321"


@pytest.fixture
def c():
    return build_city()


def _form(c, **extra):
    return {"community": c.a.area.pk, "building": c.a.building.pk, "address": "", "category": category("utilities").pk,
            "text": "家里停水两天了", "name": NAME, "phone": PHONE, **extra}


# ------------------------------------------------------------------------------ public
def test_the_order_form_shows_each_category_with_its_time_limits(client, c):
    page = client.get(reverse("requests:submit")).content.decode()
    assert "水电气热类（2 小时内响应，1 天内办结）" in page
    assert "紧急类（30 分钟内响应，2 小时内办结）" in page


def test_resident_orders_and_sees_the_code_due_times_but_no_personal_data(client, c):
    response = client.post(reverse("requests:submit"), _form(c))
    req = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("requests:public_status", args=[req.code])
    assert req.requester_name == NAME and req.requester_phone == PHONE and req.category.code == "utilities"
    page = client.get(response["Location"]).content.decode()
    assert req.code in page and "请记下您的查询码" in page and "待派单" in page
    due = timezone.localtime(req.resolve_due)
    assert f"{due.year}年{due.month}月{due.day}日" in page and "响应剩余" in page
    for secret in (NAME, PHONE, PHONE[-4:]):
        assert secret not in page


def test_status_page_never_names_the_assignee(client, c):
    member = member_user(c.a.members[0])
    req = resolved_by_member(c.a, member, name=NAME, phone=PHONE)
    page = client.get(reverse("requests:public_status", args=[req.code])).content.decode()
    assert "由一名党员承办" in page and "已办结" in page and "按时办结" in page
    # the result note is the resident's to read before rating (numbers in it masked:
    # services/tests/test_contact.py); the people stay unnamed
    assert "已更换灯泡" in page
    for secret in (NAME, PHONE, PHONE[-4:], c.a.members[0].name, member.username):
        assert secret not in page


def test_status_by_unknown_code_is_404_and_lower_case_redirects(client, c):
    req = order(c.a)
    assert client.get(reverse("requests:public_status", args=["NOSUCHCODE"])).status_code == 404
    response = client.get(reverse("requests:public_status", args=[req.code.lower()]))
    assert response.status_code == 302 and req.code in response["Location"]
    track = client.get(reverse("requests:track"), {"code": req.code.lower()})
    assert track.status_code == 302 and track["Location"] == reverse("requests:public_status", args=[req.code])


def test_form_errors_are_shown_and_nothing_is_stored(client, c):
    response = client.post(reverse("requests:submit"), _form(c, phone="12", text=""))
    assert response.status_code == 400 and "请填写正确的11位手机号" in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_orders_over_the_ip_limit_get_429(client, c, settings):
    settings.REQUEST_SUBMIT_IP_LIMIT = (2, 3600)
    for _ in range(2):
        assert client.post(reverse("requests:submit"), _form(c, phone=new_phone())).status_code == 302
    response = client.post(reverse("requests:submit"), _form(c, phone=new_phone()))
    assert response.status_code == 429 and "操作过于频繁" in response.content.decode() and response["Retry-After"]
    assert ServiceRequest.objects.count() == 2


def test_orders_over_the_phone_limit_get_429_from_any_ip(c, settings, client):
    settings.REQUEST_SUBMIT_PHONE_LIMIT = (1, 86400)
    assert client.post(reverse("requests:submit"), _form(c), REMOTE_ADDR="10.0.0.1").status_code == 302
    assert client.post(reverse("requests:submit"), _form(c), REMOTE_ADDR="10.0.0.2").status_code == 429
    assert ServiceRequest.objects.count() == 1


def test_resident_rates_with_the_last_four_digits_and_wrong_digits_are_rate_limited(client, c, settings):
    settings.REQUEST_RATE_CODE_LIMIT = (2, 3600)
    req = resolved_by_member(c.a, member_user(c.a.members[0]), phone=PHONE)
    url = reverse("requests:public_rate", args=[req.code])
    wrong = client.post(url, {"rating": "satisfied", "phone_last4": "0000"})
    assert wrong.status_code == 400 and "不一致" in wrong.content.decode()
    assert client.post(url, {"rating": "satisfied", "phone_last4": PHONE[-4:], "comment": "谢谢"}).status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.RATED and req.rating_comment == "谢谢"
    again = client.post(url, {"rating": "satisfied", "phone_last4": PHONE[-4:]}, follow=True)
    assert "已经评价过了" in again.content.decode()
    assert client.post(url, {"rating": "satisfied", "phone_last4": "0000"}).status_code == 400  # the 2nd wrong guess
    assert client.post(url, {"rating": "satisfied", "phone_last4": "0000"}).status_code == 429


def test_rate_page_of_an_unresolved_request_goes_back_to_the_status(client, c):
    req = order(c.a)
    response = client.get(reverse("requests:public_rate", args=[req.code]))
    assert response.status_code == 302 and response["Location"] == reverse("requests:public_status", args=[req.code])


# ------------------------------------------------------------------------------- staff
def test_detail_shows_the_requester_and_the_dispatch_form_to_the_cadre_only(client, c):
    """Scope of the list and of a request's page for a cadre, and the member's 403 on the list:
    ``test_contracts.TestRequestListPage`` and ``TestRequestDetailPage``."""
    mine = order(c.a, text="甲社区的诉求")
    client.force_login(cadre(c.a))
    detail = client.get(reverse("requests:detail", args=[mine.pk])).content.decode()
    assert "刘淑珍" in detail and "data-testid=\"dispatch-form\"" in detail
    client.force_login(member_user(c.a.members[0]))
    assert client.get(reverse("requests:detail", args=[mine.pk])).status_code == 404  # not dispatched to them


def test_list_filters_status_category_overdue_and_code(client, c):
    waiting = order(c.a, code="emergency")
    member = member_user(c.a.members[0])
    taken = accepted_by_member(c.a, member)
    ServiceRequest.objects.filter(pk=waiting.pk).update(response_due=timezone.now() - timedelta(minutes=5))
    client.force_login(cadre(c.a))
    url = reverse("requests:list")
    page = client.get(url, {"status": "accepted"}).content.decode()
    assert taken.code in page and waiting.code not in page
    page = client.get(url, {"category": category("emergency").pk}).content.decode()
    assert waiting.code in page and taken.code not in page
    page = client.get(url, {"overdue": "1"}).content.decode()
    assert waiting.code in page and taken.code not in page and "table-danger" in page and "已超时" in page
    page = client.get(url, {"q": taken.code[:6].lower()}).content.decode()
    assert taken.code in page and waiting.code not in page


def test_cadre_dispatches_member_accepts_and_resolves_through_the_pages(client, c):
    req = order(c.a)
    member = member_user(c.a.members[0])
    client.force_login(cadre(c.a))
    response = client.post(reverse("requests:dispatch", args=[req.pk]), {"dispatch-assignee": f"m{c.a.members[0].pk}"})
    assert response.status_code == 302
    assert ServiceRequest.objects.get(pk=req.pk).status == RequestStatus.DISPATCHED
    bad = client.post(reverse("requests:dispatch", args=[req.pk]), {"dispatch-assignee": "m999999"})
    assert bad.status_code == 400
    client.force_login(member)
    page = client.get(reverse("requests:my_tasks")).content.decode()
    assert req.code in page and "task-accept" in page
    assert client.post(reverse("requests:accept", args=[req.pk])).status_code == 302
    again = client.post(reverse("requests:accept", args=[req.pk]), follow=True).content.decode()
    assert "已被接单，不能重复接单" in again
    assert client.post(reverse("requests:resolve", args=[req.pk]), {"resolve-note": "已修好"}).status_code == 302
    assert ServiceRequest.objects.get(pk=req.pk).status == RequestStatus.RESOLVED


def test_assignee_declines_and_grid_worker_role_cannot_dispatch(client, c):
    member = member_user(c.a.members[0])
    req = dispatched_to_member(c.a, member)
    client.force_login(member)
    assert client.post(reverse("requests:decline", args=[req.pk]), {"decline-reason": "出差"}).status_code == 302
    assert ServiceRequest.objects.get(pk=req.pk).status == RequestStatus.SUBMITTED
    client.force_login(user_with(Role.GRID, c.a.area))
    response = client.post(reverse("requests:dispatch", args=[req.pk]), {"dispatch-assignee": f"m{c.a.members[0].pk}"})
    assert response.status_code == 403
    assert client.post(reverse("requests:cancel", args=[req.pk]), {"cancel-reason": "x"}).status_code == 403


def test_cancel_needs_a_reason_and_then_shows_it(client, c):
    req = order(c.a)
    client.force_login(cadre(c.a))
    assert client.post(reverse("requests:cancel", args=[req.pk]), {"cancel-reason": ""}).status_code == 400
    assert client.post(reverse("requests:cancel", args=[req.pk]), {"cancel-reason": "重复提交"}).status_code == 302
    page = client.get(reverse("requests:public_status", args=[req.code])).content.decode()
    assert "诉求已取消：重复提交" in page


def test_dispatch_picker_offers_teams_workers_and_members_of_the_community_only(client, c):
    """The dispatch form renders no option list (a picker); its endpoint lists the request's
    community only, searched by ``q``; a value from another community is refused."""
    member_user(c.a.members[0])
    member_user(c.b.members[0])
    team(c.a, [], name="甲社区红马甲")
    other_team = team(c.b, [], name="乙社区红马甲")
    w = worker(c.a)
    req = order(c.a)
    pick = reverse("requests:pick_assignees", args=[req.pk])
    assert client.get(pick).status_code == 403  # anonymous
    client.force_login(cadre(c.a))
    page = client.get(reverse("requests:detail", args=[req.pk])).content.decode()
    assert f'data-picker="{pick}"' in page
    assert "甲社区红马甲" not in page and f'value="m{c.a.members[0].pk}"' not in page  # nothing rendered up front
    ids = {row["id"] for row in client.get(pick).json()["results"]}
    assert ids >= {f"w{w.pk}", f"m{c.a.members[0].pk}"} and any(i.startswith("t") for i in ids)
    assert f"m{c.b.members[0].pk}" not in ids and f"t{other_team.pk}" not in ids
    assert f"m{c.a.members[1].pk}" not in ids  # no account: cannot accept a task
    found = client.get(pick, {"q": "红马甲"}).json()
    assert [r["text"] for r in found["results"]] == ["志愿服务队：甲社区红马甲"] and found["more"] is False
    refused = client.post(reverse("requests:dispatch", args=[req.pk]), {"dispatch-assignee": f"m{c.b.members[0].pk}"})
    assert refused.status_code == 400 and "请选择本社区的服务队、网格员或党员" in refused.content.decode()
    req.refresh_from_db()
    assert req.status == RequestStatus.SUBMITTED
    response = client.post(reverse("requests:dispatch", args=[req.pk]), {"dispatch-assignee": f"w{w.pk}"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.assigned_worker_id == w.pk
    client.force_login(cadre(c.b, "cadre-b"))
    assert client.get(pick).status_code == 404  # another community's request


def test_team_member_picker_is_scoped_to_the_community(client, c):
    """The team form's picker lists the community's members (searched by ``q``), refuses
    anonymous callers, other communities and roles that may not manage teams; a member of
    another community submitted by hand is a form error."""
    pick = reverse("requests:team_pick_members")
    assert client.get(pick, {"community": c.a.area.pk}).status_code == 403
    client.force_login(cadre(c.a))
    names = [r["text"] for r in client.get(pick, {"community": c.a.area.pk}).json()["results"]]
    assert c.a.members[0].name in names and c.b.members[0].name not in names
    found = client.get(pick, {"community": c.a.area.pk, "q": c.a.members[1].name}).json()
    assert [r["id"] for r in found["results"]] == [c.a.members[1].pk]
    assert client.get(pick, {"community": c.b.area.pk}).status_code == 404
    url = reverse("requests:team_create") + f"?community={c.a.area.pk}"
    page = client.get(url).content.decode()
    assert f'data-picker="{pick}?community={c.a.area.pk}"' in page and c.a.members[0].name not in page
    response = client.post(url, {"name": "越界队", "members": [c.b.members[0].pk]})
    assert response.status_code == 400 and "不在您的管辖范围内" in response.content.decode()
    assert not VolunteerTeam.objects.filter(name="越界队").exists()
    client.force_login(user_with(Role.GRID, c.a.area))
    assert client.get(pick, {"community": c.a.area.pk}).status_code == 403


def test_volunteer_teams_form_and_scope(client, c):
    """The team list's scope and the member's 403 on it, and a team's page in and out of scope:
    ``test_contracts.TestVolunteerTeamListPage`` and ``TestVolunteerTeamPage``."""
    boss = cadre(c.a)
    client.force_login(boss)
    url = reverse("requests:team_create") + f"?community={c.a.area.pk}"
    response = client.post(url, {"name": "银发互助队", "leader": c.a.members[0].pk, "members": [c.a.members[1].pk],
                                 "is_active": "on"})
    assert response.status_code == 302
    t = VolunteerTeam.objects.get(name="银发互助队")
    assert t.community == c.a.area and t.members.count() == 2
    assert client.get(reverse("requests:team_edit", args=[t.pk])).status_code == 200
    assert "银发互助队" in client.get(reverse("requests:team_list")).content.decode()
    assert client.get(reverse("requests:team_create") + f"?community={c.b.area.pk}").status_code == 404
    client.force_login(user_with(Role.GRID, c.a.area))
    assert client.get(url).status_code == 403


# ------------------------------------------------------------------------ query counts
def _fill(c, n, member):
    boss = cadre(c.a, f"fill-{n}")
    for i in range(n):
        req = order(c.a, text=f"诉求{i}")
        if i % 2:
            actions.request_dispatch(actor=boss, request=req, member=member.member)


@pytest.mark.parametrize("size", [2, 12])
def test_public_pages_query_counts_do_not_grow_with_rows(client, c, size):
    """The public status page and order form; the staff pages are measured by ``test_contracts``
    (the list, a request's page, the teams, my tasks)."""
    member = member_user(c.a.members[0], f"rqm-{size}")
    _fill(c, size, member)
    req = ServiceRequest.objects.filter(status=RequestStatus.DISPATCHED).first()
    with assert_max_queries(BUDGETS["requests:public_status"]):
        assert client.get(reverse("requests:public_status", args=[req.code])).status_code == 200
    with assert_max_queries(BUDGETS["requests:submit"]):
        assert client.get(reverse("requests:submit")).status_code == 200
