"""Every page a signed-in user can reach, found by following links and timed in-process.

``crawl(client)`` starts at the client's home page (``/``, or the given ``starts``) and
follows, breadth first, the links each HTML page shows: same-origin ``<a href>`` only, GET
only.  It never follows a link ``skip_reason`` refuses: exports (``.xlsx``, ``/export``,
workbooks, sheets, ``?export=``), logout, the Django admin, the API and its docs, static and
media files, ``?format=``, and the second-factor enrolment page (it makes a device on GET).
Pages are grouped by the route they resolve to (``resolve(path).route``) and at most
``per_route`` pages of each route are kept.  A redirect is followed to its target; a 500 is
a failure, 403/404 (and a link no route resolves) are dead links; an answer that is not
HTML (a file, JSON) is no page.  A GET that writes (anything but the session) is noted.

``time_pages(client, pages, runs)`` then GETs each kept page ``runs`` times: wall time of the
whole request, SQL time (an ``execute_wrapper`` timer around every query, with no debug
cursor in the way) and the number of queries.  ``route_rows`` keeps the worst page of each
route, ``routes_table`` / ``crawl_summary`` print them as Markdown with the budgets of the
performance issue checked (``over_budget``).

A benchmark helper, not a test: the unit tests run it on the small demo data without timing.
Nothing here knows a domain app; the caller signs the client in.
"""
from __future__ import annotations

import os
import re
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.conf import settings
from django.db import connection
from django.urls import Resolver404, resolve

from dangjian.bench import markdown_table, percentile

# The budgets of every route (issue 13): p95 and queries, and server time against SQL time
# on routes slower than SLOW_MS (p50).
BUDGET_P95_MS = 200
BUDGET_QUERIES = 10
BUDGET_RATIO = 1.5
BUDGET_SLACK_MS = 10
SLOW_MS = 50

DEAD_STATUSES = (403, 404)
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)
# No side effect of the page: a session saved after a request; a derived table a page fills
# when it finds it stale (the compliance verdicts, assessments.life OrgVerdict: an idempotent
# evaluation of records, like a cache, written by the nightly job on a normal day)
# (settings.READ_FILLED_TABLES)
_QUIET_TABLES = {"django_session", *getattr(settings, "READ_FILLED_TABLES", ())}


def skip_reason(path: str, query: str = "") -> str | None:
    """Why a same-origin link is not followed, or ``None`` to follow it."""
    keys = {key for key, _value in parse_qsl(query, keep_blank_values=True)}
    if (path.endswith(".xlsx") or "/export" in path or path.endswith(("/workbook/", "/sheet/"))
            or keys & {"export", "download"}):
        return "export"
    if path.startswith("/accounts/logout/"):
        return "logout"
    if path.startswith("/accounts/2fa/"):
        return "second factor (enrolment makes a device on GET)"
    if path.startswith("/admin/"):
        return "admin"
    if path.startswith("/api/"):
        return "API and its docs"
    static, media = settings.STATIC_URL or "/static/", settings.MEDIA_URL or "/media/"
    if path.startswith(("/" + static.lstrip("/"), "/" + media.lstrip("/"))):
        return "static/media"
    if "format" in keys:
        return "?format="
    return None


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html: str, base: str, hosts=("testserver",)) -> list[str]:
    """Same-origin ``<a href>`` targets of ``html`` (relative to ``base``), as ``path?query``
    without fragments, in document order, each once."""
    parser = _Links()
    parser.feed(html)
    out, seen = [], set()
    for href in parser.hrefs:
        href = href.strip()
        if href.startswith("#") or href.lower().startswith(("mailto:", "tel:", "javascript:", "data:")):
            continue
        parts = urlsplit(urljoin(base, href))
        if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc not in hosts):
            continue
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        if url and url not in seen:
            seen.add(url)
            out.append(url)
    return out


def route_of(path: str) -> str | None:
    """The route pattern ``path`` resolves to (``/`` + ``resolve(path).route``), or ``None``."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return "/" + (match.route or "")


@dataclass
class Page:
    url: str
    route: str
    found_on: str  # the page that linked it ("" for the start)


@dataclass
class Problem:
    url: str
    status: int | str
    found_on: str
    route: str | None = None
    detail: str = ""


@dataclass
class CrawlResult:
    pages: list[Page] = field(default_factory=list)
    failures: list[Problem] = field(default_factory=list)  # 500s
    dead: list[Problem] = field(default_factory=list)  # 403, 404, unresolvable
    other: list[Problem] = field(default_factory=list)  # any other status (405, 400, …)
    writes: list[Problem] = field(default_factory=list)  # GETs that wrote rows
    skipped: Counter = field(default_factory=Counter)  # distinct links not followed, by reason
    not_html: list[Problem] = field(default_factory=list)  # answers that are no page (files, JSON)
    redirects: int = 0
    capped: bool = False  # stopped at max_pages

    @property
    def routes(self) -> set[str]:
        return {p.route for p in self.pages}


class SqlTimer:
    """An ``execute_wrapper``: counts and times every query, notes the tables written."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0
        self.written = set()

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1
            write = _WRITE.match(sql)
            if write and write.group(1) not in _QUIET_TABLES:
                self.written.add(write.group(1))


