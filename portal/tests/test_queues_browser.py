"""On a 390×844 phone in the system Chromium: a community cadre opens the home page, finds
the wish waiting in its queue, taps it and publishes it, and the queue is empty after;
the queue fits the screen (no sideways scrolling) and its rows are big enough to tap."""
import pytest

from dangjian.testing.browser import PHONE_VIEWPORT, login
from organizations.tests.factories import build_city
from services.tests.factories import PASSWORD, submit

pytestmark = [pytest.mark.browser]


def test_community_reviews_a_wish_from_its_home_queue_on_a_phone(transactional_db, live_server, browser):
    from organizations.grants.choices import Role
    from organizations.tests.factories import UserFactory, grant

    c = build_city()
    user = UserFactory(username="queue-cadre", password=PASSWORD)
    grant(user, Role.COMMUNITY, c.a.area)
    wish = submit(c.a, text="想请人教我用智能手机")

    page = browser.new_context(**PHONE_VIEWPORT).new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "queue-cadre", PASSWORD)
    page.goto(f"{live_server.url}/")
    card = page.locator("[data-testid=queue-wishes_review]")
    assert card.locator("[data-testid=queue-count]").inner_text().strip() == "1"
    item = card.locator(".queue-item").first
    assert item.bounding_box()["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    item.click()
    page.wait_for_url(f"{live_server.url}/services/wishes/{wish.pk}/")
    page.locator("form[action$='/publish/'] button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/")
    card = page.locator("[data-testid=queue-wishes_review]")
    assert card.locator("[data-testid=queue-count]").inner_text().strip() == "0"
    assert "没有待审核的心愿" in card.inner_text()
