"""What the simulated users of ``make load`` do, independent of the HTTP client.

A journey talks to a ``Browser`` (``get(path, name, expect)`` and ``post(path, data, name,
expect)``, redirects never followed, both answering a ``Page``): the locustfile wraps Locust's
client in one, the tests Django's test client, so the same code builds the same URLs in both.
Every request carries a ``name`` (the row of the report) and the status it must answer;
another status raises ``Unexpected`` (Locust counts it as an error).

* ``login``: the login form (its CSRF token), the password, and for the two-factor roles the
  verification form with a TOTP code computed here (RFC 6238, ``totp``);
* ``staff_journey``: a role's home, one or two lists, a detail page reached through a link the
  list shows, and the dashboard where the role has one (``JOURNEYS``);
* ``resident_wish`` / ``resident_request``: the public form at /w/ or /r/ (a community and a
  kind or category taken from the form itself), the submission, its status page, and the
  tracking page with the code it was given.
"""
from __future__ import annotations

import hashlib
import hmac
import html
import json
import random
import re
import struct
import time
from dataclasses import dataclass
from typing import Protocol


class Unexpected(Exception):
    """A page answered something else than the journey expects."""


@dataclass(frozen=True)
class Page:
    status: int
    text: str = ""
    location: str = ""


class Browser(Protocol):
    def get(self, path: str, name: str, expect: int = 200) -> Page: ...

    def post(self, path: str, data: dict, name: str, expect: int = 302) -> Page: ...


