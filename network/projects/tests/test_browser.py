"""In the system Chromium: a community cadre opens a project of their community, records a
spending against it (the allocation chosen with its picker), sees the project's balance go
down and its outcome computed from the linked records; a spending above the allocation's
balance is refused with the Chinese message, and nothing is written."""
from datetime import date
from decimal import Decimal

import pytest

from assessments.tests.factories import activity
from dangjian.testing.browser import login
from network.funds.models import FundAllocation, FundSpending
from network.projects import actions
from network.tests.factories import allocation, project
from organizations.grants.choices import Role
from organizations.tests.factories import UserFactory, build_city, grant, user_with

pytestmark = [pytest.mark.browser]
PASSWORD = "pass-123456"


def test_community_records_a_project_spending_and_sees_balance_and_outcome(transactional_db, live_server, browser):
    c = build_city(members_per_community=3)
    street = user_with(Role.STREET, c.street)
    cadre = UserFactory(username="fund-cadre", password=PASSWORD)
    grant(cadre, Role.COMMUNITY, c.a.area)
    fund = allocation(street, area=c.a.area, purpose="community_service", amount=Decimal("1000.00"))
    p = project(cadre, c.a, title="银龄助餐点", budget=Decimal("800.00"))
    actions.project_transition(actor=cadre, project=p, verb="start")
    held = activity(c.a.branch, "branch_general_meeting", date(date.today().year, 1, 10), present=c.a.members)
    actions.project_link(actor=cadre, project=p, kind="activity", record_id=held.pk)
    url = live_server.url

    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "fund-cadre", PASSWORD)
    page.goto(f"{url}/network/projects/")
    page.locator("[data-testid=project-list] a", has_text="银龄助餐点").click()
    page.wait_for_url(f"{url}/network/projects/{p.pk}/")
    assert page.locator("[data-testid=people-served]").inner_text().strip() == "3"  # the three members present
    assert page.locator("[data-testid=project-balance]").inner_text().strip() == "800.00"

    page.click("[data-testid=record-spending]")
    page.wait_for_url(lambda u: "/network/funds/spending/new/" in u)
    page.fill("#id_allocation_q", c.a.area.name)  # the allocation picker: type the recipient, tap the match
    page.locator(f"#id_allocation_options [data-id='{fund.pk}']").click()
    page.fill("#id_amount", "300.00")
    page.fill("#id_description", "购买助餐点餐具")
    page.click("[data-testid=fund-form] button[type=submit]")
    page.wait_for_url(f"{url}/network/projects/{p.pk}/")
    assert "已登记支出 300.00 元" in page.content()
    assert page.locator("[data-testid=project-spent]").inner_text().strip() == "300.00"
    assert page.locator("[data-testid=project-balance]").inner_text().strip() == "500.00"
    assert page.locator("[data-testid=activities-held]").inner_text().strip() == "1"
    assert "购买助餐点餐具" in page.locator("[data-testid=project-spendings]").inner_text()

    # above the allocation's balance (1,000.00 − 300.00): refused, with the Chinese message
    page.goto(f"{url}/network/funds/{fund.pk}/")
    assert page.locator("[data-testid=balance]").inner_text().strip() == "700.00"
    page.click("[data-testid=record-spending]")
    page.fill("#id_amount", "700.01")
    page.fill("#id_description", "社区邻里节")
    page.select_option("#id_category", "activity")
    page.click("[data-testid=fund-form] button[type=submit]")
    error = page.locator(".invalid-feedback, .alert-danger").first
    error.wait_for()
    text = page.content()
    assert "余额不足" in text and "余额 700.00 元" in text and "不能支出 700.01 元" in text
    assert FundSpending.objects.count() == 1
    assert FundAllocation.objects.get(pk=fund.pk).spent == Decimal("300.00")
