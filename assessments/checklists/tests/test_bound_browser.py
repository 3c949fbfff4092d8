"""End to end in the system Chromium: a community cadre binds an item of a compound
branch's list to the records (数据来源 主题党日 monthly, target), sees its progress computed
from the branch's activities, approves the list and finds the item done by itself, with no
complete form."""
from datetime import date, datetime, time

import pytest
from django.utils import timezone

from assessments.checklists.choices import ItemStatus
from assessments.checklists.models import ChecklistItem
from assessments.life import schedule
from assessments.tests.factories import ActivityFactory, activity_type
from dangjian.testing.browser import login
from organizations.grants.choices import Role
from organizations.tests.factories import UserFactory, build_city, grant

PASSWORD = "browser-pass-123"

pytestmark = [pytest.mark.browser]


def test_cadre_binds_an_item_to_the_records_and_it_completes_by_itself(transactional_db, live_server, browser):
    today = timezone.localdate()
    c = build_city()
    for m in range(1, 3):  # two months with a theme party day, before the item exists
        ActivityFactory(org=c.a.branch, activity_type=activity_type("theme_party_day"),
                        starts_at=datetime.combine(date(today.year, m, 1), time(9), tzinfo=schedule.SHANGHAI))
    user = UserFactory(username="bound-cadre", password=PASSWORD)
    grant(user, Role.COMMUNITY, c.a.area)
    page = browser.new_page(locale="zh-CN")
    page.set_default_timeout(15_000)
    login(page, live_server, "bound-cadre", PASSWORD)

    page.goto(f"{live_server.url}/checklists/new/?org={c.a.branch.pk}")
    page.click("[data-testid=checklist-form] button[type=submit]")
    page.wait_for_selector("[data-testid=checklist-status]")
    page.click("[data-testid=add-responsibility]")
    page.fill("#id_title", "每月开展主题党日")
    page.select_option("#id_figure", "life.months_held")
    page.select_option("#id_activity_type", "theme_party_day")
    assert "按月开展组织生活的月数" in page.text_content("[data-testid=figure-guide]")
    page.click("[data-testid=checklist-form] button[type=submit]")  # no target yet: refused, kept
    page.wait_for_selector(".invalid-feedback, .text-danger")
    assert "须填写目标值" in page.content() and page.input_value("#id_title") == "每月开展主题党日"
    page.fill("#id_target", str(min(today.month, 2)))
    page.click("[data-testid=checklist-form] button[type=submit]")
    page.wait_for_selector("[data-testid=bound-progress]")
    assert "由业务记录自动计算" in page.inner_text("[data-testid=bound-progress]")
    assert "主题党日" in page.inner_text("[data-testid=bound-progress]")

    page.click("[data-testid=submit-checklist]")
    page.wait_for_selector("[data-testid=approve]")
    page.click("[data-testid=approve]")
    page.wait_for_function("document.querySelector('[data-testid=checklist-status]').innerText === '已审批'")
    item = ChecklistItem.objects.get(checklist__org=c.a.branch, figure="life.months_held")
    assert item.status == ItemStatus.DONE  # the records reached the target: nobody typed a number
    assert page.locator("[data-testid=complete-item]").count() == 0
    row = page.locator("[data-testid=item-row]", has=page.locator("[data-testid=bound-progress]"))
    assert "已完成" in row.inner_text() and "查看业务记录" in row.inner_text()
