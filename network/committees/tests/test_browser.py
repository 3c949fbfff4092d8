"""In the system Chromium: a street cadre records a joint meeting of the street's 街道大工委
with two member units attending (seat pickers), raises a problem at it and turns it into a
whistle to the district's 住建局 (the whistle form's department picker); the department's
responder reports in and resolves it, the street confirms it; the committee's page shows the
problem 已解决."""
from datetime import timedelta

import pytest
from django.utils import timezone

from dangjian.testing.browser import login
from network.committees.models import CommitteeMeeting, CommitteeProblem
from network.committees.tests.support import build_net
from organizations.grants.choices import Role
from organizations.tests.factories import UserFactory, grant
from services.whistles.choices import WhistleSource, WhistleStatus
from services.whistles.tests.test_support import PASSWORD, responder

pytestmark = [pytest.mark.browser]


def _pick(page, field, option_text, pk):
    page.fill(f"#id_{field}_q", option_text)
    page.locator(f"#id_{field}_options [data-id='{pk}']").click()


def test_a_street_meeting_problem_whistled_and_settled(transactional_db, live_server, browser):
    net = build_net()
    w = net.w
    url = live_server.url
    cadre = UserFactory(username="net-street", password=PASSWORD)
    grant(cadre, Role.STREET, w.c.street)
    housing = responder(w.housing, username="net-housing")

    desk = browser.new_context(locale="zh-CN").new_page()
    desk.set_default_timeout(15_000)
    login(desk, live_server, "net-street", PASSWORD)
    desk.goto(f"{url}/network/committees/")
    desk.click(f"text={net.committee.name}")
    desk.wait_for_url(f"{url}/network/committees/{net.committee.pk}/")
    desk.click("[data-testid=new-meeting]")
    desk.fill("#id_topic", "第四季度联席会议")
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    desk.fill("#id_starts_at", f"{day}T09:30")
    desk.fill("#id_ends_at", f"{day}T11:30")
    desk.fill("#id_place", "街道党群服务中心")
    _pick(desk, "attending_seats", w.unit_a.name[:4], net.seat_a.pk)
    _pick(desk, "attending_seats", w.unit_b.name[:4], net.seat_b.pk)
    desk.click("[data-testid=meeting-form] [data-testid=submit]")
    desk.wait_for_url(lambda u: "/problems/new/" in u)
    meeting = CommitteeMeeting.objects.get()
    assert set(meeting.attending.all()) == {net.seat_a, net.seat_b}
    assert meeting.activity.activity_type.code == "joint_meeting"

    desk.fill("#id_title", "学校门前上下学拥堵")
    desk.fill("#id_description", "上下学高峰车辆乱停，需住建、城管协调改造停车带。")
    desk.click("[data-testid=problem-form] [data-testid=submit]")
    problem = CommitteeProblem.objects.get()
    desk.wait_for_url(f"{url}/network/committees/problems/{problem.pk}/")
    assert desk.locator("[data-testid=problem-status]").first.inner_text().strip() == "待解决"
    desk.click("[data-testid=whistle-problem]")
    _pick(desk, "departments", "住建", w.housing.pk)
    desk.click("[data-testid=problem-whistle-form] [data-testid=submit]")
    desk.wait_for_url(f"{url}/network/committees/problems/{problem.pk}/")
    problem.refresh_from_db()
    assert problem.whistle.source == WhistleSource.COMMITTEE and problem.whistle.source_id == problem.pk
    assert desk.locator("[data-testid=problem-status]").first.inner_text().strip() == "已吹哨，办理中"

    # the department's responder reports in and answers
    dept = browser.new_context(locale="zh-CN").new_page()
    dept.set_default_timeout(15_000)
    login(dept, live_server, housing.username, PASSWORD)
    dept.goto(f"{url}/services/whistles/{problem.whistle_id}/")
    dept.click("[data-testid=report]")
    dept.wait_for_selector("form[action$='/resolve/'] textarea")
    dept.locator("form[action$='/resolve/'] textarea").fill("已施划临时停车带，安排专人疏导。")
    dept.click("[data-testid=resolve]")
    dept.wait_for_selector("[data-testid=whistle-events]:has-text('已施划临时停车带')")

    # the street confirms: the whistle closes and the problem is settled
    desk.click("[data-testid=problem-whistle]")
    desk.wait_for_url(f"{url}/services/whistles/{problem.whistle_id}/")
    desk.click("[data-testid=confirm]")
    desk.wait_for_load_state()
    problem.whistle.refresh_from_db()
    assert problem.whistle.status == WhistleStatus.CLOSED
    desk.goto(f"{url}/network/committees/{net.committee.pk}/")
    row = desk.locator("[data-testid=problems] [data-testid=problem-row]", has_text="学校门前上下学拥堵")
    assert row.locator("[data-testid=problem-status]").inner_text().strip() == "已解决"
    assert desk.locator("[data-testid=settled-count]").inner_text().strip() == "1"
