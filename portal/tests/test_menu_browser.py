"""The menu on a 390×844 phone in the system Chromium: collapsed behind the toggler, it opens,
its dropdowns open, and a link leads to its page — the role's own entries only."""
import pytest

from dangjian.testing.browser import PHONE_VIEWPORT, login
from organizations.grants.choices import Role
from organizations.tests.factories import build_city, user_with

pytestmark = [pytest.mark.browser]
PASSWORD = "pass-123456"


def test_a_grid_worker_uses_the_collapsed_menu_on_a_phone(transactional_db, live_server, browser):
    city = build_city()
    user = user_with(Role.GRID, city.a.compound, "grid-phone")
    user.set_password(PASSWORD)
    user.save()
    page = browser.new_context(**PHONE_VIEWPORT).new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "grid-phone", PASSWORD)

    menu = page.locator("[data-testid=main-menu]")
    toggler = page.locator("button.navbar-toggler")
    assert toggler.is_visible() and not menu.is_visible()  # collapsed
    toggler.click()
    menu.wait_for(state="visible")
    labels = [t.strip() for t in menu.locator(":scope > li > a").all_inner_texts()]
    assert "网格" in labels and "吹哨报到" not in labels and "责任与考核" in labels  # its dashboard, no whistles
    menu.locator("a.dropdown-toggle", has_text="网格").click()
    diary = menu.locator("a.dropdown-item", has_text="民情日记")
    diary.wait_for(state="visible")
    assert diary.bounding_box()["height"] >= 30  # a finger-sized row in the open menu
    diary.click()
    page.wait_for_url(f"{live_server.url}/grids/diary/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
