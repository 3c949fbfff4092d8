"""On a phone-sized screen in the system Chromium: a resident orders a request and follows
it by code; a community cadre dispatches it to a member; the member accepts and resolves
it; the resident rates the result."""
import pytest

from dangjian.testing.browser import PHONE_VIEWPORT, login
from organizations.tests.factories import build_city
from services.requests.models import ServiceRequest
from services.requests.tests.test_support import PASSWORD, cadre, category, member_user

PHONE = "13876543210"

pytestmark = [pytest.mark.browser]


def _login(browser, live_server, username):
    page = browser.new_context(**PHONE_VIEWPORT).new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, username, PASSWORD)
    return page


def test_resident_orders_cadre_dispatches_member_resolves_resident_rates(transactional_db, live_server, browser):
    c = build_city()
    member = c.a.members[0]
    member_user(member, "rq-member-phone")
    boss = cadre(c.a, "rq-cadre-phone")
    boss.set_password(PASSWORD)
    boss.save()
    url = live_server.url

    resident = browser.new_context(**PHONE_VIEWPORT).new_page()
    resident.set_default_timeout(15_000)
    resident.goto(f"{url}/r/")
    assert "水电气热类（2 小时内响应，1 天内办结）" in resident.locator("#id_category option").all_inner_texts()
    resident.fill("#id_community_q", c.a.area.name)  # the community picker: type, tap the match
    resident.locator(f"#id_community_options [data-id='{c.a.area.pk}']").click()
    resident.fill("#id_address", "甲小区1号楼302")
    resident.select_option("#id_category", str(category("utilities").pk))
    resident.fill("#id_text", "家里水管漏水，楼下也被淹了")
    resident.fill("#id_name", "吴玉梅")
    resident.fill("#id_phone", PHONE)
    resident.click("[data-testid=request-form] button[type=submit]")
    code = resident.locator("[data-testid=request-code]").inner_text().strip()
    assert len(code) == 10
    assert "待派单" in resident.locator("[data-testid=request-status]").inner_text()
    assert "响应剩余" in resident.locator("[data-testid=request-clock]").inner_text()
    assert "吴玉梅" not in resident.content() and PHONE not in resident.content()

    resident.goto(f"{url}/r/track/")
    resident.fill("#id_code", code.lower())
    resident.click("[data-testid=track-form] button[type=submit]")
    resident.wait_for_url(f"{url}/r/{code}/")

    req = ServiceRequest.objects.get(code=code)
    staff = _login(browser, live_server, "rq-cadre-phone")
    staff.goto(f"{url}/services/requests/")
    staff.locator(f"[data-testid=request-row][data-code='{code}'] a").first.click()
    staff.wait_for_url(f"{url}/services/requests/{req.pk}/")
    staff.fill("#id_dispatch-assignee_q", member.name[1:])  # the picker: type part of the name, tap the match
    staff.locator(f"#id_dispatch-assignee_options [data-id='m{member.pk}']").click()
    staff.click("[data-testid=dispatch]")
    staff.wait_for_load_state()
    assert "已派单" in staff.content()

    page = _login(browser, live_server, "rq-member-phone")
    page.goto(f"{url}/services/requests/mine/")
    task = page.locator(f"[data-testid=task][data-code='{code}']")
    task.locator("[data-testid=task-accept]").click()
    page.wait_for_load_state()
    assert "接单成功" in page.content()
    page.fill("#id_resolve-note", "已关闭总阀并更换水管接头")
    page.click("[data-testid=resolve]")
    page.wait_for_load_state()
    assert "已登记办结" in page.content()

    resident.goto(f"{url}/r/{code}/")
    assert "由一名党员承办" in resident.content() and "按时办结" in resident.content()
    assert member.name not in resident.content()
    resident.click("[data-testid=rate-link]")
    resident.select_option("#id_rating", "satisfied")
    resident.fill("#id_phone_last4", PHONE[-4:])
    resident.fill("#id_comment", "来得很快，谢谢")
    resident.click("[data-testid=rate-form] button[type=submit]")
    resident.wait_for_url(f"{url}/r/{code}/")
    assert "已评价" in resident.locator("[data-testid=request-status]").inner_text()
    req.refresh_from_db()
    assert req.status == "rated" and req.rating == "satisfied" and req.assigned_member == member


COLLECT_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def test_cadre_picks_team_members_by_typing_part_of_a_name_on_a_phone(transactional_db, live_server, browser):
    """The volunteer-team form's pickers (static/js/picker.js) on a 390×844 screen: typing part
    of a name lists the community's matching members only, a tap adds one as a chip, the chip
    removes it, and the saved team has the picked members — with no CSP violation."""
    c = build_city()
    boss = cadre(c.a, "team-cadre-phone")
    boss.set_password(PASSWORD)
    boss.save()
    first, second = c.a.members[0], c.a.members[1]
    outsider = c.b.members[0]
    context = browser.new_context(**PHONE_VIEWPORT)
    context.add_init_script(COLLECT_CSP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "team-cadre-phone", PASSWORD)
    page.goto(f"{live_server.url}/services/requests/teams/new/?community={c.a.area.pk}")
    assert page.locator("#id_members option").count() == 0  # nothing rendered up front
    page.fill("#id_name", "楼道互助队")

    search = page.locator("#id_members_q")
    assert search.is_visible()
    search.fill(first.name[1:])  # part of the name
    option = page.locator(f"#id_members_options [data-id='{first.pk}']")
    option.wait_for()
    assert page.locator(f"#id_members_options [data-id='{outsider.pk}']").count() == 0
    box = option.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # fits the phone's width
    option.click()
    page.locator(".picker-chips .badge", has_text=first.name).wait_for()

    search.fill(second.name)
    page.locator(f"#id_members_options [data-id='{second.pk}']").click()
    page.locator(".picker-chips .badge", has_text=second.name).locator("button").click()  # removed again
    assert page.locator(".picker-chips .badge", has_text=second.name).count() == 0

    page.fill("#id_leader_q", first.name)
    page.locator(f"#id_leader_options [data-id='{first.pk}']").click()
    assert page.locator("#id_leader").input_value() == str(first.pk)
    page.locator("[data-testid=team-form] button[type=submit]").click()
    page.wait_for_load_state()
    assert "已保存志愿服务队" in page.content()
    from services.requests.models import VolunteerTeam

    team = VolunteerTeam.objects.get(name="楼道互助队")
    assert team.leader_id == first.pk and set(team.members.values_list("pk", flat=True)) == {first.pk}
    assert page.evaluate("window.__csp") == []
