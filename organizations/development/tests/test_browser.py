"""In the system Chromium: a community cadre takes an applicant through to probationary member
— the application form (the branch picked, not typed), the talk, then (by the factory, the
year as activist and the candidate's vetting lie in the past) up to the superior's pre-review;
then in the browser again the public notice (printable page), the 支部党员大会 vote picking
the meeting filed in organizational life (a vote without a majority refused with its
reason), the superior's talk and the approval that makes the probationary member."""
from datetime import date, timedelta

import pytest

from dangjian.testing.browser import login
from organizations.development import schedule
from organizations.development.models import DevelopmentCase
from organizations.development.tests.factories import meeting, walk
from organizations.grants.choices import Role
from organizations.members.choices import MemberStatus
from organizations.members.models import Member
from organizations.tests.factories import MemberFactory, build_city, user_with
from services.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser]

COLLECT_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _record(page, on: date, **fields):
    page.fill("#id_step-on", on.isoformat())
    for name, value in fields.items():
        page.fill(f"#id_step-{name}", str(value))
    page.click("[data-testid=record-step]")
    page.wait_for_load_state()


def test_cadre_takes_an_applicant_to_probationary_member(transactional_db, live_server, browser):
    c = build_city()
    for i in range(3):
        MemberFactory(name=f"甲正式党员{i}", organization=c.a.branch, residence=c.a.building)
    cadre = user_with(Role.COMMUNITY, c.a.area, username="dev-cadre")
    cadre.set_password(PASSWORD)
    cadre.save()
    applied = date.today() - timedelta(days=800)

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.add_init_script(COLLECT_CSP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "dev-cadre", PASSWORD)
    page.goto(f"{live_server.url}/org/development/")
    page.click("[data-testid=new-case]")
    page.wait_for_url("**/org/development/cases/new/")
    page.fill("#id_organization_q", "小区党支部")
    page.locator(f"#id_organization_options [data-id='{c.a.branch.pk}']").click()
    assert page.locator(f"#id_organization_options [data-id='{c.b.branch.pk}']").count() == 0
    page.fill("#id_name", "刘申请")
    page.select_option("#id_gender", "F")
    page.fill("#id_birth_date", "1998-04-05")
    page.fill("#id_applied_on", applied.isoformat())
    page.fill("#id_phone", "13700001234")
    page.locator("[data-testid=case-form] button[type=submit]").click()
    page.wait_for_url("**/org/development/cases/*/")
    case = DevelopmentCase.objects.get(name="刘申请")
    assert page.locator("[data-testid=next-step]").inner_text() == "党组织派人谈话"
    assert "13700001234" not in page.content()

    # the talk, first too early (before the application), then on time
    _record(page, applied - timedelta(days=1))
    assert "不能早于上一环节“递交入党申请书”" in page.content()
    _record(page, applied + timedelta(days=10))
    assert page.locator("[data-testid=next-step]").inner_text() == "推荐和确定入党积极分子"

    # a year and more as activist and the vetting of the candidate: recorded by the factory
    case = walk(case, cadre, until="notice")
    pre_review = case.steps.get(code="pre_review").on
    vote_day = schedule.add_interval(pre_review, 5, "working_days")
    gathering = meeting(c.a.branch, vote_day)

    page.reload()
    assert page.locator("[data-testid=next-step]").inner_text() == "公示"
    _record(page, pre_review)
    page.click("[data-testid=notice-link]")
    page.wait_for_url(f"**/org/development/cases/{case.pk}/notice/")
    notice = page.locator("[data-testid=notice]").inner_text()
    assert "刘申请" in notice and "发展党员公示" in notice
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").first.is_visible()  # the printed sheet is the notice alone
    page.emulate_media(media="screen")
    page.go_back()
    page.wait_for_load_state()

    # 填写入党志愿书, then the vote: the meeting is picked from the branch's general meetings
    _record(page, pre_review)
    assert page.locator("[data-testid=next-step]").inner_text() == "支部党员大会讨论"
    page.fill("#id_step-activity_q", "支部党员大会")
    page.locator(f"#id_step-activity_options [data-id='{gathering.pk}']").click()
    _record(page, vote_day, votes_yes=2, votes_no=3, votes_abstain=0)
    assert "决议未通过" in page.content()
    page.fill("#id_step-activity_q", "支部党员大会")
    page.locator(f"#id_step-activity_options [data-id='{gathering.pk}']").click()
    _record(page, vote_day, votes_yes=5, votes_no=0, votes_abstain=0)
    assert "应到 5 人，实到 5 人" in page.locator("[data-testid=timeline]").inner_text()

    _record(page, vote_day + timedelta(days=7))  # 上级党委派人谈话
    assert page.locator("[data-testid=next-step]").inner_text() == "上级党委审批"
    _record(page, vote_day + timedelta(days=30))  # 上级党委审批
    assert page.locator("[data-testid=stage]").inner_text() == "预备党员"
    member = Member.objects.get(name="刘申请")
    assert (member.status, member.joined_on, member.organization_id) == (MemberStatus.PROBATIONARY, vote_day,
                                                                        c.a.branch.pk)
    page.click("[data-testid=member-link]")
    page.wait_for_url(f"**/org/members/{member.pk}/")
    page.click("[data-testid=file-development]")
    page.wait_for_url(f"**/org/development/cases/{case.pk}/")
    assert page.evaluate("window.__csp") == []
