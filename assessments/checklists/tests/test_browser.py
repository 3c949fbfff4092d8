"""End to end in the system Chromium: a community cadre lists a compound branch's
responsibilities, submits the list, approves it as the branch's superior, registers a
problem with a rectification and closes it (销号) — the problem turns closed."""
import pytest
from django.utils import timezone

from assessments.checklists.choices import ItemKind, ItemStatus
from assessments.checklists.models import Checklist
from dangjian.testing.browser import login
from organizations.grants.choices import Role
from organizations.tests.factories import UserFactory, build_city, grant

PASSWORD = "browser-pass-123"

pytestmark = [pytest.mark.browser]


def test_cadre_lists_submits_approves_and_closes_a_problem(transactional_db, live_server, browser):
    today = timezone.localdate()
    c = build_city()
    user = UserFactory(username="checklist-cadre", password=PASSWORD)
    grant(user, Role.COMMUNITY, c.a.area)
    page = browser.new_page(locale="zh-CN")
    page.set_default_timeout(15_000)
    login(page, live_server, "checklist-cadre", PASSWORD)

    page.goto(f"{live_server.url}/checklists/new/?org={c.a.branch.pk}")
    assert page.input_value("#id_org") == str(c.a.branch.pk)  # the picker holds the pre-filled organization
    page.click("[data-testid=checklist-form] button[type=submit]")
    page.wait_for_selector("[data-testid=checklist-status]")
    checklist = Checklist.objects.get(org=c.a.branch, year=today.year)
    assert page.inner_text("[data-testid=checklist-status]") == "草稿"

    page.click("[data-testid=add-responsibility]")
    page.fill("#id_title", "每月开展主题党日")
    page.fill("#id_owner", "王书记")
    page.click("[data-testid=checklist-form] button[type=submit]")
    page.wait_for_selector("[data-testid=item-row]")
    page.click("[data-testid=submit-checklist]")
    page.wait_for_selector("[data-testid=approve]")  # the committee's cadre is the branch's superior
    assert page.inner_text("[data-testid=checklist-status]") == "待审批"
    page.click("[data-testid=approve]")
    page.wait_for_function("document.querySelector('[data-testid=checklist-status]').innerText === '已审批'")

    page.click("[data-testid=tab-problem]")
    page.click("[data-testid=add-problem]")
    page.fill("#id_title", "楼道堆物")
    page.select_option("#id_source", "observation")
    page.click("[data-testid=checklist-form] button[type=submit]")
    page.wait_for_selector("[data-testid=add-rectification]")
    page.click("[data-testid=add-rectification]")
    page.fill("#id_title", "集中清理楼道")
    page.fill("#id_due_on", str(today))
    page.click("[data-testid=checklist-form] button[type=submit]")
    page.wait_for_selector("[data-testid=close-rectification]:visible")
    page.click("[data-testid=close-rectification]:visible")
    page.fill("#id_note", "已清理，建立巡查制度")
    page.click("[data-testid=checklist-form] button[type=submit]")
    page.wait_for_selector("[data-testid=figures]")
    assert "1/1" in page.inner_text("[data-testid=figures]")
    problem = checklist.items.get(kind=ItemKind.PROBLEM)
    assert problem.status == ItemStatus.CLOSED and problem.closed_at is not None
    page.close()
