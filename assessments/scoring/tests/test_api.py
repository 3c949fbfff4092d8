"""Scoring API: rubrics, scores (scoped, filtered, explained), runs (start = create,
district only, 409 while running), refused roles and constant query counts."""
import pytest
from django.utils import timezone

from assessments.scoring import engine
from assessments.scoring.models import Rubric, Score, ScoringRun
from assessments.scoring.rubrics import ensure_default_rubrics
from assessments.scoring.tests import test_data as data
from assessments.tests.budgets import BUDGETS
from dangjian.testing import api_client, query_count
from organizations.grants.choices import Role
from organizations.tests.factories import build_community, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rubrics(db):
    ensure_default_rubrics()


@pytest.fixture
def scored(city):
    data.plant_period(city)
    rubric = Rubric.objects.get(code="wuhao-community")
    run = ScoringRun.objects.create(rubric=rubric, period_key=data.PERIOD, period_kind="quarter", period_start=data.START,
                                    period_end=data.END)
    return engine.score_run(run.pk)


def names(response):
    assert response.status_code == 200, response.content
    return [row["subject_name"] for row in response.json()["results"]]


def test_a_grid_worker_reads_the_rubrics(city, scored):
    """Refused scores and runs (403) are the contracts'; rubrics are published rules."""
    grid = user_with(Role.GRID, city.a.area)
    assert api_client(grid).get("/api/rubrics/").status_code == 200


def test_rubrics_with_their_indicators(city):
    rows = api_client(user_with(Role.COMMUNITY, city.a.area)).get("/api/rubrics/").json()["results"]
    wuhao = next(r for r in rows if r["code"] == "wuhao-community")
    assert wuhao["subject_kind"] == "area" and wuhao["star_thresholds"] == [60, 70, 80, 90]
    assert [i["code"] for i in wuhao["indicators"]][:2] == ["team-review", "duty-list"]


def test_scores_are_scoped_and_filtered(city, scored):
    district = user_with(Role.DISTRICT, city.district)
    assert names(api_client(district).get("/api/scores/")) == ["甲社区", "乙社区"]
    siblings = f"/api/scores/?rubric_code=wuhao-community&period={data.PERIOD}&parent={city.street.pk}"
    assert names(api_client(district).get(siblings)) == ["甲社区", "乙社区"]
    assert names(api_client(district).get("/api/scores/?period=2025-Q2")) == []
    assert names(api_client(district).get("/api/scores/?stars=1")) == ["乙社区"]
    cadre = user_with(Role.COMMUNITY, city.a.area)
    assert names(api_client(cadre).get("/api/scores/")) == ["甲社区"]
    assert api_client(cadre).get(f"/api/scores/?within={city.b.area.pk}").status_code == 404
    a = Score.objects.get(subject_id=city.a.area.pk)
    detail = api_client(cadre).get(f"/api/scores/{a.pk}/").json()
    assert detail["total"] == "70.13" and detail["stars"] == 3
    wishes = next(line for line in detail["lines"] if line["indicator_code"] == "wishes")
    assert wishes["explanation"] == "微心愿完成率 2/3 = 66.7%，得 5.33/8 分"
    assert wishes["evidence"]["url"] == f"/services/wishes/?community={city.a.area.pk}"
    assert sum(float(line["points"]) for line in detail["lines"]) == pytest.approx(70.13)


def test_query_counts_do_not_grow_with_rows(city, scored):
    district = user_with(Role.DISTRICT, city.district)
    a = Score.objects.get(subject_id=city.a.area.pk)
    budgets = {"/api/scores/": "score-list", f"/api/scores/{a.pk}/": "score-detail", "/api/scoring-runs/": "scoring-run-list",
               "/api/rubrics/": "rubric-list"}
    before = {url: query_count(api_client(district), url) for url in budgets}
    for label in ("丙", "丁"):
        build_community(city.street, city.street_org, label)
    engine.score_run(scored.pk)
    ScoringRun.objects.create(rubric=Rubric.objects.get(code="sihao-branch"), period_key=data.PERIOD, period_kind="quarter",
                              period_start=data.START, period_end=data.END)
    assert {url: query_count(api_client(district), url) for url in budgets} == before
    assert all(before[url] <= BUDGETS[route] for url, route in budgets.items()), before


def test_district_starts_a_run(city, django_capture_on_commit_callbacks):
    district = user_with(Role.DISTRICT, city.district)
    rubric = Rubric.objects.get(code="wuhao-community")
    with django_capture_on_commit_callbacks(execute=False):
        response = api_client(district).post("/api/scoring-runs/", {"rubric": rubric.pk, "period_key": "2025-q3"}, format="json")
    assert response.status_code == 202, response.content
    assert response.json()["state"] == "pending" and response.json()["period_key"] == "2025-Q3"
    ScoringRun.objects.update(state="running", started_at=timezone.now())
    again = api_client(district).post("/api/scoring-runs/", {"rubric": rubric.pk, "period_key": "2025-Q3"}, format="json")
    assert again.status_code == 409 and "正在评分中" in again.json()["detail"]
    bad = api_client(district).post("/api/scoring-runs/", {"rubric": rubric.pk, "period_key": "2025-13"}, format="json")
    assert bad.status_code == 400 and "周期格式" in str(bad.json()["period_key"])


@pytest.mark.parametrize("role", [Role.STREET, Role.COMMUNITY])
def test_only_district_starts_runs(city, role):
    user = user_with(role, city.street)
    rubric = Rubric.objects.get(code="wuhao-community")
    response = api_client(user).post("/api/scoring-runs/", {"rubric": rubric.pk, "period_key": "2025-Q3"}, format="json")
    assert response.status_code == 403
    assert "区委组织部" in response.json()["detail"]
    assert not ScoringRun.objects.exists()


def test_the_api_refuses_to_score_a_period_not_yet_over(city):
    """The refusal is the action's: the API answers it as a field error, nothing queued."""
    from assessments.scoring import periods

    district = user_with(Role.DISTRICT, city.district)
    rubric = Rubric.objects.get(code="wuhao-community")
    running = periods.containing("quarter", timezone.localdate()).key
    response = api_client(district).post("/api/scoring-runs/", {"rubric": rubric.pk, "period_key": running}, format="json")
    assert response.status_code == 400
    assert "尚未结束，不能评分" in str(response.json()["period_key"])
    assert not ScoringRun.objects.filter(period_key=running).exists()
