"""Phone layouts (issue 14): on a 390×844 phone every staff page fits the screen, its tap
targets are at least 44 px high, its badges readable and every input labelled; on a desktop
the lists stay tables.

The mechanism (static/css/app.css): a list table carries ``table-stack`` and a ``data-label``
on each cell, and under 576 px each row is a card of "label  value" lines; a wide numeric
table carries ``table-scroll`` inside a ``.table-responsive`` and scrolls within its box.
The static test below holds every template to it; the browser tests log in as every demo
role on the small demo data and walk the role's menu and the first detail page of each list."""
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command

from dangjian.testing.browser import PHONE_VIEWPORT, login
from organizations.demo.generator import DEMO_USERNAMES

TEMPLATES = Path(settings.BASE_DIR) / "templates"
DESKTOP_VIEWPORT = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}
TAP = 44  # px, the smallest tap target on a phone
PUBLIC = ("/accounts/login/", "/w/", "/w/track/", "/r/", "/r/track/")
SKIP = ("/accounts/logout", "/admin/", "/api/docs", "/api/schema")

# What a page shows on a phone that breaks the rules; every list is empty when the page is fine.
AUDIT = """() => {
  const shown = el => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.getAttribute("data-testid") ? "[" + el.getAttribute("data-testid") + "]" : "") +
    " \\"" + (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 24) + "\\"";
  const all = sel => Array.from(document.querySelectorAll(sel)).filter(shown);
  const labelled = el => (el.labels && el.labels.length > 0) || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
  return {
    width: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    wide: all("body *").filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
      .filter(el => !el.closest(".table-responsive") || el.closest(".table-stack")).slice(0, 5).map(name),
    small: all("button, a.btn, .page-link, .nav-link, .dropdown-item")
      .filter(el => el.getBoundingClientRect().height < 44 - 0.5)
      .map(el => name(el) + " " + Math.round(el.getBoundingClientRect().height) + "px"),
    unlabelled: all("input, select, textarea")
      .filter(el => !["hidden", "submit", "button", "reset", "image"].includes(el.type))
      .filter(el => !labelled(el)).map(name),
    badges: all(".badge").filter(el => parseFloat(getComputedStyle(el).fontSize) < 12).map(name),
    unstacked: all("table.table-stack > tbody > tr > td")
      .filter(td => getComputedStyle(td).display === "table-cell").map(name),
    unmarked: Array.from(document.querySelectorAll("table"))
      .filter(t => !t.classList.contains("table-stack") && !t.classList.contains("table-scroll")).map(name),
  };
}"""

# The links of the role's menu: opened on a phone (the toggler, then each dropdown).
MENU_LINKS = """() => Array.from(document.querySelectorAll("nav a[href]"))
  .map(a => a.getAttribute("href")).filter(h => h && h.startsWith("/") && h !== "/")"""


def _problems(page, url):
    found = page.evaluate(AUDIT)
    problems = {}
    if found["width"] > found["viewport"] or found["wide"]:  # the page, or a card in a scrolling box
        problems["overflow"] = f"{found['width']}px > {found['viewport']}px: {found['wide']}"
    for key in ("small", "unlabelled", "badges", "unstacked", "unmarked"):
        if found[key]:
            problems[key] = found[key]
    return {url: problems} if problems else {}


def _open_menu(page):
    """Opens the collapsed navigation and every dropdown of it in turn, checking the tap
    targets shown; returns the problems found."""
    problems = {}
    toggler = page.locator(".navbar-toggler")
    if not toggler.is_visible():
        return problems
    toggler.click()
    page.locator("#mainnav.show").wait_for()
    problems.update(_problems(page, "menu"))
    dropdowns = page.locator("#mainnav [data-bs-toggle=dropdown]")
    for i in range(dropdowns.count()):
        dropdowns.nth(i).click()
        page.locator("#mainnav .dropdown-menu.show").first.wait_for()
        problems.update(_problems(page, f"menu dropdown {i + 1}"))
        dropdowns.nth(i).click()  # closed again
    return problems


def _first_detail(page):
    """The first link in the first row of the page's first table (a detail page)."""
    link = page.locator("table tbody tr td a[href^='/']").first
    if link.count() == 0:
        return None
    href = link.get_attribute("href")
    return None if "?" in href or href.startswith("/accounts/") else href


def _route(path):
    return re.sub(r"/\d+(?=/)", "/<id>", urlsplit(path).path)


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", scale="small", workers=0, verbosity=0)


