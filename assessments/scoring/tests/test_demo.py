"""Demo scores: the default rubrics scored over the last completed periods."""
from datetime import date

import pytest

from assessments.scoring.demo import default_periods, seed_scores
from assessments.scoring.models import ManualScore, Score, ScoringRun
from assessments.scoring.rubrics import ensure_default_rubrics

pytestmark = pytest.mark.django_db


def test_default_periods():
    assert default_periods(date(2026, 11, 22)) == ["2026-08", "2026-09", "2026-10", "2026-Q2", "2026-Q3", "2025"]


def test_seed_scores_on_a_small_city(city):
    ensure_default_rubrics()
    result = seed_scores(today=date(2026, 11, 22))
    # months: 五好 and 六化 (3 × 2); quarters: all four rubrics (2 × 4); the year: all four
    assert result["runs"] == 6 + 8 + 4
    assert ScoringRun.objects.filter(state="done").count() == 18
    assert result["scores"] == Score.objects.count() > 0
    assert result["manual"] == ManualScore.objects.count() > 0
    for score in Score.objects.all()[:20]:
        assert score.total == sum(score.lines.values_list("points", flat=True))
        assert 1 <= score.stars <= 5 and score.rank >= 1
    manual_line = Score.objects.filter(rubric__code="wuhao-community").first().lines.get(indicator__code="team-review")
    assert "示例数据" in manual_line.explanation and manual_line.points >= 6
    again = seed_scores(today=date(2026, 11, 22))  # re-seeding keeps one run per rubric and period
    assert again["runs"] == 18 and ScoringRun.objects.count() == 18
