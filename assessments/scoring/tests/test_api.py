"""Scoring API: rubrics, scores (scoped, filtered, explained), runs (start = create,
district only, 409 while running), refused roles and constant query counts."""
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.scoring import engine as scoring
from assessments.scoring.models import Rubric, Score, ScoringRun
from assessments.scoring.rubrics import ensure_default_rubrics
from assessments.scoring.tests import test_data as data
from organizations.grants.choices import Role
from organizations.tests.factories import build_community, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rubrics(db):
    ensure_default_rubrics()


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=get_user_model().objects.get(pk=user.pk))
    return client


@pytest.fixture
def scored(city):
    data.plant_period(city)
    rubric = Rubric.objects.get(code="wuhao-community")
    run = ScoringRun.objects.create(rubric=rubric, period_key=data.PERIOD, period_kind="quarter", period_start=data.START,
                                    period_end=data.END)
    return scoring.score_run(run.pk)


def names(response):
    assert response.status_code == 200, response.content
    return [row["subject_name"] for row in response.json()["results"]]


def test_anonymous_and_roles_without_scores_are_refused(city, scored):
    for url in ("/api/rubrics/", "/api/scores/", "/api/scoring-runs/"):
        assert api().get(url).status_code in (401, 403), url
    grid = user_with(Role.GRID, city.a.area)
    assert api(grid).get("/api/scores/").status_code == 403
    assert api(grid).get("/api/scoring-runs/").status_code == 403
    assert api(grid).get("/api/rubrics/").status_code == 200  # rubrics are published rules


def test_rubrics_with_their_indicators(city):
    rows = api(user_with(Role.COMMUNITY, city.a.area)).get("/api/rubrics/").json()["results"]
    wuhao = next(r for r in rows if r["code"] == "wuhao-community")
    assert wuhao["subject_kind"] == "area" and wuhao["star_thresholds"] == [60, 70, 80, 90]
    assert [i["code"] for i in wuhao["indicators"]][:2] == ["team-review", "duty-list"]


def test_scores_are_scoped_and_filtered(city, scored):
    district = user_with(Role.DISTRICT, city.district)
    assert names(api(district).get("/api/scores/")) == ["甲社区", "乙社区"]
    assert names(api(district).get(f"/api/scores/?rubric_code=wuhao-community&period={data.PERIOD}&parent={city.street.pk}")) == ["甲社区", "乙社区"]
    assert names(api(district).get("/api/scores/?period=2025-Q2")) == []
    assert names(api(district).get("/api/scores/?stars=1")) == ["乙社区"]
    cadre = user_with(Role.COMMUNITY, city.a.area)
    assert names(api(cadre).get("/api/scores/")) == ["甲社区"]
    b = Score.objects.get(subject_id=city.b.area.pk)
    assert api(cadre).get(f"/api/scores/{b.pk}/").status_code == 404
    assert api(cadre).get(f"/api/scores/?within={city.b.area.pk}").status_code == 404
    a = Score.objects.get(subject_id=city.a.area.pk)
    detail = api(cadre).get(f"/api/scores/{a.pk}/").json()
    assert detail["total"] == "70.13" and detail["stars"] == 3
    wishes = next(line for line in detail["lines"] if line["indicator_code"] == "wishes")
    assert wishes["explanation"] == "微心愿完成率 2/3 = 66.7%，得 5.33/8 分"
    assert wishes["evidence"]["url"] == f"/services/wishes/?community={city.a.area.pk}"
    assert sum(float(line["points"]) for line in detail["lines"]) == pytest.approx(70.13)


def _count(user, url):
    client = api(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_rows(city, scored):
    district = user_with(Role.DISTRICT, city.district)
    a = Score.objects.get(subject_id=city.a.area.pk)
    urls = ["/api/scores/", f"/api/scores/{a.pk}/", "/api/scoring-runs/", "/api/rubrics/"]
    before = {url: _count(district, url) for url in urls}
    for label in ("丙", "丁"):
        build_community(city.street, city.street_org, label)
    scoring.score_run(scored.pk)
    ScoringRun.objects.create(rubric=Rubric.objects.get(code="sihao-branch"), period_key=data.PERIOD, period_kind="quarter",
                              period_start=data.START, period_end=data.END)
    assert {url: _count(district, url) for url in urls} == before
    assert max(before.values()) <= 6, before


def test_district_starts_a_run(city, django_capture_on_commit_callbacks):
    district = user_with(Role.DISTRICT, city.district)
    rubric = Rubric.objects.get(code="wuhao-community")
    with django_capture_on_commit_callbacks(execute=False):
        response = api(district).post("/api/scoring-runs/", {"rubric": rubric.pk, "period_key": "2025-q3"}, format="json")
    assert response.status_code == 202, response.content
    assert response.json()["state"] == "pending" and response.json()["period_key"] == "2025-Q3"
    ScoringRun.objects.update(state="running", started_at=timezone.now())
    again = api(district).post("/api/scoring-runs/", {"rubric": rubric.pk, "period_key": "2025-Q3"}, format="json")
    assert again.status_code == 409 and "正在评分中" in again.json()["detail"]
    bad = api(district).post("/api/scoring-runs/", {"rubric": rubric.pk, "period_key": "2025-13"}, format="json")
    assert bad.status_code == 400 and "周期格式" in str(bad.json()["period_key"])


@pytest.mark.parametrize("role", [Role.STREET, Role.COMMUNITY])
def test_only_district_starts_runs(city, role):
    user = user_with(role, city.street)
    rubric = Rubric.objects.get(code="wuhao-community")
    response = api(user).post("/api/scoring-runs/", {"rubric": rubric.pk, "period_key": "2025-Q3"}, format="json")
    assert response.status_code == 403
    assert "区委组织部" in response.json()["detail"]
    assert not ScoringRun.objects.exists()
