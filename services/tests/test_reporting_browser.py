"""On a phone-sized screen in the system Chromium: an in-service member opens 我的服务,
reports to their community with 我要报到 and sees the report and their hours."""
import os

import pytest
from django.utils import timezone

from organizations.tests.factories import build_city
from services.models import MemberReport

from .factories import PASSWORD
from .test_reporting_actions import make_in_service, member_login
from .test_reporting_selectors import hours

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
PHONE_VIEWPORT = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "locale": "zh-CN"}

pytestmark = [pytest.mark.browser]


@pytest.fixture
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def test_member_reports_in_from_a_phone(transactional_db, live_server, browser):
    c = build_city()
    member = make_in_service(c.a, name="周在职")
    member_login(member, "zhou")
    hours(member, "6", timezone.localdate(), note="党员先锋日")
    page = browser.new_context(**PHONE_VIEWPORT).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "zhou")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
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
