"""Whistle pages: refusals, scoping by role (a department sees only what was sent to it), the
forms on a whistle's page, the inbox, 三率 (with its query count) and departments; the lists'
and details' contracts (scope, query counts) are in ``test_contracts``."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.testing import assert_max_queries, logged_in
from grids.diary.choices import DiaryKind, DiaryStatus
from grids.tests.factories import DiaryEntryFactory, grid_over
from organizations.grants.choices import Role
from organizations.tests.factories import user_with
from services.tests.budgets import BUDGETS
from services.whistles import actions as whistle_actions
from services.whistles.choices import TargetStatus, WhistleStatus
from services.whistles.models import Department, Responder, Whistle
from services.whistles.tests.test_support import build_world, target_of, whistle

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


def _page(response):
    return response.content.decode()


# ---------------------------------------------------------------------------- list
def test_cadre_sees_only_whistles_of_their_community(client, w):
    """A cadre's 404 on 乙's whistle: ``test_contracts.TestWhistleDetailPage``."""
    mine = whistle(w, title="甲社区管网")
    theirs = whistle(w, actor=w.cadre_b, area=w.c.b.area, title="乙社区路灯")
    page = _page(logged_in(w.cadre_a, client).get(reverse("whistles:list")))
    assert mine.code in page and theirs.code not in page
    page = _page(logged_in(w.street_cadre, client).get(reverse("whistles:list")))
    assert mine.code in page and theirs.code in page


def test_department_sees_only_whistles_sent_to_it(client, w):
    """Nor through the inbox: ``test_contracts.TestInboxPage``."""
    to_housing = whistle(w, departments=[w.housing], title="给住建局")
    to_urban = whistle(w, departments=[w.urban], title="给城管局")
    page = _page(logged_in(w.housing_user, client).get(reverse("whistles:list")))
    assert to_housing.code in page and to_urban.code not in page
    assert client.get(reverse("whistles:detail", args=[to_urban.pk])).status_code == 404
    assert client.get(reverse("whistles:detail", args=[to_housing.pk])).status_code == 200


def test_list_filters_overdue_escalated_status_and_area(client, w):
    late = whistle(w, title="逾期的事项")
    fresh = whistle(w, title="新的事项")
    Whistle.objects.filter(pk=late.pk).update(report_due=timezone.now() - timedelta(hours=1))
    whistle_actions.whistle_escalate_overdue()
    logged_in(w.street_cadre, client)
    page = _page(client.get(reverse("whistles:list"), {"overdue": "on"}))
    assert late.code in page and fresh.code not in page
    page = _page(client.get(reverse("whistles:list"), {"mine": "on"}))  # escalated to the street
    assert late.code in page and fresh.code not in page
    page = _page(logged_in(w.cadre_a, client).get(reverse("whistles:list"), {"mine": "on"}))
    assert late.code not in page  # escalated above the community cadre
    street_whistle = whistle(w, actor=w.street_cadre, area=w.c.street, departments=[w.urban])
    page = _page(logged_in(w.street_cadre, client).get(reverse("whistles:list"), {"area": w.c.a.area.pk}))
    assert late.code in page and street_whistle.code not in page
    page = _page(client.get(reverse("whistles:list"), {"status": "closed"}))
    assert late.code not in page and "没有符合条件的吹哨事项" in page
    page = _page(client.get(reverse("whistles:list"), {"q": fresh.code}))
    assert fresh.code in page and late.code not in page
    other = build_world()
    assert client.get(reverse("whistles:list"), {"area": other.c.a.area.pk}).status_code == 404


# ------------------------------------------------------------------------------ new
def test_cadre_whistles_through_the_form(client, w):
    """The form's targets are pickers: the page lists none, the endpoints list the user's
    scope (searched by ``q``) and refuse anonymous callers and roles that may not whistle."""
    for name in ("whistles:pick_areas", "whistles:pick_departments", "whistles:pick_units"):
        assert client.get(reverse(name)).status_code == 403, name
    logged_in(w.cadre_a, client)
    page = _page(client.get(reverse("whistles:new")))
    assert f'data-picker="{reverse("whistles:pick_units")}"' in page and w.unit_a.name not in page

    def texts(name, **params):
        return [r["text"] for r in client.get(reverse(name), params).json()["results"]]

    departments = texts("whistles:pick_departments")
    assert "住建局（元宝区）" in departments and "供电所（兴东街道）" in departments
    assert texts("whistles:pick_departments", q="住建") == ["住建局（元宝区）"]
    units = texts("whistles:pick_units")
    assert any(w.unit_a.name in u for u in units)
    assert not any(w.unit_b.name in u for u in units)  # community b's units are not offered to community a
    areas = texts("whistles:pick_areas")
    assert any(w.c.a.area.name in a for a in areas) and not any(w.c.b.area.name in a for a in areas)
    refused = client.post(reverse("whistles:new"), {
        "area": w.c.a.area.pk, "title": "越界", "description": "越界", "units": [w.unit_b.pk]})
    assert refused.status_code == 400 and "不在您的管辖范围内" in refused.content.decode()
    assert not Whistle.objects.filter(title="越界").exists()
    response = client.post(reverse("whistles:new"), {
        "area": w.c.a.area.pk, "title": "违建拆除", "description": "楼顶违建影响安全",
        "departments": [w.urban.pk], "units": [w.unit_a.pk],
    })
    wh = Whistle.objects.get(title="违建拆除")
    assert response.status_code == 302 and response["Location"] == reverse("whistles:detail", args=[wh.pk])
    assert wh.targets.count() == 2


def test_form_errors_are_shown_and_nothing_is_stored(client, w):
    logged_in(w.cadre_a, client)
    response = client.post(reverse("whistles:new"), {
        "area": w.c.a.area.pk, "title": "违建拆除", "description": "楼顶违建",
        "report_due": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "resolve_due": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    })
    assert response.status_code == 400
    page = _page(response)
    assert "请至少选择一个职能部门或驻区单位" in page and "不能早于报到截止时间" in page
    assert not Whistle.objects.exists()


def test_new_whistle_is_refused_to_departments_and_members(client, w):
    assert logged_in(w.housing_user, client).get(reverse("whistles:new")).status_code == 403
    assert client.get(reverse("whistles:pick_units")).status_code == 403
    assert logged_in(user_with(Role.MEMBER, w.c.a.area), client).get(reverse("whistles:new")).status_code == 403


def test_new_whistle_prefilled_from_a_diary_problem(client, w):
    grid = grid_over(w.c.a.area, w.c.a.compound)
    entry = DiaryEntryFactory(grid=grid, kind=DiaryKind.PROBLEM, category="safety", status=DiaryStatus.OPEN,
                              text="5号楼外墙脱落")
    logged_in(w.cadre_a, client)
    page = _page(client.get(reverse("whistles:new"), {"diary": entry.pk}))
    assert "5号楼外墙脱落" in page and "民情日记：安全隐患" in page and f'value="{entry.pk}"' in page
    response = client.post(reverse("whistles:new"), {
        "area": w.c.a.area.pk, "title": "外墙脱落", "description": "5号楼外墙脱落", "departments": [w.housing.pk],
        "diary": entry.pk,
    })
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == DiaryStatus.CONVERTED
    # another community's cadre cannot prefill from it
    assert logged_in(w.cadre_b, client).get(reverse("whistles:new"), {"diary": entry.pk}).status_code == 404


# --------------------------------------------------------------------------- detail
def test_whistle_page_offers_each_side_its_forms(client, w):
    wh = whistle(w, departments=[w.housing, w.urban])
    th = target_of(wh, w.housing)
    page = _page(logged_in(w.housing_user, client).get(reverse("whistles:detail", args=[wh.pk])))
    assert page.count('data-testid="report"') == 1  # its own target only
    assert 'data-testid="confirm"' not in page and "撤销吹哨" not in page
    response = client.post(reverse("whistles:report", args=[th.pk]), {f"report-{th.pk}-note": "已派人到场"}, follow=True)
    assert "已报到" in _page(response)
    response = client.post(reverse("whistles:report", args=[th.pk]), {}, follow=True)
    assert "已经报到过了" in _page(response)  # a refused change is a message, not an error page
    response = client.post(reverse("whistles:resolve", args=[th.pk]), {f"resolve-{th.pk}-answer": ""})
    assert response.status_code == 400 and "该字段是必填项" in _page(response)
    client.post(reverse("whistles:resolve", args=[th.pk]), {f"resolve-{th.pk}-answer": "已疏通"})
    # the whistling side confirms with satisfaction
    logged_in(w.cadre_a, client)
    page = _page(client.get(reverse("whistles:detail", args=[wh.pk])))
    assert page.count('data-testid="confirm"') == 1 and "撤销吹哨" in page and 'data-testid="report"' not in page
    assert logged_in(w.urban_user, client).post(
        reverse("whistles:confirm", args=[th.pk]), {f"confirm-{th.pk}-satisfaction": "satisfied"}).status_code == 403
    logged_in(w.cadre_a, client)
    client.post(reverse("whistles:confirm", args=[th.pk]), {f"confirm-{th.pk}-satisfaction": "basic"})
    th.refresh_from_db()
    assert th.status == TargetStatus.CONFIRMED and th.satisfaction == "basic"
    assert client.post(reverse("whistles:report", args=[th.pk])).status_code == 403  # not a responder


def test_reopen_and_cancel_from_the_page(client, w):
    wh = whistle(w)
    t = target_of(wh, w.housing)
    whistle_actions.whistle_report_in(actor=w.housing_user, target=t)
    whistle_actions.whistle_resolve(actor=w.housing_user, target=t, answer="已处理")
    logged_in(w.cadre_a, client)
    client.post(reverse("whistles:reopen", args=[t.pk]), {f"reopen-{t.pk}-reason": "仍然堵塞"})
    t.refresh_from_db()
    assert t.status == TargetStatus.REOPENED and t.reopen_count == 1
    response = client.post(reverse("whistles:cancel", args=[wh.pk]), {"cancel-reason": "改由联席会议协调"}, follow=True)
    assert "已撤销该吹哨事项" in _page(response)
    wh.refresh_from_db()
    assert wh.status == WhistleStatus.CANCELLED
    assert logged_in(w.cadre_b, client).post(reverse("whistles:cancel", args=[wh.pk]), {"cancel-reason": "x"}).status_code == 404


def test_detail_shows_overdue_and_escalation(client, w):
    """The page's query count, flat with more targets and reports: ``test_contracts.TestWhistleDetailPage``."""
    wh = whistle(w, departments=[w.housing])
    Whistle.objects.filter(pk=wh.pk).update(report_due=timezone.now() - timedelta(hours=1))
    whistle_actions.whistle_escalate_overdue()
    logged_in(w.cadre_a, client)
    page = _page(client.get(reverse("whistles:detail", args=[wh.pk])))
    assert 'data-testid="late-report"' in page and "已升级至兴东街道" in page and "逾期未报到（住建局），升级至兴东街道" in page


