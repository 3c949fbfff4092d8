"""Dashboard pages, Excel exports and the API: what a district, street or other user sees,
scoping (404 out of scope, 403 without a roster role), query counts pinned at two sizes."""
import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments.dashboard import rollups
from assessments.dashboard.models import AreaRollup
from assessments.scoring.choices import IndicatorSource, SubjectKind
from assessments.scoring.models import Indicator, Rubric, Score, ScoreLine, ScoringRun
from assessments.tests.budgets import BUDGETS
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import Role
from organizations.orgs.choices import OrgCategory
from organizations.tests.factories import build_city, build_community, user_with
from services.wishes.models import Wish

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.get_fixed_timezone(480))
# Queries of a request, the session read, the user and the grants included; the session
# write-back (SESSION_SAVE_EVERY_REQUEST: a savepoint, an UPDATE, a release) is left out
# (count_queries below), as the budgets of the dashboard say.


def _wish(community, status="published"):
    w = Wish.objects.create(
        code=f"W{Wish.objects.count() + 1:08d}{community.pk}", community=community, requester_name="王",
        requester_phone="13800000000", kind="material", text="助听器", status=status,
    )
    Wish.objects.filter(pk=w.pk).update(created_at=NOW)
    return w


def scored(areas_and_totals, *, period_key="2026", code="wuhao", level=AreaLevel.COMMUNITY, org_category=None):
    """Scores with two lines each (组织生活 20 max, 服务群众 30 max, the rest unlisted)."""
    if org_category:
        rubric = Rubric.objects.create(code=code, name="四好小区党支部", subject_kind=SubjectKind.ORG, org_category=org_category,
                                       effective_from=date(2026, 1, 1))
    else:
        rubric = Rubric.objects.create(code=code, name="五好社区", subject_kind=SubjectKind.AREA, area_level=level,
                                       effective_from=date(2026, 1, 1))
    life = Indicator.objects.create(rubric=rubric, code="life", name="组织生活合规", source=IndicatorSource.ACTIVITY_COMPLIANCE,
                                    max_points=Decimal(20), sort_order=1)
    serve = Indicator.objects.create(rubric=rubric, code="serve", name="诉求三率", source=IndicatorSource.REQUEST_RATES,
                                     max_points=Decimal(30), sort_order=2)
    run = ScoringRun.objects.create(rubric=rubric, period_kind="year", period_key=period_key, period_start=date(2026, 1, 1),
                                    period_end=date(2026, 12, 31), state="done")
    scores = []
    for subject, total, lost_life, lost_serve in areas_and_totals:
        area, org = (subject.area, subject) if org_category else (subject, None)
        s = Score.objects.create(
            rubric=rubric, run=run, period_key=period_key, subject_id=subject.pk, area=area, org=org,
            parent_area=area.parent, total=Decimal(total), max_total=Decimal(100), stars=3, computed_at=NOW,
        )
        ScoreLine.objects.create(score=s, indicator=life, points=Decimal(20 - lost_life), max_points=Decimal(20),
                                 explanation="…")
        ScoreLine.objects.create(score=s, indicator=serve, points=Decimal(30 - lost_serve), max_points=Decimal(30),
                                 explanation="…")
        scores.append(s)
    return scores


@pytest.fixture
def c(db):
    city = build_city(members_per_community=3)
    _wish(city.a.area)
    _wish(city.a.area, "rated")
    _wish(city.b.area)
    scored([(city.a.area, "88", 2, 10), (city.b.area, "61", 15, 4)])
    rollups.refresh_rollups(now=NOW, trends=True)
    return city


@pytest.fixture
def district_user(c):
    return user_with(Role.DISTRICT, c.district)


def page(client, user, area, **params):
    client.force_login(user)
    return client.get(reverse("dashboard:area", args=[area.pk]), params)