def timed_get(client, url):
    """One GET: ``(response, wall ms, SQL ms, queries, tables written)``."""
    timer = SqlTimer()
    with connection.execute_wrapper(timer):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    return response, elapsed * 1000, timer.seconds * 1000, timer.count, timer.written


def _is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html") and not getattr(response, "streaming", False)


def crawl(client, *, starts=("/",), per_route: int = 2, max_pages: int = 400, max_tries: int | None = None) -> CrawlResult:
    """Breadth-first from the ``starts`` pages as ``client`` (a Django test ``Client`` already
    signed in, made with ``raise_request_exception=False`` so that a 500 is an answer)."""
    result = CrawlResult()
    tries = Counter()  # GETs per route, whatever they answered
    kept = Counter()  # pages per route
    max_tries = max_tries if max_tries is not None else per_route + 3
    queue, queued = deque((start, "") for start in starts), set(starts)
    hosts = {"testserver", "127.0.0.1", "localhost"}
    while queue:
        url, found_on = queue.popleft()
        parts = urlsplit(url)
        route = route_of(parts.path)
        if route is None:
            result.dead.append(Problem(url, 404, found_on, None, "no route"))
            continue
        if kept[route] >= per_route or tries[route] >= max_tries:
            continue
        if len(result.pages) >= max_pages:
            result.capped = True
            break
        tries[route] += 1
        response, _ms, _sql, _queries, written = timed_get(client, url)
        hosts.add(response.wsgi_request.get_host())
        status = response.status_code
        if written:
            result.writes.append(Problem(url, status, found_on, route, ", ".join(sorted(written))))
        if status in (301, 302, 303, 307, 308):
            result.redirects += 1
            target = urlsplit(urljoin(url, response["Location"]))
            if target.netloc and target.netloc not in hosts:
                continue
            target_url = target.path + (f"?{target.query}" if target.query else "")
            if skip_reason(target.path, target.query) is None and target_url not in queued:
                queued.add(target_url)
                queue.append((target_url, url))
            continue
        if status >= 500:
            result.failures.append(Problem(url, status, found_on, route, _excerpt(response)))
            continue
        if status in DEAD_STATUSES:
            result.dead.append(Problem(url, status, found_on, route))
            continue
        if status != 200:
            result.other.append(Problem(url, status, found_on, route))
            continue
        if not _is_html(response):
            result.not_html.append(Problem(url, status, found_on, route, response.get("Content-Type", "")))
            continue
        kept[route] += 1
        result.pages.append(Page(url, route, found_on))
        for link in links_of(response.content.decode(response.charset or "utf-8", "replace"), url, tuple(hosts)):
            if link in queued:
                continue
            link_parts = urlsplit(link)
            reason = skip_reason(link_parts.path, link_parts.query)
            if reason is not None:
                queued.add(link)  # counted once
                result.skipped[reason] += 1
                continue
            queued.add(link)
            queue.append((link, url))
    return result


def _excerpt(response) -> str:
    text = response.content.decode(response.charset or "utf-8", "replace") if not getattr(response, "streaming", False) else ""
    title = re.search(r"<title>(.*?)</title>", text, re.S)
    return (title.group(1) if title else text[:120]).strip().replace("\n", " ")


@dataclass
class Timing:
    role: str
    url: str
    route: str
    status: int
    p50: float  # ms, whole request in-process
    p95: float
    sql: float  # ms, SQL time per request (p50, the same statistic as the wall time's)
    queries: int  # the most queries any run took
    load: float | None  # 1-minute load average when the page was timed

    @property
    def ratio(self) -> float:
        """Server time over SQL time (p50 / p50 of SQL)."""
        return self.p50 / self.sql if self.sql else float("inf")


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def time_page(client, role: str, page: Page, *, runs: int = 7) -> Timing:
    """``runs`` timed GETs of a page found by ``crawl`` (its discovery GET was the warm-up)."""
    totals, sqls, counts, statuses = [], [], [], set()
    for _ in range(max(1, runs)):
        response, elapsed, sql, count, _written = timed_get(client, page.url)
        statuses.add(response.status_code)
        totals.append(elapsed)
        sqls.append(sql)
        counts.append(count)
    status = max(statuses, key=lambda s: (s != 200, s))
    return Timing(role, page.url, page.route, status, percentile(totals, 50), percentile(totals, 95),
                      percentile(sqls, 50), max(counts), load_average())


def time_pages(client, role: str, pages, *, runs: int = 7, progress=None) -> list[Timing]:
    out = []
    for page in pages:
        timing = time_page(client, role, page, runs=runs)
        out.append(timing)
        if progress is not None:
            progress(timing)
    return out


