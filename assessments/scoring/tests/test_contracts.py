"""The list and detail contracts (dangjian.testing.contracts) of scoring: the API (rubrics,
scores, scoring runs) and the pages (ranking, a score, its history, runs, a run) — refused
when not permitted, 404 out of scope as for missing, in scope visible, query count flat
and within ``assessments/tests/budgets.py``.

Scores are planted directly for compounds of 甲 (in scope) and 乙 (out of it) under the
default rubric 五好社区; rubrics and runs are the same for every reader of scores, so
none is out of scope."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse_lazy
from django.utils import timezone

from assessments.scoring.choices import IndicatorSource, SubjectKind
from assessments.scoring.models import Indicator, Rubric, Score, ScoreLine, ScoringRun
from assessments.scoring.rubrics import ensure_default_rubrics
from assessments.tests.budgets import BUDGETS
from assessments.tests.worlds import new_compound, serial
from dangjian.testing.contracts import ApiDetailContract, ApiListContract, PageDetailContract, PageListContract, by_pk
from organizations.areas.choices import AreaLevel
from organizations.grants.choices import Role
from organizations.tests.factories import user_with

PERIOD = "2025-Q3"
#: roles that may not read scores (403)
NON_READERS = (Role.GRID, Role.MEMBER, Role.DEPARTMENT)
GLOBAL = "the same for every reader of scores: none is out of scope"


class ScoreWorld:
    """``self.w`` (build_city), a community cadre of 甲 as the user in scope, the rubric
    五好社区 and a finished run of it for ``PERIOD``; a grid worker, a party member or a
    department of 甲 as the role that may not read scores."""

    @pytest.fixture(autouse=True)
    def _world(self, city):
        ensure_default_rubrics()
        self.w = city
        self.cadre = user_with(Role.COMMUNITY, city.a.area)
        self.rubric = Rubric.objects.get(code="wuhao-community", version=1)
        self.run = ScoringRun.objects.create(
            rubric=self.rubric, period_key=PERIOD, period_kind="quarter", period_start=date(2025, 7, 1),
            period_end=date(2025, 9, 30), state="done", finished_at=timezone.now(),
        )

    @pytest.fixture
    def user_in_scope(self):
        return self.cadre

    @pytest.fixture(params=NON_READERS)
    def user_without_permission(self, request):
        return user_with(request.param, self.w.a.area)

    def score(self, area, period=PERIOD):
        return Score.objects.create(
            rubric=self.rubric, run=self.run, period_key=period, subject_id=area.pk, area=area, parent_area=area.parent,
            total=Decimal("70.5"), max_total=Decimal(100), stars=3, computed_at=timezone.now(),
        )


class ScoreRowsWorld(ScoreWorld):
    def make_in_scope(self):
        return self.score(new_compound(self.w.a))

    def make_out_of_scope(self):
        return self.score(new_compound(self.w.b))

    def make_related(self, score):
        """One more explained line (the next indicator of the rubric)."""
        indicator = Indicator.objects.filter(rubric=score.rubric).exclude(
            pk__in=score.lines.values("indicator")).order_by("sort_order", "pk").first()
        return ScoreLine.objects.create(score=score, indicator=indicator, value=Decimal("0.5"), points=Decimal(3),
                                        max_points=indicator.max_points, explanation="说明", evidence={"url": "/"})


class RunWorld(ScoreWorld):
    def make_in_scope(self):
        year = 1990 + serial()
        return ScoringRun.objects.create(rubric=self.rubric, period_key=str(year), period_kind="year",
                                         period_start=date(year, 1, 1), period_end=date(year, 12, 31))

    def make_out_of_scope(self):
        pytest.skip(f"scoring runs are {GLOBAL}")


# --------------------------------------------------------------------------- API
class TestRubricApi(ScoreWorld, ApiListContract, ApiDetailContract):
    """Published rules: any signed-in user reads them."""

    list_url = "/api/rubrics/"
    detail_url = by_pk("rubric-detail")
    list_budget = BUDGETS["rubric-list"]
    detail_budget = BUDGETS["rubric-detail"]

    @pytest.fixture
    def user_without_permission(self):
        return None

    def make_in_scope(self):
        n = serial()
        return Rubric.objects.create(code=f"contract-{n}", name=f"考核细则{n}", subject_kind=SubjectKind.AREA,
                                     area_level=AreaLevel.COMPOUND, effective_from=date(2025, 1, 1))

    def make_out_of_scope(self):
        pytest.skip(f"rubrics are published rules, {GLOBAL}")

    def make_related(self, rubric):
        n = serial()
        return Indicator.objects.create(rubric=rubric, code=f"i{n}", name=f"指标{n}", source=IndicatorSource.MANUAL,
                                        max_points=Decimal(10), sort_order=n)


class TestScoreApi(ScoreRowsWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/scores/"
    detail_url = by_pk("score-detail")
    list_budget = BUDGETS["score-list"]
    detail_budget = BUDGETS["score-detail"]


class TestScoringRunApi(RunWorld, ApiListContract, ApiDetailContract):
    list_url = "/api/scoring-runs/"
    detail_url = by_pk("scoring-run-detail")
    list_budget = BUDGETS["scoring-run-list"]
    detail_budget = BUDGETS["scoring-run-detail"]


# --------------------------------------------------------------------------- pages
class TestRankingPage(ScoreRowsWorld, PageListContract):
    """``/scores/?rubric=&period=``: the ranking of a rubric's period."""

    detail_url = by_pk("scoring:score_detail")
    list_budget = BUDGETS["scoring:index"]

    @property
    def list_url(self):
        return f"{reverse_lazy('scoring:index')}?rubric={self.rubric.pk}&period={PERIOD}"


class TestScorePage(ScoreRowsWorld, PageDetailContract):
    detail_url = by_pk("scoring:score_detail")
    detail_budget = BUDGETS["scoring:score_detail"]


class TestScoreHistoryPage(ScoreRowsWorld, PageDetailContract):
    detail_url = by_pk("scoring:history")
    detail_budget = BUDGETS["scoring:history"]

    def make_related(self, score):
        """The same subject's score in another period."""
        n = serial()
        return self.score(score.area, period=f"{1990 + n}-Q{n % 4 + 1}")


class TestRunPages(RunWorld, PageListContract, PageDetailContract):
    list_url = reverse_lazy("scoring:runs")
    detail_url = by_pk("scoring:run_detail")
    list_budget = BUDGETS["scoring:runs"]
    detail_budget = BUDGETS["scoring:run_detail"]