# ------------------------------------------------------------------------------- TOTP
def totp(key_hex: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 (HMAC-SHA1 over the 30-second counter, dynamic truncation, RFC 4226), as
    django-otp's ``TOTPDevice`` verifies it (t0 = 0, no drift)."""
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % (10 ** digits)
    return str(code).zfill(digits)


def totp_step(*, at: float | None = None, step: int = 30) -> int:
    return int((time.time() if at is None else at) // step)


# ------------------------------------------------------------------------------ pages
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(page: Page) -> str:
    found = _CSRF.search(page.text)
    if not found:
        raise Unexpected("no CSRF token on the page")
    return found.group(1)


def options(page: Page, select: str) -> list[str]:
    """The non-empty option values of ``<select name="select">`` on the page."""
    found = re.search(rf'<select name="{re.escape(select)}"[^>]*>(.*?)</select>', page.text, re.S)
    if not found:
        return []
    return [html.unescape(v) for v in re.findall(r'<option value="([^"]+)"', found.group(1))]


def links(page: Page, pattern: str) -> list[str]:
    """Distinct local hrefs on the page whose path matches ``pattern`` (a regex of the whole
    path), in the order they appear, query strings dropped."""
    seen = []
    for href in re.findall(r'href="(/[^"?#]*)(?:[?#][^"]*)?"', page.text):
        if re.fullmatch(pattern, href) and href not in seen:
            seen.append(href)
    return seen


# ------------------------------------------------------------------------------ staff
LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"
VERIFY = "/accounts/2fa/verify/"
TWO_FACTOR_ROLES = ("admin", "district")


@dataclass(frozen=True)
class Step:
    """One page of a journey: a fixed ``path``, or a link matching ``link`` on the page of an
    earlier step ``on`` (a detail page reached as a person reaches it)."""

    name: str
    path: str = ""
    link: str = ""
    on: str = ""
    redirects: bool = False  # the path answers a redirect (a role's own dashboard or area), followed


MEMBER = r"/org/members/\d+/"
ORG = r"/org/orgs/\d+/"
AREA = r"/org/areas/\d+/"
UNIT = r"/org/units/\d+/"
WISH = r"/services/wishes/\d+/"
REQUEST = r"/services/requests/\d+/"
WHISTLE = r"/services/whistles/\d+/"

JOURNEYS: dict[str, tuple[Step, ...]] = {
    "admin": (
        Step("home", "/"), Step("dashboard", "/dashboard/", redirects=True), Step("member list", "/org/members/"),
        Step("member detail", link=MEMBER, on="member list"), Step("org list", "/org/orgs/"),
        Step("org detail", link=ORG, on="org list"), Step("scores", "/scores/"),
    ),
    "district": (
        Step("home", "/"), Step("dashboard", "/dashboard/", redirects=True), Step("area index", "/org/areas/", redirects=True),
        Step("area detail", link=AREA, on="area index"), Step("wish list", "/services/wishes/"),
        Step("wish detail", link=WISH, on="wish list"), Step("member list", "/org/members/"),
    ),
    "street": (
        Step("home", "/"), Step("dashboard", "/dashboard/", redirects=True), Step("org list", "/org/orgs/"),
        Step("org detail", link=ORG, on="org list"), Step("whistle list", "/services/whistles/"),
        Step("whistle detail", link=WHISTLE, on="whistle list"),
    ),
    "community": (
        Step("home", "/"), Step("request list", "/services/requests/"),
        Step("request detail", link=REQUEST, on="request list"), Step("wish list", "/services/wishes/"),
        Step("wish detail", link=WISH, on="wish list"), Step("checklists", "/checklists/"),
        Step("member list", "/org/members/"),
    ),
    "grid": (
        Step("home", "/"), Step("my area", link=AREA, on="home"), Step("member list", "/org/members/"),
        Step("member detail", link=MEMBER, on="member list"), Step("diary", "/grids/diary/"),
    ),
    "member": (
        Step("home", "/"), Step("my member page", link=MEMBER, on="home"), Step("wish wall", "/services/wishes/wall/"),
        Step("my tasks", "/services/requests/mine/"), Step("my reporting", "/services/reporting/mine/"),
    ),
    "member2": (
        Step("home", "/"), Step("wish wall", "/services/wishes/wall/"), Step("my claims", "/services/wishes/mine/"),
        Step("my tasks", "/services/requests/mine/"),
    ),
    "department": (
        Step("home", "/"), Step("whistle inbox", "/services/whistles/inbox/"), Step("unit list", "/org/units/"),
        Step("unit detail", link=UNIT, on="unit list"), Step("area index", "/org/areas/", redirects=True),
    ),
    "unit": (
        Step("home", "/"), Step("whistle inbox", "/services/whistles/inbox/"), Step("unit list", "/org/units/"),
        Step("unit detail", link=UNIT, on="unit list"),
    ),
}


# The locustfile's user classes of the mixed run (the ceiling runs name theirs explicitly).
MIXED_USERS = ("AdminStaff", "DistrictStaff", "StreetStaff", "CommunityStaff", "GridStaff", "MemberStaff",
               "Member2Staff", "DepartmentStaff", "UnitStaff", "WishResident", "RequestResident")


def login(browser: Browser, role: str, account: dict, password: str, *, now=None) -> Page:
    """Sign in through the login form (and the second factor for admin and district);
    answers the last page (the redirect to ``/``)."""
    form = browser.get(LOGIN, f"{role} · login form")
    page = browser.post(LOGIN, {"csrfmiddlewaretoken": csrf_token(form), "username": account["username"],
                                "password": password}, f"{role} · login (password)")
    if role in TWO_FACTOR_ROLES:
        verify = browser.get(VERIFY, f"{role} · 2FA form")
        code = totp(account["key"], at=now, step=int(account.get("step", 30)), digits=int(account.get("digits", 6)))
        page = browser.post(VERIFY, {"csrfmiddlewaretoken": csrf_token(verify), "otp_token": code},
                            f"{role} · 2FA code")
    return page


def logout(browser: Browser, role: str, last: Page) -> Page:
    return browser.post(LOGOUT, {"csrfmiddlewaretoken": csrf_token(last)}, f"{role} · logout")


def staff_journey(browser: Browser, role: str, *, choose=None) -> dict[str, str]:
    """The role's pages in order; answers ``{step name: path}`` of what was opened (a link
    step whose list shows no link is left out).  ``choose(paths)`` picks among the links
    (random in the load test, the first in the tests)."""
    choose = choose or (lambda paths: paths[0])
    pages: dict[str, Page] = {}
    opened: dict[str, str] = {}
    for step in JOURNEYS[role]:
        path = step.path
        if not path:
            source = opened.get(step.on)
            found = [p for p in links(pages[step.on], step.link) if p != source] if step.on in pages else []
            if not found:
                continue
            path = choose(found)
        if step.redirects:
            hop = browser.get(path, f"{role} · {step.name} (redirect)", expect=302)
            path = local_path(hop.location)
        pages[step.name] = browser.get(path, f"{role} · {step.name}")
        opened[step.name] = path
    return opened


def local_path(location: str) -> str:
    """The path of a redirect's target (absolute or relative)."""
    found = re.match(r"^(?:https?://[^/]+)?(/[^#]*)", location or "")
    if not found:
        raise Unexpected(f"a redirect to {location!r}")
    return found.group(1)


# ---------------------------------------------------------------------------- residents
def random_phone(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


@dataclass(frozen=True)
class ResidentForm:
    kind: str           # "wish" or "request"
    path: str           # /w/ or /r/
    choice_field: str   # the form's own select besides the community
    status_prefix: str  # /w/ or /r/, the status pages


WISH_FORM = ResidentForm("wish", "/w/", "kind", "/w/")
REQUEST_FORM = ResidentForm("request", "/r/", "category", "/r/")


def resident_form(browser: Browser, form: ResidentForm) -> tuple[str, list[str], list[str]]:
    """The public form: its CSRF token, community ids and choices of the form's own select."""
    page = browser.get(form.path, f"resident · {form.kind} form")
    communities, choices = options(page, "community"), options(page, form.choice_field)
    if not communities:  # the community is a picker: its options come from the endpoint, as in a phone's browser
        picked = browser.get(f"{form.path}communities/", f"resident · {form.kind} communities")
        communities = [str(row["id"]) for row in json.loads(picked.text or "{}").get("results", [])]
    if not communities or not choices:
        raise Unexpected(f"the {form.kind} form offers no community or no {form.choice_field}")
    return csrf_token(page), communities, choices


def submit(browser: Browser, form: ResidentForm, token: str, communities, choices, rng: random.Random,
           *, name: str = "") -> str:
    """One submission; answers its tracking code (from the redirect to its status page)."""
    data = {
        "csrfmiddlewaretoken": token, "community": rng.choice(communities), "building": "",
        "address": "负载测试 3号楼2单元501", form.choice_field: rng.choice(choices),
        "text": f"负载测试提交的{'心愿' if form.kind == 'wish' else '诉求'}，请忽略。", "name": "负载测试",
        "phone": random_phone(rng),
    }
    page = browser.post(form.path, data, name or f"resident · {form.kind} submit")
    found = re.fullmatch(rf"{re.escape(form.status_prefix)}([^/]+)/", page.location or "")
    if not found:
        raise Unexpected(f"the {form.kind} submission did not lead to a status page ({page.location!r})")
    return found.group(1)


def resident_journey(browser: Browser, form: ResidentForm, rng: random.Random) -> str:
    """Form, submission, status page, and tracking by the code; answers the code."""
    token, communities, choices = resident_form(browser, form)
    code = submit(browser, form, token, communities, choices, rng)
    status = f"{form.status_prefix}{code}/"
    browser.get(status, f"resident · {form.kind} status")
    track = browser.get(f"{form.status_prefix}track/?code={code}", f"resident · {form.kind} track", expect=302)
    if track.location != status:
        raise Unexpected(f"tracking {code} led to {track.location!r}")
    browser.get(status, f"resident · {form.kind} status")
    return code
