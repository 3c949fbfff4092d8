"""The scoring engine: every subject scored set-based from the period's records, each line
explained, Σ lines = total, stars and sibling ranks, idempotent re-runs, resuming after a
failure, stale subjects removed, a fixed number of queries whatever the number of subjects."""
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.scoring import engine
from assessments.scoring.models import Indicator, Rubric, Score, ScoreLine, ScoringRun
from assessments.scoring.rubrics import ensure_default_rubrics
from assessments.scoring.selectors import rubric_in_force, rubrics_in_force
from assessments.scoring.tests import test_data as data
from assessments.tests.budgets import BUDGETS
from organizations.tests.factories import build_community

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rubrics(db):
    ensure_default_rubrics()


def rubric(code):
    return Rubric.objects.get(code=code, version=1)


def new_run(code, key=data.PERIOD):
    from assessments.scoring import periods

    p = periods.parse(key)
    return ScoringRun.objects.create(rubric=rubric(code), period_key=key, period_kind=p.kind, period_start=p.start, period_end=p.end)


def lines_of(score):
    return {line.indicator.code: line for line in score.lines.select_related("indicator")}


def snapshot(run):
    scores = {
        s.subject_id: (s.total, s.max_total, s.stars, s.rank, s.rank_of, s.area_id, s.org_id, s.parent_area_id)
        for s in Score.objects.filter(rubric=run.rubric, period_key=run.period_key)
    }
    lines = {
        (line.score.subject_id, line.indicator_id): (line.value, line.points, line.max_points, line.explanation, line.evidence)
        for line in ScoreLine.objects.filter(score__rubric=run.rubric, score__period_key=run.period_key).select_related("score")
    }
    return scores, lines


def test_default_rubrics_are_loaded_with_their_weights():
    assert set(Rubric.objects.values_list("code", flat=True)) == {"wuhao-community", "liuhua-compound", "sihao-branch", "qianfen-street"}
    totals = {r.code: sum(i.max_points for i in r.indicators.all()) for r in Rubric.objects.all()}
    assert totals == {"wuhao-community": 100, "liuhua-compound": 100, "sihao-branch": 100, "qianfen-street": 1000}
    groups = set(Indicator.objects.filter(rubric=rubric("wuhao-community")).values_list("group", flat=True))
    assert groups == {"支部班子好", "管理服务好", "组织生活好", "运行机制好", "基础保障好"}


def test_community_scores_explained_line_by_line(city):
    data.plant_period(city)
    data.manual(Indicator.objects.get(rubric=rubric("wuhao-community"), code="team-review"), city.a.area.pk, city.a.area, "8")
    run = engine.score_run(new_run("wuhao-community").pk)

    assert (run.state, run.done_steps, run.total_steps, run.subjects) == ("done", 14, 14, 2)
    a = Score.objects.get(rubric__code="wuhao-community", subject_id=city.a.area.pk)
    lines = lines_of(a)
    assert lines["wishes"].explanation == "微心愿完成率 2/3 = 66.7%，得 5.33/8 分"
    assert lines["wishes"].evidence["url"] == f"/services/wishes/?community={city.a.area.pk}"
    assert lines["wish-satisfaction"].points == Decimal("5.40")
    assert lines["requests"].points == Decimal("8.40")  # 0.1 × 50% + 0.5 × 50% + 0.4 × 100%
    assert lines["org-life"].explanation == "组织生活合规率 2/2 = 100.0%，得 20.00/20 分"
    assert lines["org-life"].evidence["url"] == f"/life/compliance/{city.a.area.pk}/"
    assert lines["service-hours"].points == Decimal("6.00")  # 7.5 h of 12.5 h in a quarter
    assert lines["reporting"].explanation == "在职党员报到率 1/2 = 50.0%，得 4.00/8 分"
    assert lines["whistles"].points == Decimal("6.00")
    assert lines["duty-list"].explanation == "清单完成率 1/2 = 50.0%，得 5.00/10 分"
    assert lines["rectification"].points == Decimal("4.00")
    assert lines["grid-coverage"].points == Decimal("3.00") and lines["grid-branches"].points == Decimal("3.00")
    assert lines["team-review"].explanation == "评审人打分 8.00/10 分：班子团结有力"
    assert a.total == Decimal("78.13") == sum(line.points for line in lines.values())
    assert (a.max_total, a.stars, a.rank, a.rank_of, a.parent_area_id) == (Decimal("100.00"), 3, 1, 2, city.street.pk)

    b = Score.objects.get(rubric__code="wuhao-community", subject_id=city.b.area.pk)
    b_lines = lines_of(b)
    assert b_lines["team-review"].explanation == "评审人打分：未评分，得 0.00/10 分"
    assert b_lines["org-life"].points == Decimal("0.00")  # two branches/groups assessed, none compliant
    assert b_lines["requests"].explanation == "居民诉求三率：无相关记录，按满分计，得 12.00/12 分"
    assert b.total == Decimal("49.00") == sum(line.points for line in b_lines.values())
    assert (b.stars, b.rank) == (1, 2)


