"""End to end in the system Chromium: a district cadre signs in with the password, enrols an
authenticator (the key read off the page, the code computed from it, as an app does), lands
on the home page, signs out, and signs in again with a code."""
import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.testing.browser import login
from organizations.grants.choices import Role
from organizations.tests.factories import UserFactory, build_city, grant

PASSWORD = "browser-pass-123"

pytestmark = [pytest.mark.browser]


def test_district_cadre_enrols_then_signs_in_with_a_code(transactional_db, live_server, browser):
    c = build_city()
    user = UserFactory(username="district", password=PASSWORD)
    grant(user, Role.DISTRICT, c.city)

    page = browser.new_page(locale="zh-CN")
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "district")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/2fa/setup/" in url)
    assert page.locator("[data-testid=otp-qr] svg").count() == 1
    page.goto(f"{live_server.url}/org/units/")  # any page sends back to enrolment
    assert "/accounts/2fa/setup/" in page.url
    page.context.clear_cookies()  # start over: the helper signs in and enrols

    login(page, live_server, "district", PASSWORD)  # enrols through the page
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert page.url == f"{live_server.url}/" and "区委组织部" in page.content()

    page.context.clear_cookies()
    login(page, live_server, "district", PASSWORD)  # now the verification page
    assert page.url == f"{live_server.url}/"