def charts_of(response):
    html = response.content.decode()
    start = html.index('<script id="dash-data" type="application/json">') + len('<script id="dash-data" type="application/json">')
    return json.loads(html[start:html.index("</script>", start)])


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len([
        q for q in ctx.captured_queries
        if not (q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT")) or q["sql"].startswith('UPDATE "django_session"'))
    ])


def score_detail_url(pk):
    try:
        return reverse("scoring:score_detail", args=[pk])
    except NoReverseMatch:
        return None


# ------------------------------------------------------------------------- pages
def test_index_redirects_to_the_users_top_area(client, c, district_user):
    client.force_login(district_user)
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 302 and response["Location"] == reverse("dashboard:area", args=[c.district.pk])
    street = user_with(Role.STREET, c.street)
    client.force_login(street)
    assert client.get(reverse("dashboard:index"))["Location"] == reverse("dashboard:area", args=[c.street.pk])


def test_district_page_shows_cards_children_and_computed_time(client, c, district_user):
    response = page(client, district_user, c.district, period="2026")
    assert response.status_code == 200
    html = response.content.decode()
    assert "元宝区 · 数据看板" in html
    assert "2026年度（截至11月20日，未结束） · 数据计算于 2026年11月20日 10:00" in html
    assert f'href="/dashboard/{c.street.pk}/?period=2026"' in html  # drill down to the street
    cards = {card["key"]: card["value"] for card in response.context["cards"]}
    assert cards["members.total"] == 6 and cards["wishes.total"] == 3 and cards["scores.avg_pct"] == 74.5
    charts = charts_of(response)
    assert set(charts) == {"children", "trend", "tree", "scores", "stars", "rates", "weakest"}
    assert charts["children"]["rows"][0][:3] == ["兴东街道", 6, 7]
    assert charts["children"]["urls"] == [f"/dashboard/{c.street.pk}/?period=2026"]
    assert [r[:3] for r in charts["tree"]["rows"]] == [["兴东街道", "甲社区", 3], ["兴东街道", "乙社区", 3]]
    assert charts["stars"]["rows"][2] == ["3星", 2]
    assert len(charts["trend"]["rows"]) == 12 and charts["trend"]["rows"][-1][0] == "2026年11月"
    assert charts["trend"]["rows"][-1][1] == 3  # wishes of November


def test_breadcrumb_drills_along_the_tree(client, c, district_user):
    response = page(client, district_user, c.a.area)
    crumbs = response.context["crumbs"]
    assert [x["label"] for x in crumbs] == ["数据看板", c.city.name, "元宝区", "兴东街道", "甲社区"]
    assert crumbs[1]["url"] is None  # the city is above the district user's grant
    assert crumbs[2]["url"] == f"/dashboard/{c.district.pk}/" and crumbs[3]["url"] == f"/dashboard/{c.street.pk}/"


def test_street_page_lists_the_weakest_units_with_their_gaps(client, c):
    user = user_with(Role.STREET, c.street)
    response = page(client, user, c.street)
    weakest = response.context["dash"].weakest
    assert [w.name for w in weakest] == ["乙社区", "甲社区"]  # 61% before 88%
    assert weakest[0].gaps[0] == ("组织生活合规", 15.0, 5.0, 20.0)  # the biggest loss first
    html = response.content.decode()
    assert "组织生活合规 <span class=\"text-danger\">−15</span>" in html
    url = score_detail_url(weakest[0].score.pk)
    if url:
        assert f'href="{url}"' in html


def test_weakest_ten_are_the_lowest_of_the_level_below(client, c):
    extra = [build_community(c.street, c.street_org, f"新{i}", members=0) for i in range(10)]
    scored([(e.area, str(40 + i), 1, 1) for i, e in enumerate(extra)], code="wuhao2")
    user = user_with(Role.STREET, c.street)
    response = page(client, user, c.street)
    names = [w.name for w in response.context["dash"].weakest]
    assert names == [f"新{i}社区" for i in range(10)]


def test_community_page_shows_compound_branch_scores(client, c, district_user):
    scored([(c.a.branch, "55", 5, 5)], code="sihao", org_category=OrgCategory.COMPOUND)
    response = page(client, district_user, c.a.area)
    assert [w.name for w in response.context["dash"].weakest] == ["甲小区党支部"]


def test_period_choice_and_bad_period_fall_back(client, c, district_user):
    response = page(client, district_user, c.district, period="2026-11")
    assert response.context["dash"].period_key == "2026-11"
    assert "2026年11月 · 数据计算于" in response.content.decode()
    response = page(client, district_user, c.district, period="nonsense")
    assert response.context["dash"].period_key == "2026"  # the year to date


def test_no_rollup_message_with_refresh_button_for_district_users(client, c, district_user, django_capture_on_commit_callbacks):
    AreaRollup.objects.filter(period_key="2025").delete()
    response = page(client, district_user, c.district, period="2025")
    html = response.content.decode()
    assert "2025年度的看板数据尚未计算" in html and 'data-testid="refresh"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dashboard:refresh", args=[c.district.pk]), {"period": "2025"}, follow=True)
    assert "已提交重新计算" in response.content.decode()
    assert AreaRollup.objects.filter(area=c.district, period_key="2025").exists()


def test_street_user_sees_no_refresh_button_and_cannot_refresh(client, c):
    user = user_with(Role.STREET, c.street)
    response = page(client, user, c.street, period="2025")
    html = response.content.decode()
    assert "尚未计算" in html and "请联系区委组织部" in html and 'data-testid="refresh"' not in html
    response = client.post(reverse("dashboard:refresh", args=[c.street.pk]), {"period": "2025"})
    assert response.status_code == 403 and "只有区委组织部" in response.content.decode()


def test_district_user_starts_a_scoring_run_from_the_dashboard(client, c, district_user, django_capture_on_commit_callbacks):
    from assessments.scoring.rubrics import ensure_default_rubrics

    ensure_default_rubrics()
    html = page(client, district_user, c.district, period="2026").content.decode()
    assert 'data-testid="start-scoring"' in html and reverse("dashboard:start_scoring_form") in html
    form = client.get(reverse("dashboard:start_scoring_form")).content.decode()
    assert reverse("scoring:run_start") in form and 'name="period_key"' in form
    rubric = Rubric.objects.filter(is_active=True, code="liuhua-compound").first() or Rubric.objects.filter(is_active=True).first()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("scoring:run_start"), {"rubric": rubric.pk, "period_key": "2026-10"})
    run = ScoringRun.objects.get(rubric=rubric, period_key="2026-10")
    assert response.status_code == 302 and response["Location"] == reverse("scoring:run_detail", args=[run.pk])
    # a street cadre sees the figures but not the form
    street = user_with(Role.STREET, c.street)
    assert 'data-testid="start-scoring"' not in page(client, street, c.street, period="2026").content.decode()
    assert client.get(reverse("dashboard:start_scoring_form")).status_code == 403