def test_every_score_total_is_the_sum_of_its_lines(city):
    data.plant_period(city)
    for code in ("wuhao-community", "liuhua-compound", "sihao-branch", "qianfen-street"):
        engine.score_run(new_run(code).pk)
    scores = Score.objects.all()
    assert scores.count() == 2 + 2 + 2 + 1
    for score in scores:
        assert score.total == sum(score.lines.values_list("points", flat=True))
        assert score.lines.count() == Indicator.objects.filter(rubric=score.rubric).count()


def test_branch_subjects_rank_under_their_community(city):
    data.plant_period(city)
    engine.score_run(new_run("sihao-branch").pk)
    branch = Score.objects.get(rubric__code="sihao-branch", subject_id=city.a.branch.pk)
    assert (branch.org_id, branch.area_id, branch.parent_area_id) == (city.a.branch.pk, city.a.compound.pk, city.a.area.pk)
    assert (branch.rank, branch.rank_of) == (1, 1)
    lines = lines_of(branch)
    assert lines["org-life"].explanation == "组织生活合规率 2/2 = 100.0%，得 25.00/25 分"  # the branch and its party group
    assert lines["org-life"].evidence["url"] == f"/life/orgs/{city.a.branch.pk}/calendar/"
    assert lines["wishes"].explanation == "微心愿完成率 2/3 = 66.7%，得 6.67/10 分"  # wishes of its compound's buildings


def test_street_stars_by_quota_and_compound_coverage(city):
    data.plant_period(city)
    engine.score_run(new_run("qianfen-street").pk)
    street = Score.objects.get(rubric__code="qianfen-street")
    assert street.max_total == Decimal("1000.00")
    assert street.stars == 3  # a lone street lands in the middle band of 10/30/30/20/10
    engine.score_run(new_run("liuhua-compound").pk)
    compound = lines_of(Score.objects.get(rubric__code="liuhua-compound", subject_id=city.a.compound.pk))
    assert compound["branch-coverage"].points == Decimal("20.00")
    assert compound["gridded"].points == Decimal("15.00")
    assert compound["building-groups"].explanation == "楼栋党小组覆盖率 1/1 = 100.0%，得 15.00/15 分"


def test_running_again_gives_identical_scores(city):
    data.plant_period(city)
    run = new_run("wuhao-community")
    engine.score_run(run.pk)
    first = snapshot(run)
    run = engine.score_run(run.pk)  # a finished run recomputes from scratch
    assert run.state == "done" and run.attempts == 2
    assert snapshot(run) == first
    assert Score.objects.filter(run=run).count() == 2


