"""The system Chromium for end-to-end tests: ``browser`` (a pytest fixture, see the root conftest).

Playwright drives the Chromium the machine already has (``CHROMIUM``); it never downloads
one.  Without it the fixture skips with the reason.  ``PHONE_VIEWPORT`` is the context of the
mobile-first resident pages; ``login`` signs a page in through the portal's login form.
"""
import os

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
    """Sign ``page`` in as ``username`` and wait for the home page; returns the page."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page
