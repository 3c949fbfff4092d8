"""On a desktop screen in the system Chromium: a community cadre adds a member by picking the
branch and the building (static/js/picker.js asking organizations:pick_orgs and pick_areas),
without typing a code; a mistake keeps the typed phone and ID number; no CSP violation."""
import pytest

from dangjian.privacy import is_valid_id_number
from dangjian.testing.browser import login
from organizations.grants.choices import Role
from organizations.members.models import Member
from organizations.tests.factories import AreaFactory, build_city, user_with
from services.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser]

COLLECT_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _id_number():
    base = "21060219900504777"
    return next(base + check for check in "0123456789X" if is_valid_id_number(base + check))


def test_cadre_adds_a_member_by_picking_branch_and_building(transactional_db, live_server, browser):
    c = build_city()
    from organizations.areas.choices import AreaLevel

    second = AreaFactory(name="甲2号楼", level=AreaLevel.BUILDING, parent=c.a.compound)
    boss = user_with(Role.COMMUNITY, c.a.area, username="member-cadre-desk")
    boss.set_password(PASSWORD)
    boss.save()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.add_init_script(COLLECT_CSP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "member-cadre-desk", PASSWORD)
    page.goto(f"{live_server.url}/org/members/")
    page.get_by_role("link", name="新增党员").click()
    page.wait_for_url("**/org/members/new/")
    assert page.locator("#id_organization option[value]:not([value=''])").count() == 0  # nothing up front
    assert "编码" not in page.locator("[data-testid=object-form]").inner_text()

    page.fill("#id_name", "王选择")
    page.select_option("#id_gender", "F")
    page.fill("#id_organization_q", "小区党支部")  # part of the branch's name
    page.locator(f"#id_organization_options [data-id='{c.a.branch.pk}']").click()
    assert page.locator(f"#id_organization_options [data-id='{c.b.branch.pk}']").count() == 0
    assert page.locator("#id_organization").input_value() == str(c.a.branch.pk)

    page.fill("#id_residence_q", "2号楼")
    option = page.locator(f"#id_residence_options [data-id='{second.pk}']")
    option.wait_for()
    assert "甲小区 · 甲2号楼" in option.inner_text()  # the compound tells the buildings apart
    assert page.locator(f"#id_residence_options [data-id='{c.b.building.pk}']").count() == 0
    option.click()

    # a mistake elsewhere: the typed phone and ID number stay in their boxes
    id_number = _id_number()
    page.fill("#id_phone", "12345")
    page.fill("#id_id_number", id_number)
    page.locator("[data-testid=object-form] button[type=submit]").click()
    page.wait_for_load_state()
    assert "有效的11位手机号码" in page.content()
    assert page.locator("#id_id_number").input_value() == id_number
    assert page.locator("#id_organization").input_value() == str(c.a.branch.pk)  # the picks stay too
    assert page.locator("#id_residence").input_value() == str(second.pk)

    page.fill("#id_phone", "13800138000")
    page.locator("[data-testid=object-form] button[type=submit]").click()
    page.wait_for_url("**/org/members/*/")
    assert "已新增党员“王选择”" in page.content()
    member = Member.objects.get(name="王选择")
    assert (member.organization_id, member.residence_id) == (c.a.branch.pk, second.pk)
    assert member.phone == "13800138000" and member.id_number == id_number
    assert page.evaluate("window.__csp") == []
