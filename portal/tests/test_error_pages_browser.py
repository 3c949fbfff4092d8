"""On a 390×844 phone in the system Chromium: a missing page is the Chinese 404 in the portal's
layout with the home link and the residents' tracking form, nothing wider than the screen;
a wrong code in that form leads to the tracking page's field error, a cadre's back link
returns to the page it came from (issue 14)."""
import pytest

from dangjian.testing.browser import PHONE_VIEWPORT, login
from organizations.tests.factories import build_city
from services.tests.factories import PASSWORD, cadre, submit

pytestmark = [pytest.mark.browser]

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_a_missing_page_on_a_phone(transactional_db, live_server, browser):
    c = build_city()
    wish = submit(c.a)
    url = live_server.url
    page = browser.new_context(**PHONE_VIEWPORT).new_page()
    page.set_default_timeout(15_000)

    response = page.goto(f"{url}/no-such-page/")
    assert response.status == 404
    assert page.locator("h1").inner_text().strip() == "页面不存在"
    home = page.locator("[data-testid=home-link]")
    assert home.is_visible() and home.inner_text().strip() == "返回首页"
    assert home.bounding_box()["height"] >= 44  # a tap target
    assert page.evaluate(OVERFLOW) <= 0  # no horizontal scrolling
    assert page.locator("link[rel=manifest]").get_attribute("href") == "/manifest.webmanifest"

    # the tracking form on the page: a wrong code is the lookup's field error, a right one its page
    page.fill("#id_error_track_code", "nosuch42")
    page.click("[data-testid=error-track] button[type=submit]")
    page.wait_for_url("**/w/track/?code=nosuch42")
    assert "没有找到查询码为“NOSUCH42”的记录" in page.locator(".invalid-feedback").inner_text()
    page.fill("#id_code", wish.code)
    page.click("[data-testid=track-form] button[type=submit]")
    page.wait_for_url(f"**/w/{wish.code}/")

    page.goto(f"{url}/no-such-page/")
    page.click("[data-testid=home-link]")
    page.wait_for_url(f"{url}/accounts/login/?next=/")  # anonymous: the home page asks to sign in


def test_a_cadre_goes_back_from_a_missing_page(transactional_db, live_server, browser):
    c = build_city()
    cadre(c.a, username="cadre-404")
    url = live_server.url
    page = browser.new_context(**PHONE_VIEWPORT).new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "cadre-404", PASSWORD)
    page.goto(f"{url}/org/")
    page.evaluate("location.href = '/org/no-such-page/'")  # a dead link followed from a page
    page.wait_for_url("**/org/no-such-page/")
    assert page.locator("h1").inner_text().strip() == "页面不存在"
    assert page.locator("[data-testid=error-track]").count() == 0  # staff: no residents' form
    assert page.evaluate(OVERFLOW) <= 0
    page.click("[data-testid=back-link]")
    page.wait_for_url(f"{url}/org/")