# ---------------------------------------------------------------------------- inbox
def test_inbox_of_a_unit_account(client, w):
    """A cadre's 403, a department's rows and the query count: ``test_contracts.TestInboxPage``."""
    whistle(w, units=[w.unit_a])
    page = _page(logged_in(w.unit_a_user, client).get(reverse("whistles:inbox")))
    assert w.unit_a.name in page and "待报到" in page


def test_inbox_marks_what_is_overdue_until_it_is_answered(client, w):
    wh = whistle(w, departments=[w.housing, w.urban])
    whistle_actions.whistle_report_in(actor=w.housing_user, target=target_of(wh, w.housing))
    past = timezone.now() - timedelta(hours=1)
    Whistle.objects.filter(pk=wh.pk).update(report_due=past - timedelta(hours=1), resolve_due=past)
    page = _page(logged_in(w.housing_user, client).get(reverse("whistles:inbox")))
    assert page.count("逾期") == 1  # reported, but time is up and it is still to be answered
    whistle_actions.whistle_resolve(actor=w.housing_user, target=target_of(wh, w.housing), answer="已疏通管网")
    assert "逾期" not in _page(client.get(reverse("whistles:inbox")))
    page = _page(logged_in(w.urban_user, client).get(reverse("whistles:inbox")))
    assert page.count("逾期") == 2  # neither reported nor answered


