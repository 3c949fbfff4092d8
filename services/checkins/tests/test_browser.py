"""On a phone-sized screen in the system Chromium: an in-service member opens 我的服务,
reports to their community with 我要报到 and sees the report and their hours."""
import pytest
from django.utils import timezone

from dangjian.testing.browser import PHONE_VIEWPORT, login
from organizations.tests.factories import build_city
from services.checkins.models import MemberReport
from services.checkins.tests.test_actions import make_in_service, member_login
from services.checkins.tests.test_selectors import hours
from services.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser]


def test_member_reports_in_from_a_phone(transactional_db, live_server, browser):
    c = build_city()
    member = make_in_service(c.a, name="周在职")
    member_login(member, "zhou")
    hours(member, "6", timezone.localdate(), note="党员先锋日")
    page = browser.new_context(**PHONE_VIEWPORT).new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "zhou", PASSWORD)
    page.goto(f"{live_server.url}/services/reporting/")
    page.wait_for_url(f"{live_server.url}/services/reporting/mine/")
    assert "未报到" in page.locator("[data-testid=report-status]").inner_text()
    assert page.locator("[data-testid=total-hours]").inner_text().strip() == "6.0"
    page.fill("#id_skills", "法律咨询")
    page.click("[data-testid=self-report-button]")
    page.wait_for_load_state()
    assert "报到成功" in page.content()
    assert "已报到" in page.locator("[data-testid=report-status]").inner_text()
    assert "法律咨询" in page.locator("[data-testid=reports]").inner_text()
    assert page.locator("[data-testid=self-report-button]").count() == 0
    assert MemberReport.objects.get(member=member).community == c.a.area