def test_big_screen_layout(client, c, district_user):
    html = page(client, district_user, c.district, screen="big").content.decode()
    assert 'class="dash dash-big"' in html and 'data-theme="dark"' in html and "退出大屏" in html
    assert f'/dashboard/{c.street.pk}/?period=2026&amp;screen=big' in html  # drill-down stays on the big screen


# ----------------------------------------------------------------------- scoping
def test_out_of_scope_areas_answer_404(client, c):
    other = build_city()
    rollups.refresh_rollups(now=NOW)
    user = user_with(Role.STREET, c.street)
    client.force_login(user)
    for area in (other.district, other.street, c.district):  # another city; above the grant
        assert client.get(reverse("dashboard:area", args=[area.pk])).status_code == 404
        assert client.get(reverse("dashboard:export", args=[area.pk, "children"])).status_code == 404
        assert client.get(f"/api/dashboard/{area.pk}/").status_code == 404
    assert client.get(reverse("dashboard:area", args=[999999])).status_code == 404


def test_roles_without_the_roster_are_told_why(client, c):
    """Their 403 on the area page, its export and the API is the contracts'
    (test_contracts.py); here the message and the index."""
    member = user_with(Role.MEMBER, c.a.area)
    client.force_login(member)
    response = client.get(reverse("dashboard:area", args=[c.a.area.pk]))
    assert response.status_code == 403 and "不能查看该区域的数据看板" in response.content.decode()
    assert client.get(reverse("dashboard:index")).status_code == 403


# ---------------------------------------------------------------- query counts
def _grow(c, n):
    for i in range(n):
        extra = build_community(c.street, c.street_org, f"扩{i}", members=4)
        _wish(extra.area)
        scored([(extra.area, "70", 3, 3)], code=f"grow{i}")
    rollups.refresh_rollups(now=NOW, trends=True)


def test_page_query_count_is_pinned_and_does_not_grow(client, c, district_user):
    client.force_login(district_user)
    url = reverse("dashboard:area", args=[c.street.pk])
    assert client.get(url).status_code == 200
    small = count_queries(lambda: client.get(url))
    assert small <= BUDGETS["dashboard:area"], small
    _grow(c, 6)
    big = count_queries(lambda: client.get(url))
    assert big == small
    assert len(client.get(url).context["dash"].children) == 8


