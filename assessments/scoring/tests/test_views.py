"""Scoring pages: refused roles, subtree scoping (404), content, export, runs with the
progress bar, manual scores, and query counts that do not grow with the subjects."""
from io import BytesIO

import openpyxl
import pytest

from assessments.scoring import engine
from assessments.scoring.models import Indicator, ManualScore, Rubric, Score, ScoringRun
from assessments.scoring.rubrics import ensure_default_rubrics
from assessments.scoring.tests import test_data as data
from assessments.tests.budgets import BUDGETS
from dangjian.testing import logged_in, query_count
from organizations.grants.choices import Role
from organizations.tests.factories import build_community, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rubrics(db):
    ensure_default_rubrics()


def run_for(code, key=data.PERIOD):
    from assessments.scoring import periods

    p = periods.parse(key)
    run = ScoringRun.objects.create(rubric=Rubric.objects.get(code=code, version=1), period_key=key, period_kind=p.kind,
                                    period_start=p.start, period_end=p.end)
    return engine.score_run(run.pk)


@pytest.fixture
def scored(city):
    data.plant_period(city)
    return run_for("wuhao-community")


def score_of(area):
    return Score.objects.get(rubric__code="wuhao-community", subject_id=area.pk)


def index_url(run, **extra):
    query = "&".join([f"rubric={run.rubric_id}", f"period={run.period_key}", *[f"{k}={v}" for k, v in extra.items()]])
    return f"/scores/?{query}"


# -------------------------------------------------------------------------- refused
def test_anonymous_is_sent_to_login(client, scored):
    """The ranking, scores, runs and their pages are the contracts' (test_contracts.py)."""
    response = client.get("/scores/stars/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", [Role.GRID, Role.MEMBER, Role.DEPARTMENT])
