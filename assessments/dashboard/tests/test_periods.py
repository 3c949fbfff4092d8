"""Which period a dashboard shows and how it says so: by default the latest period that has
scores (not a year without any), the period select showing it; a period not yet over is
labelled partial (page, export and API), a period that is over is not."""
import re
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.dashboard import rollups
from assessments.dashboard.selectors import build_dashboard, partial_period_label
from assessments.dashboard.tests.test_views import scored
from assessments.scoring import periods
from organizations.grants.choices import Role
from organizations.tests.factories import build_city, user_with

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.get_fixed_timezone(480))


@pytest.fixture
def c(db, monkeypatch):
    """Scores for 2026-Q3 only; the rollups of the year, its months and quarters computed; the
    pages see the day the rollups were taken (NOW) as today, so the year stays partial."""
    real_localdate = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda value=None, tz=None: real_localdate(value or NOW, tz))
    city = build_city(members_per_community=3)
    scored([(city.a.area, "88", 2, 10), (city.b.area, "61", 15, 4)], period_key="2026-Q3")
    rollups.refresh_rollups(now=NOW, trends=True)
    return city


def selected_period(html):
    select = re.search(r'<select[^>]*name="period"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.search(r'<option value="([^"]+)" selected>', select).group(1)


def test_by_default_the_latest_period_with_scores_is_shown_and_said(client, c):
    client.force_login(user_with(Role.DISTRICT, c.district))
    response = client.get(reverse("dashboard:area", args=[c.district.pk]))
    html = response.content.decode()
    dash = response.context["dash"]
    assert dash.period_key == "2026-Q3" and selected_period(html) == "2026-Q3"
    assert "默认显示最近有考核得分的周期：2026年第3季度" in html
    cards = {card["key"]: card for card in response.context["cards"]}
    assert cards["scores.avg_pct"]["value"] == 74.5 and "考核对象 2 个" in cards["scores.avg_pct"]["note"]
    assert 'data-testid="period-partial"' not in html  # the quarter is over
    # asked for the year to date: shown, partial, said so
    year = client.get(reverse("dashboard:area", args=[c.district.pk]), {"period": "2026"})
    body = year.content.decode()
    assert selected_period(body) == "2026" and 'data-testid="period-default"' not in body
    assert not periods.parse("2026").is_complete(timezone.localdate())
    assert "2026年度（截至11月20日，未结束）" in body and 'data-testid="period-partial"' in body


def test_a_year_without_scores_anywhere_stays_the_default(db):
    city = build_city(members_per_community=1)
    rollups.refresh_rollups(now=NOW)
    assert build_dashboard(city.district, today=date(2026, 11, 20)).period_key == "2026"


def test_partial_labels_use_the_day_the_figures_were_taken():
    today = date(2026, 12, 1)
    assert partial_period_label("2026", today) == "2026年度（截至12月1日，未结束）"
    assert partial_period_label("2026", today, {"period": {"as_of": "2026-11-20"}}) == "2026年度（截至11月20日，未结束）"
    assert partial_period_label("2026-Q4", today) == "2026年第4季度（截至12月1日，未结束）"
    assert partial_period_label("2026-11", today) == "2026年11月"
    assert partial_period_label("2025", today) == "2025年度"
    assert partial_period_label("2027", today) == "2027年度"  # not started: nothing counted, nothing partial


def test_the_api_says_a_period_is_partial(client, c):
    from dangjian.testing.clients import api_client

    district = user_with(Role.DISTRICT, c.district)
    quarter = api_client(district).get(f"/api/dashboard/{c.district.pk}/", {"period": "2026-Q3"}).json()
    assert quarter["period_partial"] is False and quarter["period_label"] == "2026年第3季度"
    year = api_client(district).get(f"/api/dashboard/{c.district.pk}/", {"period": "2026"}).json()
    assert year["period_partial"] is True and year["period_label"] == "2026年度（截至11月20日，未结束）"


def test_the_trend_labels_its_running_month_as_partial(db):
    city = build_city(members_per_community=1)
    rollups.refresh_rollups(now=NOW, trends=True)
    dash = build_dashboard(city.district, "2026", today=date(2026, 11, 20))
    labels = dict((k, label) for k, label, _f in dash.trend)
    assert labels["2026-11"] == "2026年11月（截至11月20日，未结束）"
    assert labels["2026-10"] == "2026年10月"
