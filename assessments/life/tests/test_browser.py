"""End to end in the system Chromium: a community cadre files the missing 支部党员大会
with attendance, sees the quorum verdict, and the branch's calendar turns compliant."""
import pytest
from django.utils import timezone

from assessments.life.models import Activity
from assessments.tests.factories import ensure_default_rules, fill_window, previous_quarter
from dangjian.testing.browser import login
from organizations.grants.choices import Role
from organizations.tests.factories import UserFactory, build_city, grant

PASSWORD = "browser-pass-123"

pytestmark = [pytest.mark.browser]


@pytest.fixture(autouse=True)
def default_rules(db):
    """Transactional tests (browser, races) flush the rows of the data migration; every
    test here starts with the default activity types and rule set in place."""
    ensure_default_rules()


def test_cadre_files_general_meeting_and_calendar_turns_compliant(transactional_db, live_server, browser):
    ensure_default_rules()
    today = timezone.localdate()
    c = build_city(members_per_community=5)
    branch = c.a.branch
    quarter = previous_quarter(today)
    # Every rule of the branch is met over the rolling year except last quarter's general meeting.
    fill_window(branch, today, skip={("branch_general_meeting", quarter.start)})
    user = UserFactory(username="community-cadre", password=PASSWORD)
    grant(user, Role.COMMUNITY, c.a.area)
    members = c.a.members

    page = browser.new_page(locale="zh-CN")
    page.set_default_timeout(15_000)
    login(page, live_server, "community-cadre", PASSWORD)

    calendar_url = f"{live_server.url}/life/orgs/{branch.pk}/calendar/"
    page.goto(calendar_url)
    status = page.locator("[data-testid=compliance-status]").inner_text()
    assert "未达标" in status and f"支部党员大会（{quarter.label}）" in status
    assert page.locator("tr[data-type=branch_general_meeting] td[data-status=overdue]").count() == 1

    page.click("[data-testid=file-activity]")
    page.wait_for_url(f"{live_server.url}/life/orgs/{branch.pk}/activities/new/")
    page.select_option("#id_activity_type", label="支部党员大会")
    page.fill("#id_topic", "讨论接收预备党员")
    page.fill("#id_date", quarter.end.isoformat())
    page.fill("#id_start_time", "19:00")
    page.fill("#id_end_time", "20:30")
    page.fill("#id_place", "小区党建活动室")
    for member in members[:4]:
        page.click(f"label[for=att-{member.pk}-present]")
    page.click(f"label[for=att-{members[4].pk}-absent]")
    page.fill(f"#att-{members[4].pk}-reason", "外出务工")
    live = page.locator("[data-testid=quorum-live]").inner_text()
    assert "应到正式党员 5 人，实到 4 人" in live and "超过半数，符合开会要求" in live
    page.click("[data-testid=save]")

    page.wait_for_url(f"{live_server.url}/life/activities/*/")
    verdict = page.locator("[data-testid=quorum]").inner_text()
    assert "应到正式党员 5 人，实到 4 人" in verdict and "符合开会要求" in verdict
    assert "外出务工" in page.locator("[data-testid=attendance]").inner_text()
    filed = Activity.objects.get(topic="讨论接收预备党员")
    assert filed.attendance.filter(status="present").count() == 4

    page.click("text=合规日历")
    page.wait_for_url(calendar_url)
    status = page.locator("[data-testid=compliance-status]").inner_text()
    assert "合规" in status and "未达标" not in status
    assert page.locator("td[data-status=overdue]").count() == 0
    page.close()