def test_a_failed_run_resumes_at_the_unfinished_step(city, monkeypatch):
    data.plant_period(city)
    run = new_run("wuhao-community")
    indicators = list(Indicator.objects.filter(rubric=run.rubric).order_by("sort_order", "pk"))
    third = indicators[2].source

    def boom(*args, **kwargs):
        raise RuntimeError("数据库连接中断")

    monkeypatch.setitem(engine.FIGURES, third, boom)
    with pytest.raises(RuntimeError):
        engine.score_run(run.pk)
    run.refresh_from_db()
    assert (run.state, run.done_steps, run.attempts) == ("failed", 2, 1)
    assert "数据库连接中断" in run.error

    calls = []
    first = indicators[0].source
    original = engine.FIGURES[first]
    monkeypatch.setitem(engine.FIGURES, first, lambda *a, **k: calls.append(1) or original(*a, **k))
    monkeypatch.setitem(engine.FIGURES, third, engine.figures_wish_fulfilment)
    run = engine.score_run(run.pk)
    assert (run.state, run.done_steps, run.attempts, run.error) == ("done", 14, 2, "")
    assert calls == []  # the finished steps were not computed again
    for score in Score.objects.filter(run=run):
        assert score.lines.count() == len(indicators)
        assert score.total == sum(score.lines.values_list("points", flat=True))


def test_scores_of_subjects_that_left_are_deleted(city):
    run = new_run("sihao-branch")
    engine.score_run(run.pk)
    assert set(Score.objects.filter(run=run).values_list("subject_id", flat=True)) == {city.a.branch.pk, city.b.branch.pk}
    city.b.branch.category = "grid"
    city.b.branch.save(update_fields=["category"])
    engine.score_run(run.pk)
    assert list(Score.objects.filter(rubric=run.rubric).values_list("subject_id", flat=True)) == [city.a.branch.pk]
    assert not ScoreLine.objects.filter(score__subject_id=city.b.branch.pk).exists()


def test_a_running_run_is_not_taken_twice(city):
    from django.utils import timezone

    run = new_run("wuhao-community")
    ScoringRun.objects.filter(pk=run.pk).update(state="running", started_at=timezone.now())
    assert engine.score_run(run.pk).state == "running"
    assert not Score.objects.exists()
    ScoringRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - engine.STALE_AFTER * 2)
    assert engine.score_run(run.pk).state == "done"  # a run left "running" by a dead worker is taken over


def _queries(run_id):
    with CaptureQueriesContext(connection) as ctx:
        engine.score_run(run_id)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("code", ["wuhao-community", "sihao-branch"])
def test_query_count_does_not_grow_with_subjects(city, code):
    data.plant_period(city)
    run = new_run(code)
    engine.score_run(run.pk)
    small = _queries(run.pk)
    for label in ("丙", "丁", "戊", "己"):
        c = build_community(city.street, city.street_org, label, members=3)
        data.compliant(c.branch)
        data.wish(c, status="fulfilled")
        data.request(c, rating="basic")
    big = _queries(run.pk)
    assert Score.objects.filter(run=run).count() == 6
    assert big == small, (small, big)
    # per indicator: its grouped queries, the upsert, the progress (savepoints; cursor fetches on PostgreSQL)
    indicators = Indicator.objects.filter(rubric=run.rubric).count()
    assert small <= BUDGETS["assessments.scoring.engine.score_run"] + BUDGETS["assessments.scoring.engine.score_run per indicator"] * indicators


def test_versions_newest_effective_at_the_period_start():
    v1 = rubric("wuhao-community")
    v2 = Rubric.objects.create(code=v1.code, version=2, name=v1.name, subject_kind="area", area_level=4,
                               effective_from=date(2025, 7, 1), star_thresholds=[60, 70, 80, 90])
    assert rubric_in_force(v1.code, date(2025, 6, 30)) == v1
    assert rubric_in_force(v1.code, date(2025, 7, 1)) == v2
    assert v2 in rubrics_in_force(date(2025, 7, 1)) and v1 not in rubrics_in_force(date(2025, 7, 1))
    v2.is_active = False
    v2.save(update_fields=["is_active"])
    assert rubric_in_force(v1.code, date(2025, 7, 1)) == v1
