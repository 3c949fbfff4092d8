"""Role days in the system Chromium, from the home pages only (no typed URL): a whistle from
the department's home queue (report in, answer) to the community cadre confirming it from
hers on a phone; the street approving a community's four-list from its queue. Each queue is
empty once the work is done."""
import pytest

from dangjian.testing.browser import PHONE_VIEWPORT, login
from organizations.grants.choices import Role
from organizations.tests.factories import UserFactory, grant
from services.whistles.tests.test_support import PASSWORD, build_world, responder, whistle

pytestmark = [pytest.mark.browser]


def _queue(page, key):
    return page.locator(f"[data-testid=queue-{key}]")


def _count(page, key):
    return _queue(page, key).locator("[data-testid=queue-count]").inner_text().strip()


def test_a_whistle_from_the_department_queue_to_the_cadre_confirming_it(transactional_db, live_server, browser):
    w = build_world()
    cadre = UserFactory(username="day-cadre", password=PASSWORD)
    grant(cadre, Role.COMMUNITY, w.c.a.area)
    responder(w.housing, username="day-housing")
    item = whistle(w, actor=cadre, title="3号楼雨污管网堵塞")

    desk = browser.new_context(locale="zh-CN").new_page()
    desk.set_default_timeout(15_000)
    login(desk, live_server, "day-housing", PASSWORD)
    assert _count(desk, "inbox") == "1"
    _queue(desk, "inbox").locator(".queue-item").first.click()
    desk.wait_for_url(f"{live_server.url}/services/whistles/{item.pk}/")
    desk.click("[data-testid=report]")
    desk.wait_for_load_state()
    desk.locator("form[action$='/resolve/'] textarea").fill("已疏通管网，更换破损井盖。")
    desk.click("[data-testid=resolve]")
    desk.wait_for_load_state()
    desk.click("a.navbar-brand")  # back home by the portal's own link
    desk.wait_for_url(f"{live_server.url}/")
    # nothing waits: an account without grants shows the section only when something does
    assert _queue(desk, "inbox").count() == 0 and "3号楼雨污管网堵塞" not in desk.content()

    phone = browser.new_context(**PHONE_VIEWPORT).new_page()
    phone.set_default_timeout(15_000)
    login(phone, live_server, "day-cadre", PASSWORD)
    assert _count(phone, "whistles_confirm") == "1"
    _queue(phone, "whistles_confirm").locator(".queue-item").first.click()
    phone.wait_for_url(f"{live_server.url}/services/whistles/{item.pk}/")
    phone.click("[data-testid=confirm]")
    phone.wait_for_load_state()
    phone.click("a.navbar-brand")
    phone.wait_for_url(f"{live_server.url}/")
    assert _count(phone, "whistles_confirm") == "0"
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    item.refresh_from_db()
    assert item.status == "closed", item.status


def test_the_street_approves_a_community_list_from_its_home_queue(transactional_db, live_server, browser):
    from assessments.checklists import actions as checklist_actions
    from assessments.checklists.tests.test_support import draft, make_world

    w = make_world("day-")
    street = UserFactory(username="day-street", password=PASSWORD)
    grant(street, Role.STREET, w.city.street)
    checklist = draft(w.city.a.committee, w.a_cadre)
    checklist_actions.checklist_submit(actor=w.a_cadre, checklist=checklist)

    page = browser.new_context(**PHONE_VIEWPORT).new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "day-street", PASSWORD)
    assert _count(page, "checklists") == "1"
    _queue(page, "checklists").locator(".queue-item").first.click()
    page.wait_for_url(f"{live_server.url}/checklists/{checklist.pk}/")
    page.click("[data-testid=approve]")
    page.wait_for_load_state()
    page.click("a.navbar-brand")
    page.wait_for_url(f"{live_server.url}/")
    assert _count(page, "checklists") == "0"
    checklist.refresh_from_db()
    assert checklist.status == "approved", checklist.status