def test_api_and_export_query_counts_do_not_grow(client, c, district_user):
    client.force_login(district_user)
    api = f"/api/dashboard/{c.street.pk}/"
    export = reverse("dashboard:export", args=[c.street.pk, "weakest"])
    client.get(api)
    small = (count_queries(lambda: client.get(api)), count_queries(lambda: client.get(export)))
    assert small[0] <= BUDGETS["dashboard-detail"] and small[1] <= BUDGETS["dashboard:export"]
    _grow(c, 6)
    assert (count_queries(lambda: client.get(api)), count_queries(lambda: client.get(export))) == small


# ------------------------------------------------------------------------ export
def test_excel_export_of_the_children_chart(client, c, district_user):
    client.force_login(district_user)
    response = client.get(reverse("dashboard:export", args=[c.street.pk, "children"]), {"period": "2026"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(BytesIO(b"".join(response.streaming_content)))
    ws = wb.worksheets[0]
    assert ws.title == "下级区域对比"
    assert [ws.cell(1, i).value for i in (1, 2, 3)] == ["区域", "党员数", "党组织数"]
    assert [ws.cell(2, i).value for i in (1, 2, 3)] == ["甲社区", 3, 3]
    assert [ws.cell(3, i).value for i in (1, 2)] == ["乙社区", 3]
    about = wb["说明"]
    assert about["B2"].value == "兴东街道" and about["B3"].value == "2026年度（截至11月20日，未结束）"
    assert about["B4"].value == "2026年11月20日 10:00"


@pytest.mark.parametrize("chart", ["trend", "tree", "scores", "stars", "rates", "weakest"])
def test_every_chart_exports(client, c, district_user, chart):
    client.force_login(district_user)
    response = client.get(reverse("dashboard:export", args=[c.street.pk, chart]))
    assert response.status_code == 200
    ws = load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert ws.max_row >= 2 and ws.cell(1, 1).value


def test_weakest_export_rows(client, c, district_user):
    client.force_login(district_user)
    response = client.get(reverse("dashboard:export", args=[c.street.pk, "weakest"]))
    ws = load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert ws.cell(1, 8).value == "主要失分指标"
    assert [ws.cell(2, i).value for i in (1, 6)] == ["乙社区", 61]
    assert ws.cell(2, 8).value == "组织生活合规 失15分；诉求三率 失4分"


def test_unknown_chart_is_404(client, c, district_user):
    client.force_login(district_user)
    assert client.get(f"/dashboard/{c.street.pk}/export/secret.xlsx").status_code == 404


# --------------------------------------------------------------------------- API
def test_api_returns_the_same_figures(client, c, district_user):
    client.force_login(district_user)
    response = client.get(f"/api/dashboard/{c.street.pk}/", {"period": "2026"})
    assert response.status_code == 200
    data = response.json()
    assert data["area"] == {"id": c.street.pk, "name": "兴东街道", "level": AreaLevel.STREET}
    assert data["figures"] == AreaRollup.objects.get(area=c.street, period_key="2026").figures
    assert [ch["name"] for ch in data["children"]] == ["甲社区", "乙社区"]
    assert data["weakest"][0]["name"] == "乙社区" and data["weakest"][0]["gaps"][0]["indicator"] == "组织生活合规"
    assert {"key": "2026-11", "label": "2026年11月"} in data["periods"]
    assert data["computed_at"].startswith("2026-11-20T10:00")


def test_api_without_rollup_says_so(client, c, district_user):
    client.force_login(district_user)
    data = client.get(f"/api/dashboard/{c.street.pk}/", {"period": "2024"}).json()
    assert data["figures"] is None and data["computed_at"] is None and data["period"] == "2024"


def test_street_page_after_a_new_wish_needs_a_refresh(client, c, district_user):
    """The page never counts raw records: a new wish shows after the next refresh."""
    client.force_login(district_user)
    url = reverse("dashboard:area", args=[c.a.area.pk])
    before = client.get(url, {"period": "2026"}).context["dash"].figures["wishes"]["total"]
    _wish(c.a.area)
    assert client.get(url, {"period": "2026"}).context["dash"].figures["wishes"]["total"] == before
    rollups.refresh_rollups(period_key="2026", now=NOW + timedelta(minutes=5))
    assert client.get(url, {"period": "2026"}).context["dash"].figures["wishes"]["total"] == before + 1