# ----------------------------------------------------------------------------- 三率
def _closed(w, satisfaction="satisfied", late=False, departments=None):
    wh = whistle(w, departments=departments or [w.housing])
    for t in wh.targets.select_related("department", "unit"):
        user = {w.housing.pk: w.housing_user, w.urban.pk: w.urban_user}[t.department_id]
        if late:
            Whistle.objects.filter(pk=wh.pk).update(report_due=timezone.now() - timedelta(minutes=1))
        whistle_actions.whistle_report_in(actor=user, target=t)
        whistle_actions.whistle_resolve(actor=user, target=t, answer="已办理")
        whistle_actions.whistle_confirm(actor=w.cadre_a, target=t, satisfaction=satisfaction)
    return wh


def test_rates_page_counts_per_unit_and_child_area(client, w):
    _closed(w, "satisfied")
    _closed(w, "basic", late=True)
    _closed(w, "satisfied", departments=[w.urban])
    whistle(w)  # not due yet: not counted
    logged_in(w.street_cadre, client)
    response = client.get(reverse("whistles:rates"))
    page = _page(response)
    assert response.status_code == 200
    # housing: 2 due, 1 in time (50%), 2 resolved (100%), (1 + 0.9) / 2 = 95%
    # composite 10/50/40: 0.05 + 0.5 + 0.38 = 0.93
    assert f'data-key="department-{w.housing.pk}"' in page
    assert "50.0%" in page and "95.0%" in page and "93.0%" in page
    # whole street: 3 due, 2 in time → 66.7%; resolved 100%; (2 + 0.9) / 3 = 96.7%
    assert "66.7%" in page and "96.7%" in page
    assert f'data-key="area-{w.c.a.area.pk}"' in page and f'data-key="area-{w.c.b.area.pk}"' in page
    # the other weighting: 0.3 × 0.5 + 0.35 × 1 + 0.35 × 0.95 = 0.8325 → 83.3%
    assert "83.3%" in _page(client.get(reverse("whistles:rates"), {"weighting": "30-35-35"}))