def over_budget(t: Timing) -> list[str]:
    """Which budgets a route's worst page misses: ``p95``, ``queries``, ``server/SQL``."""
    misses = []
    if t.p95 > BUDGET_P95_MS:
        misses.append("p95")
    if t.queries > BUDGET_QUERIES:
        misses.append("queries")
    if t.p50 > SLOW_MS and t.p50 > BUDGET_RATIO * t.sql + BUDGET_SLACK_MS:
        misses.append("server/SQL")
    return misses


def _badness(t: Timing):
    return (t.p95, t.queries, t.p50)


def route_rows(timings) -> list[Timing]:
    """One row per (role, route): its worst page (highest p95), the most queries any of its
    pages took; worst first."""
    groups: dict[tuple[str, str], list[Timing]] = {}
    for t in timings:
        groups.setdefault((t.role, t.route), []).append(t)
    rows = []
    for group in groups.values():
        worst = max(group, key=_badness)
        queries = max(t.queries for t in group)
        rows.append(Timing(worst.role, worst.url, worst.route, worst.status, worst.p50, worst.p95, worst.sql,
                               queries, worst.load))
    return sorted(rows, key=_badness, reverse=True)


ROUTE_HEADER = ["role", "route", "example URL", "p50 ms", "p95 ms", "SQL ms", "server/SQL", "queries", "load", "over budget"]


def _ratio(t: Timing) -> str:
    return f"{t.ratio:.2f}" if t.sql else "—"


def routes_table(rows, *, top: int | None = None) -> str:
    """The per-route table, worst first (``top`` rows when given)."""
    shown = rows[:top] if top else rows
    return markdown_table(ROUTE_HEADER, [
        [t.role, f"`{t.route}`", f"`{t.url}`", f"{t.p50:.0f}", f"{t.p95:.0f}", f"{t.sql:.0f}", _ratio(t), str(t.queries),
         f"{t.load:.2f}" if t.load is not None else "—", ", ".join(over_budget(t)) or "—"]
        for t in shown
    ])


def crawl_summary(rows, results: dict) -> list[str]:
    """Summary lines: pages, routes, routes over budget (by budget), the worst, and the
    crawl's problems.  ``results`` maps a role to its ``CrawlResult``."""
    pages = sum(len(r.pages) for r in results.values())
    distinct = {t.route for t in rows}
    over = [t for t in rows if over_budget(t)]
    by = Counter(m for t in rows for m in over_budget(t))
    lines = [
        f"- pages crawled and timed: {pages} ({', '.join(f'{role} {len(r.pages)}' for role, r in results.items())})",
        f"- routes: {len(distinct)} distinct, {len(rows)} role × route rows",
        f"- routes over budget: {len(over)} of {len(rows)} — p95 > {BUDGET_P95_MS} ms: {by['p95']}, "
        f"> {BUDGET_QUERIES} queries: {by['queries']}, server > {BUDGET_RATIO} × SQL + {BUDGET_SLACK_MS} ms "
        f"(p50 > {SLOW_MS} ms): {by['server/SQL']}",
    ]
    if rows:
        w = rows[0]
        lines.append(f"- worst: {w.role} `{w.url}` (route `{w.route}`) p50 {w.p50:.0f} ms, p95 {w.p95:.0f} ms, "
                     f"SQL {w.sql:.0f} ms, {w.queries} queries")
    failures = [(role, p) for role, r in results.items() for p in r.failures]
    dead = [(role, p) for role, r in results.items() for p in r.dead]
    other = [(role, p) for role, r in results.items() for p in r.other]
    writes = [(role, p) for role, r in results.items() for p in r.writes]
    skipped = sum((r.skipped for r in results.values()), Counter())
    lines.append(f"- failures (5xx): {len(failures)}; dead links (403/404): {len(dead)}; other statuses: {len(other)}; "
                 f"GETs that wrote: {len(writes)}; redirects followed: {sum(r.redirects for r in results.values())}; "
                 f"non-HTML answers (not timed): {sum(len(r.not_html) for r in results.values())}")
    if skipped:
        lines.append("- distinct links not followed: " + ", ".join(f"{reason} {n}" for reason, n in skipped.most_common()))
    capped = [role for role, r in results.items() if r.capped]
    if capped:
        lines.append(f"- stopped at the page limit: {', '.join(capped)}")
    for role, p in failures:
        lines.append(f"  - FAILURE {p.status} as {role}: `{p.url}` (linked from `{p.found_on}`) {p.detail}")
    return lines


def problems_table(results: dict) -> str:
    """Failures, dead links, other statuses, GETs that wrote and answers that are no page,
    one row each."""
    rows = []
    for role, r in results.items():
        for kind, problems in (("failure", r.failures), ("dead link", r.dead), ("status", r.other), ("GET wrote", r.writes),
                                ("not HTML", r.not_html)):
            rows += [[role, kind, str(p.status), f"`{p.url}`", f"`{p.found_on}`" if p.found_on else "—", p.detail or "—"]
                     for p in problems]
    return markdown_table(["role", "kind", "status", "URL", "linked from", "detail"], rows) if rows else ""
