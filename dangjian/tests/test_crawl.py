"""The crawler of ``make bench`` (``dangjian.crawl``) on a tiny site of its own
(``dangjian/tests/crawl_urls.py``), and its table and summary.  Nothing is timed here: the
figures in the table tests are made up."""
from collections import Counter

import pytest
from django.test import Client, override_settings

from dangjian import crawl
from dangjian.tests import crawl_urls


@pytest.fixture
def site(db):
    crawl_urls.REQUESTED.clear()
    with override_settings(ROOT_URLCONF="dangjian.tests.crawl_urls"):
        yield Client(raise_request_exception=False)


def test_links_are_same_origin_hrefs_without_fragments_in_order():
    html = ('<a href="/a/">a</a><a href="b/?x=1#f">b</a><a href="http://testserver/a/">a again</a>'
            '<a href="https://other.example/c/">c</a><a href="mailto:x@y.z">m</a><a href="#top">t</a>'
            '<a name="anchor">n</a><link href="/style.css">')
    assert crawl.links_of(html, "/base/") == ["/a/", "/base/b/?x=1"]


@pytest.mark.parametrize(("url", "reason"), [
    ("/org/export/members.xlsx", "export"),
    ("/dashboard/1/export/trend.xlsx", "export"),
    ("/services/reporting/employers/3/workbook/", "export"),
    ("/services/reporting/members/3/sheet/", "export"),
    ("/scores/?export=xlsx", "export"),
    ("/scores/?period=2026-Q3&export=xlsx", "export"),
    ("/accounts/logout/", "logout"),
    ("/accounts/2fa/setup/", "second factor (enrolment makes a device on GET)"),
    ("/admin/auth/user/", "admin"),
    ("/api/docs/", "API and its docs"),
    ("/api/schema/", "API and its docs"),
    ("/static/vendor/htmx/htmx.min.js", "static/media"),
    ("/media/photos/1.jpg", "static/media"),
    ("/org/members/?format=json", "?format="),
    ("/org/members/?page=2", None),
    ("/", None),
])
def test_skip_reason(url, reason):
    path, _, query = url.partition("?")
    assert crawl.skip_reason(path, query) == reason


def test_the_crawl_follows_links_groups_by_route_and_reports_what_failed(site):
    result = crawl.crawl(site, per_route=2)

    by_route = Counter(page.route for page in result.pages)
    assert by_route == {"/": 1, "/items/<int:pk>/": 2, "/list/": 1, "/moved/": 1, "/writes/": 1}
    assert [p.url for p in result.pages if p.route == "/items/<int:pk>/"] == ["/items/1/", "/items/2/"]
    # never an export, a workbook, logout, the admin or the API docs; never another site
    assert not {"/report/export/", "/report.xlsx", "/accounts/logout/", "/admin/", "/api/docs/"} & set(crawl_urls.REQUESTED)
    assert result.skipped == {"export": 2, "logout": 1, "admin": 1, "API and its docs": 1, "?format=": 1, "static/media": 1}
    # a 500 is a failure, a 404 and a link to no route are dead links
    assert [(p.url, p.status, p.found_on) for p in result.failures] == [("/boom/", 500, "/")]
    assert {(p.url, p.status) for p in result.dead} == {("/gone/", 404), ("/nowhere/", 404)}
    # a redirect is followed to its target, a JSON answer is no page, a GET that writes is noted
    assert result.redirects == 1 and [(p.url, p.detail) for p in result.not_html] == [("/data.json", "application/json")]
    assert [(p.url, p.detail) for p in result.writes] == [("/writes/", "auth_group")]
    assert not result.capped


def test_the_crawl_stops_at_its_page_limit(site):
    result = crawl.crawl(site, per_route=5, max_pages=3)
    assert len(result.pages) == 3 and result.capped


def test_timing_a_crawled_page(site):
    page = crawl.Page("/items/1/", "/items/<int:pk>/", "/")
    timing = crawl.time_page(site, "someone", page, runs=3)
    assert timing.status == 200 and timing.queries == 0 and timing.sql == 0
    assert 0 < timing.p50 <= timing.p95
    assert crawl_urls.REQUESTED == ["/items/1/"] * 3