def test_rates_page_refusals_scope_and_queries(client, w):
    assert logged_in(w.housing_user, client).get(reverse("whistles:rates")).status_code == 403
    logged_in(w.cadre_a, client)
    assert client.get(reverse("whistles:rates"), {"area": w.c.b.area.pk}).status_code == 404
    assert client.get(reverse("whistles:rates"), {"area": w.c.street.pk}).status_code == 404
    logged_in(w.street_cadre, client)
    _closed(w)
    client.get(reverse("whistles:rates"))
    with assert_max_queries(BUDGETS["whistles:rates"]) as first:
        client.get(reverse("whistles:rates"))
    few = len(first.captured_queries)
    for _ in range(4):
        _closed(w, "unsatisfied", departments=[w.housing, w.urban])
    with assert_max_queries(few):
        page = _page(client.get(reverse("whistles:rates")))
    assert "城管局" in page


# ----------------------------------------------------------------------- departments
def test_departments_are_managed_by_district_cadres(client, w):
    """A community cadre's 403 on the list and on a department, another district's 404:
    ``test_contracts.TestDepartmentPages``."""
    logged_in(w.district_cadre, client)
    page = _page(client.get(reverse("whistles:departments")))
    assert "住建局" in page and "供电所" in page
    response = client.post(reverse("whistles:departments"), {"dept-area": w.c.district.pk, "dept-name": "市场监管局",
                                                             "dept-phone": "12315", "dept-is_active": "on"})
    dept = Department.objects.get(name="市场监管局")
    assert response.status_code == 302 and response["Location"] == reverse("whistles:department", args=[dept.pk])
    response = client.post(reverse("whistles:responder_add", args=[dept.pk]),
                           {"resp-username": "scjg1", "resp-full_name": "值班员", "resp-password": "long-enough-9"})
    assert response.status_code == 302
    responder = Responder.objects.get(department=dept)
    assert "scjg1" in _page(client.get(reverse("whistles:department", args=[dept.pk])))
    client.post(reverse("whistles:responder_remove", args=[responder.pk]))
    assert not Responder.objects.filter(pk=responder.pk).exists()


