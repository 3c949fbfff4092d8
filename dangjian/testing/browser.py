"""The system Chromium for end-to-end tests: ``browser`` (a pytest fixture, see the root conftest).

Playwright drives the Chromium the machine already has (``CHROMIUM``); it never downloads
one.  Without it the fixture skips with the reason.  ``PHONE_VIEWPORT`` is the context of the
mobile-first resident pages; ``login`` signs a page in through the portal's login form.
"""
import os
import time
from base64 import b32decode

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE_VIEWPORT = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "locale": "zh-CN"}


@pytest.fixture
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def login(page, live_server, username, password):
    """Sign ``page`` in as ``username`` and wait for the home page; returns the page.

    A user who must pass a second factor meets the real step: on the enrolment page the key
    shown there is read and a code computed from it, as an authenticator app does; on the
    verification page the code comes from the user's enrolled device."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/2fa/setup/" in page.url:
        key = b32decode(page.locator("#otp-key").inner_text().strip())
        page.fill("#id_otp_token", totp_code(key))
        page.click("[data-testid=otp-submit]")
    elif "/accounts/2fa/verify/" in page.url:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.fill("#id_otp_token", totp_code(device.bin_key, ahead=1))  # the enrolment used this step
        page.click("[data-testid=otp-submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def totp_code(key: bytes, *, ahead: int = 0) -> str:
    """The code an authenticator app shows for ``key`` now (``ahead`` steps of 30 s later)."""
    from django_otp.oath import TOTP

    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time() + 30 * ahead
    return f"{totp.token():06d}"