def test_every_template_table_stacks_or_scrolls():
    """Every <table> in the templates is a list that stacks (each body cell named by a
    data-label) or a wide table that scrolls inside a .table-responsive."""
    wrong = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        name = str(path.relative_to(TEMPLATES))
        for table in re.finditer(r"<table\b[^>]*>.*?</table>", text, re.S):
            opening = re.match(r"<table\b[^>]*>", table.group(0)).group(0)
            classes = re.search(r'class="([^"]*)"', opening).group(1).split()
            if "table-scroll" in classes:
                if "table-responsive" not in text[max(0, table.start() - 120):table.start()]:
                    wrong.append(f"{name}: a table-scroll outside a .table-responsive")
            elif "table-stack" in classes:
                body = table.group(0).split("</thead>", 1)[-1]
                for cell in re.findall(r"<td\b[^>]*>", body):
                    if "data-label=" not in cell and "colspan=" not in cell:
                        wrong.append(f"{name}: {cell} has no data-label")
            else:
                wrong.append(f"{name}: {opening} neither stacks nor scrolls")
        if "<table" not in text:  # a row included into a stacking table (a checklist item)
            for cell in re.findall(r"<td\b[^>]*>", text):
                if "data-label=" not in cell and "colspan=" not in cell:
                    wrong.append(f"{name}: {cell} has no data-label")
    assert wrong == []


@pytest.mark.browser
def test_every_role_s_pages_fit_a_phone(demo, live_server, browser):
    problems = {}
    visited = 0
    for username in DEMO_USERNAMES:
        context = browser.new_context(**PHONE_VIEWPORT)
        page = context.new_page()
        page.set_default_timeout(20_000)
        login(page, live_server, username, settings.DEMO_PASSWORD)
        problems.update({f"{username} {k}": v for k, v in _problems(page, "/").items()})
        problems.update({f"{username} {k}": v for k, v in _open_menu(page).items()})
        menu = list(dict.fromkeys(page.evaluate(MENU_LINKS)))
        assert menu, username
        details, routes = [], set()
        for path in menu:
            if path.startswith(SKIP):
                continue
            response = page.goto(live_server.url + path)
            if response.status != 200:  # a menu link the role may not open: not a layout matter
                continue
            visited += 1
            problems.update({f"{username} {k}": v for k, v in _problems(page, path).items()})
            detail = _first_detail(page)
            if detail and _route(detail) not in routes:
                routes.add(_route(detail))
                details.append(detail)
        for path in details:
            response = page.goto(live_server.url + path)
            if response.status == 200:
                visited += 1
                problems.update({f"{username} {k}": v for k, v in _problems(page, path).items()})
        context.close()
    resident = browser.new_context(**PHONE_VIEWPORT).new_page()  # signed out: the public pages
    for path in PUBLIC:
        assert resident.goto(live_server.url + path).status == 200, path
        visited += 1
        problems.update({f"resident {k}": v for k, v in _problems(resident, path).items()})
    assert visited > 60
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)


@pytest.mark.browser
def test_a_stacked_list_reads_as_labelled_cards_on_a_phone_and_a_table_on_a_desktop(demo, live_server, browser):
    cells = """() => Array.from(document.querySelectorAll("[data-testid=member-list] tbody tr:first-child td"))
      .map(td => [getComputedStyle(td).display, td.getAttribute("data-label"),
                  getComputedStyle(td, "::before").content])"""
    header = """() => getComputedStyle(document.querySelector("[data-testid=member-list] thead")).display"""

    phone = browser.new_context(**PHONE_VIEWPORT).new_page()
    login(phone, live_server, "community", settings.DEMO_PASSWORD)
    phone.goto(f"{live_server.url}/org/members/")
    row = phone.evaluate(cells)
    assert [label for _display, label, _before in row] == ["姓名", "性别", "党员状态", "所在支部", "职务", "居住楼栋", "手机号"]
    assert {display for display, _label, _before in row} == {"flow-root"}  # a line per cell
    assert [before for _display, _label, before in row] == [f'"{label}"' for _d, label, _b in row]  # named
    assert phone.evaluate(header) == "none"
    card = phone.locator("[data-testid=member-list] tbody tr").first.bounding_box()
    assert card["width"] <= 390 and card["height"] > 7 * 20  # the row is a card, one line per cell

    desktop = browser.new_context(**DESKTOP_VIEWPORT).new_page()
    login(desktop, live_server, "community", settings.DEMO_PASSWORD)
    for path, testid in (("/org/members/", "member-list"), ("/services/requests/", "request-list"),
                         ("/grids/diary/", "diary-list")):
        desktop.goto(live_server.url + path)
        table = desktop.locator(f"[data-testid={testid}]")
        assert table.evaluate("t => getComputedStyle(t).display") == "table", path
        assert table.locator("thead").evaluate("h => getComputedStyle(h).display") == "table-header-group", path
        first = table.locator("tbody tr").first
        assert first.evaluate("tr => getComputedStyle(tr).display") == "table-row", path
        assert first.locator("td").first.evaluate("td => getComputedStyle(td, '::before').content") == "none", path
        assert first.locator("td").first.evaluate("td => getComputedStyle(td).display") == "table-cell", path
