"""Content-Security-Policy (django-csp): only the portal's own files, no inline script or style,
no framing — and no page breaks under it.  In the system Chromium, the main pages of a few
roles (home, lists, the ECharts dashboard with a tooltip, the resident wish form, the activity
form, the API docs with Swagger UI rendered) raise no ``securitypolicyviolation`` (issue 12,
finding 10)."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from dangjian.testing.browser import PHONE_VIEWPORT, login

TEMPLATES = Path(settings.BASE_DIR) / "templates"

# Collects every violation the page reports, from the first script on.
COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


def _policy(response) -> dict:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


@pytest.mark.django_db
def test_every_page_carries_the_policy():
    for path in ("/accounts/login/", "/w/", "/api/areas/"):
        policy = _policy(Client().get(path))
        assert policy["default-src"] == ["'self'"], path
        assert policy["script-src"] == ["'self'"], path
        assert policy["style-src"] == ["'self'"], path
        assert policy["img-src"] == ["'self'", "data:"], path
        assert policy["frame-ancestors"] == ["'none'"], path
        assert "'unsafe-inline'" not in " ".join(sum(policy.values(), [])), path


def test_templates_hold_no_inline_script_style_or_handler():
    inline = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\ssrc=)[^>]*>", r"\sstyle=\"", r"<style", r"\son[a-z]+=\""):
            if re.search(pattern, text):
                inline.append(f"{path.relative_to(TEMPLATES)}: {pattern}")
    assert inline == []


def _violations(page):
    return page.evaluate("window.__csp || []")


def _visit(page, url, ready=None):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if ready:
        page.wait_for_selector(ready)
    return _violations(page)


@pytest.mark.browser
def test_main_pages_of_several_roles_raise_no_violation(transactional_db, live_server, browser):
    call_command("seed_demo", scale="small", workers=0, verbosity=0)
    found = {}

    def context(**kwargs):
        ctx = browser.new_context(**kwargs)
        ctx.add_init_script(COLLECT)
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        return page

    # the collector sees a violation: an inline style attribute is refused and reported
    page = context()
    _visit(page, f"{live_server.url}/accounts/login/")
    page.evaluate("""document.body.insertAdjacentHTML("beforeend", '<span style="color: red">x</span>')""")
    page.wait_for_timeout(200)
    assert any(v.startswith("style-src") for v in _violations(page)), _violations(page)

    # a resident on a phone: the wish form (building choices follow the community)
    page = context(**PHONE_VIEWPORT)
    found["/w/"] = _visit(page, f"{live_server.url}/w/", "#id_community")
    page.click("#id_community_q")  # the community picker lists the first communities when focused
    page.locator("#id_community_options [data-id]").first.click()
    page.wait_for_load_state("networkidle")
    found["/w/ (community chosen)"] = _violations(page)

    # district: home, the roster, the dashboard with its charts and a tooltip, the activity form
    page = context()
    login(page, live_server, "district", settings.DEMO_PASSWORD)
    found["/ (district)"] = _visit(page, f"{live_server.url}/")
    found["/org/members/"] = _visit(page, f"{live_server.url}/org/members/")
    found["/dashboard/"] = _visit(page, f"{live_server.url}/dashboard/", "[data-chart] canvas")
    chart = page.locator("[data-chart] canvas").first
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    found["/dashboard/ (tooltip)"] = _violations(page)
    assert page.locator("[data-chart]").first.evaluate("el => el.style.height") != ""
    found["/life/"] = _visit(page, f"{live_server.url}/life/")
    found["/scores/runs/"] = _visit(page, f"{live_server.url}/scores/runs/")

    # a grid worker: home and the people's diary
    page = context()
    login(page, live_server, "grid", settings.DEMO_PASSWORD)
    found["/ (grid)"] = _visit(page, f"{live_server.url}/")
    found["/grids/diary/"] = _visit(page, f"{live_server.url}/grids/diary/")

    # the administrator (staff): the API docs, Swagger UI rendered with the operations
    page = context()
    login(page, live_server, "admin", settings.DEMO_PASSWORD)
    found["/api/docs/"] = _visit(page, f"{live_server.url}/api/docs/", ".swagger-ui .opblock")
    assert "城市基层党建平台 API" in page.locator(".swagger-ui .info").inner_text()
    page.locator(".swagger-ui .opblock-tag", has_text="areas").wait_for()
    page.locator(".swagger-ui .opblock-summary").first.click()  # an operation opens
    page.wait_for_selector(".swagger-ui .opblock-body")
    found["/api/docs/ (operation open)"] = _violations(page)

    assert {url: v for url, v in found.items() if v} == {}
