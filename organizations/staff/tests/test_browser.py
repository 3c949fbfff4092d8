"""In the system Chromium on a desktop: a district cadre (second factor and all) creates a
community cadre's account, choosing the community with the picker, reads the one-time
password off the page, grants the cadre a grid by the picker on the account's page; the new
cadre signs in, is held on the password change page, sets a password and opens its community."""
import pytest

from dangjian.testing.browser import login
from organizations.grants.choices import Role
from organizations.grants.models import Grant
from organizations.tests.factories import UserFactory, build_city, grant

PASSWORD = "District-pass-2024"
OWN_PASSWORD = "Community-own-88"

pytestmark = [pytest.mark.browser]


def test_district_creates_an_account_and_grants_a_community_by_picker(transactional_db, live_server, browser):
    c = build_city()
    district = UserFactory(username="district", password=PASSWORD)
    grant(district, Role.DISTRICT, c.city)
    url = live_server.url

    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "district", PASSWORD)
    page.goto(f"{url}/org/accounts/")
    page.click("[data-testid=account-create]")
    page.fill("#id_username", "jia.cadre")
    page.fill("#id_display_name", "甲社区书记")
    page.select_option("#id_role", Role.COMMUNITY)
    page.fill("#id_area_q", c.a.area.name)  # the area picker: type, pick the match
    page.locator(f"#id_area_options [data-id='{c.a.area.pk}']").click()
    page.click("[data-testid=object-form] button[type=submit]")
    password = page.locator("[data-testid=one-time-password]").inner_text().strip()
    assert len(password) == 14

    page.click("[data-testid=go-account]")
    page.select_option("#id_grant-role", Role.GRID)
    page.fill("#id_grant-area_q", c.a.compound.name)
    page.locator(f"#id_grant-area_options [data-id='{c.a.compound.pk}']").click()
    page.click("[data-testid=grant-submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=grant-row]").count() == 2
    assert "授予角色" in page.locator("[data-testid=audit]").inner_text()
    assert password not in page.content()
    assert set(Grant.objects.filter(user__username="jia.cadre").values_list("role", "area")) == {
        (Role.COMMUNITY, c.a.area.pk), (Role.GRID, c.a.compound.pk)}

    cadre = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    cadre.set_default_timeout(15_000)
    cadre.goto(f"{url}/accounts/login/")
    cadre.fill("#id_username", "jia.cadre")
    cadre.fill("#id_password", password)
    cadre.click("button[type=submit]")
    cadre.wait_for_url(lambda u: "/accounts/password/" in u)
    cadre.goto(f"{url}/org/areas/{c.a.area.pk}/")  # held there until the password is changed
    assert "/accounts/password/" in cadre.url
    cadre.fill("#id_old_password", password)
    cadre.fill("#id_new_password1", OWN_PASSWORD)
    cadre.fill("#id_new_password2", OWN_PASSWORD)
    cadre.locator("form [type=submit]").last.click()
    cadre.wait_for_url(f"{url}/accounts/password/done/")  # the portal says the password changed
    cadre.goto(f"{url}/org/areas/{c.a.area.pk}/")
    assert c.a.area.name in cadre.content() and "/accounts/password/" not in cadre.url