# ------------------------------------------------------------------ unit accounts
def test_community_cadre_adds_and_removes_a_units_accounts(client, w):
    url = reverse("whistles:unit_responders", args=[w.unit_a.pk])
    detail = _page(logged_in(w.cadre_a, client).get(reverse("organizations:unit_detail", args=[w.unit_a.pk])))
    assert url in detail
    page = _page(client.get(url))
    assert w.unit_a_user.username in page and "添加报到账号" in page
    response = client.post(url, {"resp-username": "weisheng2", "resp-full_name": "值班护士",
                                 "resp-password": "long-enough-7"})
    assert response.status_code == 302 and response["Location"] == url
    added = Responder.objects.get(user__username="weisheng2")
    assert added.unit_id == w.unit_a.pk and added.department_id is None
    assert added.user.check_password("long-enough-7")
    assert "weisheng2" in _page(client.get(url))
    response = client.post(reverse("whistles:responder_remove", args=[added.pk]), {"next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert not Responder.objects.filter(pk=added.pk).exists()


def test_unit_account_form_errors_are_shown_with_400(client, w):
    url = reverse("whistles:unit_responders", args=[w.unit_a.pk])
    logged_in(w.cadre_a, client)
    response = client.post(url, {"resp-username": "newbie", "resp-password": ""})
    assert response.status_code == 400
    assert "新账号请设置初始密码。" in _page(response)
    response = client.post(url, {"resp-username": w.unit_a_user.username})
    assert response.status_code == 400 and "该账号已经是报到账号。" in _page(response)
    assert Responder.objects.filter(unit=w.unit_a).count() == 1


def test_unit_accounts_are_read_only_for_a_grid_worker_and_404_out_of_scope(client, w):
    url = reverse("whistles:unit_responders", args=[w.unit_a.pk])
    grid_worker = user_with(Role.GRID, w.c.a.area)
    page = _page(logged_in(grid_worker, client).get(url))
    assert w.unit_a_user.username in page and "添加报到账号" not in page and "移除" not in page
    response = client.post(url, {"resp-username": "sneaky", "resp-password": "long-enough-1"})
    assert response.status_code == 403
    existing = Responder.objects.get(unit=w.unit_a)
    assert client.post(reverse("whistles:responder_remove", args=[existing.pk]), {"next": url}).status_code == 403
    assert Responder.objects.filter(pk=existing.pk).exists()
    logged_in(w.cadre_b, client)  # the other community's cadre does not see unit a
    assert client.get(url).status_code == 404
    assert client.post(url, {"resp-username": "sneaky", "resp-password": "long-enough-1"}).status_code == 404
    assert client.post(reverse("whistles:responder_remove", args=[existing.pk])).status_code == 404
    assert not Responder.objects.filter(user__username="sneaky").exists()