def _t(role, url, route, p50, p95, sql, queries, load=0.5):
    return crawl.Timing(role, url, route, 200, p50, p95, sql, queries, load)


def test_route_rows_keep_the_worst_page_of_each_route_worst_first():
    rows = crawl.route_rows([
        _t("district", "/a/1/", "/a/<int:pk>/", 40, 60, 30, 8),
        _t("district", "/a/2/", "/a/<int:pk>/", 90, 250, 80, 6),
        _t("street", "/a/3/", "/a/<int:pk>/", 20, 30, 15, 5),
        _t("district", "/", "/", 70, 120, 10, 12),
    ])
    assert [(r.role, r.route, r.url, r.queries) for r in rows] == [
        ("district", "/a/<int:pk>/", "/a/2/", 8),  # the worst page's times, the most queries of the route
        ("district", "/", "/", 12),
        ("street", "/a/<int:pk>/", "/a/3/", 5),
    ]


def test_budgets():
    assert crawl.over_budget(_t("r", "/", "/", 90, 250, 80, 6)) == ["p95"]
    assert crawl.over_budget(_t("r", "/", "/", 20, 30, 15, 11)) == ["queries"]
    assert crawl.over_budget(_t("r", "/", "/", 70, 120, 10, 5)) == ["server/SQL"]  # 70 > 1.5 × 10 + 10
    assert crawl.over_budget(_t("r", "/", "/", 45, 60, 5, 5)) == []  # under 50 ms: no ratio budget
    assert crawl.over_budget(_t("r", "/", "/", 100, 150, 70, 10)) == []  # 100 ≤ 1.5 × 70 + 10


def test_the_table_and_the_summary():
    rows = crawl.route_rows([
        _t("district", "/a/2/", "/a/<int:pk>/", 90.4, 250.6, 80.2, 6, load=1.25),
        _t("street", "/b/", "/b/", 20, 30, 0, 5, load=None),
    ])
    table = crawl.routes_table(rows).splitlines()
    assert table[0] == ("| role | route | example URL | p50 ms | p95 ms | SQL ms | server/SQL | queries | load | over budget |")
    assert table[2] == "| district | `/a/<int:pk>/` | `/a/2/` | 90 | 251 | 80 | 1.13 | 6 | 1.25 | p95 |"
    assert table[3] == "| street | `/b/` | `/b/` | 20 | 30 | 0 | — | 5 | — | — |"
    assert len(crawl.routes_table(rows, top=1).splitlines()) == 3

    results = {"district": crawl.CrawlResult(pages=[crawl.Page("/a/2/", "/a/<int:pk>/", "/")] * 2),
               "street": crawl.CrawlResult(pages=[crawl.Page("/b/", "/b/", "/")],
                                           failures=[crawl.Problem("/boom/", 500, "/b/", "/boom/", "Server Error")],
                                           dead=[crawl.Problem("/gone/", 404, "/b/")], skipped=Counter({"export": 2}))}
    summary = "\n".join(crawl.crawl_summary(rows, results))
    assert "- pages crawled and timed: 3 (district 2, street 1)" in summary
    assert "- routes: 2 distinct, 2 role × route rows" in summary
    assert "- routes over budget: 1 of 2 — p95 > 200 ms: 1, > 10 queries: 0" in summary
    assert "- worst: district `/a/2/` (route `/a/<int:pk>/`) p50 90 ms, p95 251 ms" in summary
    assert "failures (5xx): 1; dead links (403/404): 1;" in summary
    assert "- distinct links not followed: export 2" in summary
    assert "FAILURE 500 as street: `/boom/` (linked from `/b/`) Server Error" in summary
    problems = crawl.problems_table(results).splitlines()
    assert problems[2:] == ["| street | failure | 500 | `/boom/` | `/b/` | Server Error |",
                            "| street | dead link | 404 | `/gone/` | `/b/` | — |"]