def test_roles_without_scores_are_refused(client, city, scored, role):
    logged_in(user_with(role, city.a.area), client)
    for url in ("/scores/", "/scores/stars/", "/scores/runs/", f"/scores/{score_of(city.a.area).pk}/",
                f"/scores/runs/{scored.pk}/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "无权查看考核评分" in response.content.decode()


# ------------------------------------------------------------------------- scoping
def test_community_cadre_sees_only_their_community(client, city, scored):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    body = client.get(index_url(scored)).content.decode()
    assert "甲社区" in body and "乙社区" not in body
    assert client.get(index_url(scored, parent=city.b.area.pk)).status_code == 404
    export = client.get(index_url(scored, export="xlsx"))
    rows = list(openpyxl.load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[2:]] == ["甲社区"]


def test_community_cadre_follows_the_parent_area_link(client, city, scored):
    """The ranking's 上级区域 column names the street above a community cadre's grant: its link
    narrows the ranking to the street's children the cadre may see, never a 404 (issue 14)."""
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    body = client.get(index_url(scored)).content.decode()
    link = f"?rubric={scored.rubric_id}&period={scored.period_key}&parent={city.street.pk}"
    assert link in body
    response = client.get(index_url(scored, parent=city.street.pk))
    assert response.status_code == 200
    siblings = response.content.decode()
    assert "甲社区" in siblings and "乙社区" not in siblings and "兴东街道的下级" in siblings
    assert client.get(index_url(scored, parent=city.district.pk)).status_code == 404  # no score of theirs under it


# ------------------------------------------------------------------------- content
def test_district_ranking_with_stars_and_export(client, city, scored):
    logged_in(user_with(Role.DISTRICT, city.district), client)
    response = client.get("/scores/")  # defaults: the first active rubric, its latest scored period
    body = response.content.decode()
    assert response.status_code == 200
    assert "五好社区党组织考核" in body and "2025年第3季度" in body
    assert body.index("甲社区") < body.index("乙社区")
    assert "70.13" in body and "49.00" in body
    export = client.get(index_url(scored, export="xlsx"))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(openpyxl.load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "考核对象"
    assert [(r[0], r[3], r[6], r[7]) for r in rows[2:]] == [("甲社区", 70.13, 3, 1), ("乙社区", 49.0, 1, 2)]
    siblings = client.get(index_url(scored, parent=city.street.pk)).content.decode()
    assert "甲社区" in siblings and "兴东街道的下级" in siblings
    stars = client.get(f"/scores/stars/?rubric={scored.rubric_id}&period={scored.period_key}").content.decode()
    assert "共 2 个考核对象，三星及以上 1 个" in stars


def test_score_detail_groups_lines_and_links_records(client, city, scored):
    logged_in(user_with(Role.STREET, city.street), client)
    a = score_of(city.a.area)
    body = client.get(f"/scores/{a.pk}/").content.decode()
    for group in ("支部班子好", "管理服务好", "组织生活好", "运行机制好", "基础保障好"):
        assert group in body
    assert "微心愿完成率 2/3 = 66.7%，得 5.33/8 分" in body
    assert f'href="/services/wishes/?community={city.a.area.pk}"' in body
    assert f'href="/life/compliance/{city.a.area.pk}/"' in body
    assert "70.13/100" in body
    manual_link = f"/scores/manual/?indicator={Indicator.objects.get(rubric=a.rubric, code='team-review').pk}&subject={city.a.area.pk}"
    assert manual_link in body  # a street reviewer may score the manual indicator
    history = client.get(f"/scores/{a.pk}/history/").content.decode()
    assert "2025年第3季度" in history


# --------------------------------------------------------------------- query counts
def test_page_query_counts_do_not_grow_with_subjects(client, city, scored):
    logged_in(user_with(Role.DISTRICT, city.district), client)
    a = score_of(city.a.area)
    budgets = {
        index_url(scored): "scoring:index", f"/scores/stars/?rubric={scored.rubric_id}&period={scored.period_key}": "scoring:stars",
        f"/scores/{a.pk}/": "scoring:score_detail", f"/scores/{a.pk}/history/": "scoring:history", "/scores/runs/": "scoring:runs",
        f"/scores/runs/{scored.pk}/": "scoring:run_detail",
    }
    before = {url: query_count(client, url) for url in budgets}
    for label in ("丙", "丁", "戊"):
        build_community(city.street, city.street_org, label)
    engine.score_run(scored.pk)
    run_for("liuhua-compound")
    after = {url: query_count(client, url) for url in budgets}
    assert after == before
    assert all(before[url] <= BUDGETS[route] for url, route in budgets.items()), before


# ----------------------------------------------------------------------------- runs
def test_district_starts_a_run_from_the_runs_page(client, city, django_capture_on_commit_callbacks):
    logged_in(user_with(Role.DISTRICT, city.district), client)
    rubric = Rubric.objects.get(code="wuhao-community")
    page = client.get("/scores/runs/").content.decode()
    assert 'data-testid="start-form"' in page
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/scores/runs/start/", {"rubric": rubric.pk, "period_key": "2025-q3"})
    run = ScoringRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/scores/runs/{run.pk}/"
    detail = client.get(f"/scores/runs/{run.pk}/").content.decode()
    assert f'hx-get="/scores/runs/{run.pk}/progress/"' in detail and "排队中" in detail
    engine.score_run(run.pk)
    progress = client.get(f"/scores/runs/{run.pk}/progress/").content.decode()
    assert "hx-get" not in progress and "已完成 14/14 步" in progress and "100%" in progress


def test_bad_period_is_shown_on_the_form(client, city):
    logged_in(user_with(Role.DISTRICT, city.district), client)
    rubric = Rubric.objects.get(code="sihao-branch")
    response = client.post("/scores/runs/start/", {"rubric": rubric.pk, "period_key": "2025-08"})
    assert response.status_code == 400
    assert "按季度、年度考核" in response.content.decode()
    assert not ScoringRun.objects.exists()


def test_running_run_is_not_started_twice_from_the_page(client, city, scored):
    from django.utils import timezone

    ScoringRun.objects.filter(pk=scored.pk).update(state="running", started_at=timezone.now())
    logged_in(user_with(Role.DISTRICT, city.district), client)
    response = client.post("/scores/runs/start/", {"rubric": scored.rubric_id, "period_key": scored.period_key}, follow=True)
    assert "正在评分中" in response.content.decode()


@pytest.mark.parametrize("role", [Role.STREET, Role.COMMUNITY])
def test_only_district_may_start_runs(client, city, role):
    logged_in(user_with(role, city.street), client)
    assert 'data-testid="start-form"' not in client.get("/scores/runs/").content.decode()
    response = client.post("/scores/runs/start/", {"rubric": Rubric.objects.first().pk, "period_key": "2025-Q3"})
    assert response.status_code == 403
    assert not ScoringRun.objects.exists()


# ---------------------------------------------------------------------------- manual
def manual_url(scored, area):
    indicator = Indicator.objects.get(rubric=scored.rubric, code="team-review")
    return f"/scores/manual/?indicator={indicator.pk}&subject={area.pk}&period={scored.period_key}"


def test_street_reviewer_scores_a_manual_indicator(client, city, scored):
    logged_in(user_with(Role.STREET, city.street), client)
    url = manual_url(scored, city.b.area)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"points": "11", "note": "好"})
    assert bad.status_code == 400 and "0 至 10 分" in bad.content.decode()
    response = client.post(url, {"points": "9", "note": "班子建设扎实"})
    b = score_of(city.b.area)
    assert response.status_code == 302 and response["Location"] == f"/scores/{b.pk}/"
    assert ManualScore.objects.get().points == 9
    assert b.total == 58


def test_manual_form_refused_and_scoped(client, city, scored):
    logged_in(user_with(Role.COMMUNITY, city.a.area), client)
    assert client.get(manual_url(scored, city.a.area)).status_code == 403
    assert client.get(manual_url(scored, city.b.area)).status_code == 404
    client.logout()
    logged_in(user_with(Role.STREET, city.a.area), client)
    assert client.get(manual_url(scored, city.b.area)).status_code == 404
