"""End to end in the system Chromium: log in, then walk the territory tree down to a building."""
import pytest

from dangjian.testing.browser import login
from organizations.grants.choices import Role
from organizations.tests.factories import CentralHouseholdFactory, UserFactory, build_city, grant

PASSWORD = "browser-pass-123"

pytestmark = [pytest.mark.browser]


def test_district_cadre_walks_from_city_to_building(transactional_db, live_server, browser):
    c = build_city()
    resident = c.a.members[0]
    CentralHouseholdFactory(member=c.a.members[1], building=c.a.building)
    user = UserFactory(username="district", password=PASSWORD)
    grant(user, Role.DISTRICT, c.city)

    page = browser.new_page(locale="zh-CN")
    page.set_default_timeout(15_000)
    login(page, live_server, "district", PASSWORD)
    assert "区委组织部" in page.content()

    page.goto(f"{live_server.url}/org/areas/{c.city.pk}/")
    assert c.city.name in page.locator("h1").inner_text()
    for area in (c.district, c.street, c.a.area, c.a.compound, c.a.building):
        page.locator("[data-testid=children] a", has_text=area.name).click()
        page.wait_for_url(f"{live_server.url}/org/areas/{area.pk}/")
        assert area.name in page.locator("h1").inner_text()

    residents = page.locator("[data-testid=residents]").inner_text()
    assert resident.name in residents
    assert resident.phone_masked in residents and resident.phone not in page.content()
    assert c.a.members[1].name in page.locator("[data-testid=central-households]").inner_text()

    crumbs = page.locator("[data-testid=breadcrumb] li").all_inner_texts()
    assert [t.strip() for t in crumbs] == ["区域", c.city.name, c.district.name, c.street.name, c.a.area.name,
                                           c.a.compound.name, c.a.building.name]
    # The ancestors are links the cadre can follow back up.
    page.locator("[data-testid=breadcrumb] a", has_text=c.street.name).click()
    page.wait_for_url(f"{live_server.url}/org/areas/{c.street.pk}/")
    page.close()
