"""The score filters show what is displayed: the rubric and the period selected in the
filters are those of the rows on the page; a rubric without scores for the period asked
falls back to its latest scored period (and says so); starting a run is pre-filled with a
period the rubric takes; the run page's figures follow the run as its progress does."""
import re
from datetime import date

import pytest
from django.utils import timezone

from assessments.scoring import engine, periods
from assessments.scoring.models import Rubric, ScoringRun
from assessments.scoring.rubrics import ensure_default_rubrics
from assessments.scoring.tests import test_data as data
from dangjian.testing import logged_in
from organizations.grants.choices import Role
from organizations.tests.factories import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rubrics(db):
    ensure_default_rubrics()


def run_for(code, key):
    p = periods.parse(key)
    run = ScoringRun.objects.create(rubric=Rubric.objects.get(code=code, version=1), period_key=key, period_kind=p.kind,
                                    period_start=p.start, period_end=p.end)
    return engine.score_run(run.pk)


@pytest.fixture
def two_rubrics(city):
    """五好社区 scored for 2025-Q3, 六化小区 only for August 2025 (finished last, so the default)."""
    data.plant_period(city)
    community = run_for("wuhao-community", data.PERIOD)
    compound = run_for("liuhua-compound", "2025-08")
    return community, compound


def selected(html, name):
    """The value of the selected option of the select ``name`` (the browser's choice: the
    first option when none is marked)."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    options = re.findall(r'<option value="([^"]*)"([^>]*)>', select.group(1))
    marked = [value for value, attrs in options if "selected" in attrs]
    return marked[0] if marked else options[0][0]


def shown_rows(response):
    return list(response.context["page_obj"])


def test_the_rubric_selected_is_the_rubric_shown_by_default(client, city, two_rubrics):
    _community, compound = two_rubrics
    logged_in(user_with(Role.DISTRICT, city.district), client)
    response = client.get("/scores/")
    html = response.content.decode()
    rows = shown_rows(response)
    assert rows and {s.rubric_id for s in rows} == {compound.rubric_id}
    assert selected(html, "rubric") == str(compound.rubric_id)
    assert selected(html, "period") == "2025-08" == rows[0].period_key


def test_switching_rubric_falls_back_to_its_latest_scored_period(client, city, two_rubrics):
    community, compound = two_rubrics
    logged_in(user_with(Role.DISTRICT, city.district), client)
    # the filters as a user leaves them: 六化小区 / 2025-08, then the rubric switched to 五好社区
    response = client.get(f"/scores/?rubric={community.rubric_id}&period=2025-08")
    html = response.content.decode()
    rows = shown_rows(response)
    assert rows and {(s.rubric_id, s.period_key) for s in rows} == {(community.rubric_id, data.PERIOD)}
    assert selected(html, "rubric") == str(community.rubric_id)
    assert selected(html, "period") == data.PERIOD
    assert "“五好社区党组织考核”没有2025年8月的评分，已显示其最近有评分的周期。" in html
    # the star page reads the same selection
    stars = client.get(f"/scores/stars/?rubric={compound.rubric_id}&period={data.PERIOD}")
    body = stars.content.decode()
    assert stars.context["period_key"] == "2025-08" and selected(body, "period") == "2025-08"
    assert selected(body, "rubric") == str(compound.rubric_id)
    assert 'data-testid="period-note"' in body


def test_a_period_with_scores_is_kept_without_a_note(client, city, two_rubrics):
    community, _compound = two_rubrics
    logged_in(user_with(Role.DISTRICT, city.district), client)
    response = client.get(f"/scores/?rubric={community.rubric_id}&period=2025-q3")
    assert {s.period_key for s in shown_rows(response)} == {data.PERIOD}
    assert 'data-testid="period-note"' not in response.content.decode()


def _options(html, select_id):
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert select, select_id
    return {int(pk): attrs for pk, attrs in re.findall(r'<option value="(\d+)"([^>]*)>', select.group(1))}


def _data_period(attrs):
    found = re.search(r'data-period="([^"]+)"', attrs)
    return found.group(1) if found else None


@pytest.mark.parametrize(("url", "select_id", "input_id"), [
    ("/dashboard/start-scoring/", "start-rubric", "start-period"),
    ("/scores/runs/", "id_rubric", "id_period_key"),
])
def test_starting_a_run_is_prefilled_with_a_period_the_rubric_takes(client, city, url, select_id, input_id):
    logged_in(user_with(Role.DISTRICT, city.district), client)
    html = client.get(url).content.decode()
    today = timezone.localdate()
    options = _options(html, select_id)
    rubrics = {r.pk: r for r in Rubric.objects.filter(pk__in=options)}
    assert any(r.code == "sihao-branch" for r in rubrics.values())  # quarters and years only
    for pk, attrs in options.items():
        key = _data_period(attrs)
        period = periods.parse(key)
        assert period.kind in periods.parse_kinds(rubrics[pk].period_kinds), (rubrics[pk].code, key)
        assert period.is_complete(today)
    first = next(iter(options))
    value = re.search(rf'<input[^>]*id="{input_id}"[^>]*>', html).group(0)
    assert f'value="{_data_period(options[first])}"' in value
    assert f'data-period-target="{input_id}"' in html


def test_suggested_period_is_the_latest_over_of_the_rubrics_kinds():
    from assessments.scoring.selectors import suggested_period

    branch = Rubric.objects.get(code="sihao-branch")  # quarter, year
    community = Rubric.objects.get(code="wuhao-community")  # month, quarter, year
    assert suggested_period(branch, date(2026, 12, 1)) == "2026-Q3"
    assert suggested_period(community, date(2026, 12, 1)) == "2026-11"
    assert suggested_period(branch, date(2027, 1, 5)) == "2026-Q4"  # the finest kind when Q4 and the year end together


def test_the_run_figures_are_in_the_polled_fragment(client, city):
    """The page polls only the progress fragment: the run's figures (subjects, times) must be
    in it, or they stay at 0 until a reload."""
    data.plant_period(city)
    rubric = Rubric.objects.get(code="wuhao-community", version=1)
    p = periods.parse(data.PERIOD)
    run = ScoringRun.objects.create(rubric=rubric, period_key=p.key, period_kind=p.kind, period_start=p.start, period_end=p.end)
    logged_in(user_with(Role.DISTRICT, city.district), client)
    before = client.get(f"/scores/runs/{run.pk}/progress/").content.decode()
    assert re.search(r'data-testid="run-subjects">0<', before) and "hx-get" in before
    engine.score_run(run.pk)
    run.refresh_from_db()
    assert run.subjects == 2
    after = client.get(f"/scores/runs/{run.pk}/progress/").content.decode()
    assert re.search(rf'data-testid="run-subjects">{run.subjects}<', after) and "hx-get" not in after
    assert "查看排名" in after
