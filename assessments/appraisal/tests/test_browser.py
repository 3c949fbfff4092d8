"""End to end in the system Chromium: a community cadre opens a branch's 民主评议党员 at its
组织生活会 (the meeting picked by searching), grades the members on one sheet — the row of an
in-service member who never reported to the community is refused with the rule and keeps
what was typed — corrects it and confirms the result."""
import pytest

from assessments.appraisal.choices import AppraisalStatus, Grade
from assessments.appraisal.models import Appraisal, AppraisalGrade
from assessments.appraisal.tests.support import YEAR, in_service, meeting
from assessments.tests.factories import ensure_default_rules
from dangjian.testing.browser import login
from organizations.grants.choices import Role
from organizations.tests.factories import UserFactory, build_city, grant

PASSWORD = "browser-pass-123"

pytestmark = [pytest.mark.browser]


def test_cadre_grades_a_branch_with_one_refused_row(transactional_db, live_server, browser):
    ensure_default_rules()
    c = build_city()
    zhang = in_service(c.a, name="张在职")
    meeting(c.a.branch)
    user = UserFactory(username="appraisal-cadre", password=PASSWORD)
    grant(user, Role.COMMUNITY, c.a.area)
    page = browser.new_page(locale="zh-CN")
    page.set_default_timeout(15_000)
    login(page, live_server, "appraisal-cadre", PASSWORD)

    page.goto(f"{live_server.url}/life/appraisals/new/?org={c.a.branch.pk}")
    page.select_option("#id_year", str(YEAR))
    page.fill("#id_activity_q", c.a.branch.name[:2])
    page.locator("#id_activity_options [data-id]").first.click()
    page.click("[data-testid=appraisal-form] button[type=submit]")
    page.wait_for_selector("[data-testid=sheet-table]")
    appraisal = Appraisal.objects.get(org=c.a.branch, year=YEAR)
    assert appraisal.activity_id is not None

    for m in [zhang, *c.a.members]:
        page.select_option(f"select[name=grade_{m.pk}]", Grade.QUALIFIED)
    page.fill(f"input[name=note_{c.a.members[0].pk}]", "会后补评")
    page.click("[data-testid=save-sheet]")
    row = page.locator(f"[data-testid=sheet-row][data-member='{zhang.pk}']")
    row.locator("[data-testid=row-error]").wait_for()
    assert "未到居住地社区报到" in row.inner_text()
    assert page.input_value(f"input[name=note_{c.a.members[0].pk}]") == "会后补评"  # kept
    assert page.input_value(f"select[name=grade_{c.a.members[1].pk}]") == Grade.QUALIFIED
    assert not AppraisalGrade.objects.exists()

    page.select_option(f"select[name=grade_{zhang.pk}]", Grade.BASIC)
    page.fill(f"input[name=note_{zhang.pk}]", "本年度未到社区报到")
    page.click("button[name=then][value=confirm]")
    page.wait_for_selector("[data-testid=confirm]")
    page.click("[data-testid=confirm]")
    page.wait_for_function("document.querySelector('[data-testid=appraisal-status]').innerText === '支部已确认'")
    appraisal.refresh_from_db()
    assert appraisal.status == AppraisalStatus.CONFIRMED
    assert dict(AppraisalGrade.objects.values_list("member__name", "grade"))["张在职"] == Grade.BASIC
