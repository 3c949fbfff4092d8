"""Starting runs (district only, never twice while running, queued after commit), the
daily job (idempotent), manual points (reviewers covering the subject, bounds, note,
audited, score brought up to date)."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from assessments.scoring import actions as scoring_actions
from assessments.scoring import engine
from assessments.scoring.models import Indicator, ManualScore, Rubric, Score, ScoringRun
from assessments.scoring.rubrics import ensure_default_rubrics
from assessments.scoring.tests import test_data as data
from dangjian.errors import PermissionDeniedError, TransitionError
from dangjian.models import AuditEvent
from organizations.grants.choices import Role
from organizations.tests.factories import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rubrics(db):
    ensure_default_rubrics()


@pytest.fixture
def wuhao():
    return Rubric.objects.get(code="wuhao-community", version=1)


@pytest.fixture
def district_user(city):
    return user_with(Role.DISTRICT, city.district)


def test_district_starts_a_run_queued_after_commit(city, wuhao, district_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = scoring_actions.scoring_run_start(actor=district_user, rubric=wuhao, period_key="2025-q3")
    assert len(callbacks) == 2  # the run is queued; once it is done, the dashboard rollups are refreshed
    run.refresh_from_db()
    assert (run.period_key, run.period_kind, run.period_start, run.period_end) == ("2025-Q3", "quarter", date(2025, 7, 1), date(2025, 9, 30))
    assert run.state == "done" and run.started_by == district_user  # eager Celery in tests ran it
    assert Score.objects.filter(run=run).count() == 2
    assert AuditEvent.objects.filter(verb="scoring.run_start", target_id=str(run.pk)).exists()
    # starting again reuses the same run (unique per rubric and period)
    with django_capture_on_commit_callbacks(execute=False):
        again = scoring_actions.scoring_run_start(actor=district_user, rubric=wuhao, period_key="2025-Q3")
    assert again.pk == run.pk and ScoringRun.objects.count() == 1
    again.refresh_from_db()
    assert (again.state, again.done_steps) == ("pending", 0)


def test_a_running_run_is_not_started_twice(city, wuhao, district_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        run = scoring_actions.scoring_run_start(actor=district_user, rubric=wuhao, period_key="2025-Q3")
    ScoringRun.objects.filter(pk=run.pk).update(state="running", started_at=timezone.now(), done_steps=3)
    with pytest.raises(TransitionError, match="正在评分中（已完成 3/14 步）"):
        scoring_actions.scoring_run_start(actor=district_user, rubric=wuhao, period_key="2025-Q3")


@pytest.mark.parametrize("role", [Role.STREET, Role.COMMUNITY, Role.GRID, Role.MEMBER])
def test_only_district_roles_start_runs(city, wuhao, role):
    user = user_with(role, city.street)
    with pytest.raises(PermissionDeniedError, match="只有区委组织部可以发起评分"):
        scoring_actions.scoring_run_start(actor=user, rubric=wuhao, period_key="2025-Q3")
    assert not ScoringRun.objects.exists()


@pytest.mark.parametrize(("key", "message"), [
    ("2025-13", "周期格式"),
    ("2099-01", "尚未开始"),
])
def test_bad_periods_are_refused(city, wuhao, district_user, key, message):
    with pytest.raises(ValidationError, match=message):
        scoring_actions.scoring_run_start(actor=district_user, rubric=wuhao, period_key=key)


def test_a_period_not_yet_over_is_refused_with_its_partial_label(city, wuhao, district_user):
    """Scoring a period still running would rate every subject on part of its records."""
    with pytest.raises(ValidationError) as exc:
        scoring_actions.scoring_run_start(actor=district_user, rubric=wuhao, period_key="2026-Q4", today=date(2026, 12, 1))
    assert exc.value.message_dict["period_key"] == [
        "2026年第4季度（截至12月1日，未结束）尚未结束，不能评分：请在2027年1月1日及以后评分。"]
    assert not ScoringRun.objects.filter(period_key="2026-Q4").exists()
    run = scoring_actions.scoring_run_start(actor=district_user, rubric=wuhao, period_key="2026-Q4", today=date(2027, 1, 1))
    assert run.period_key == "2026-Q4"


def test_period_kind_must_be_one_the_rubric_uses(city, district_user):
    sihao = Rubric.objects.get(code="sihao-branch")
    with pytest.raises(ValidationError, match="按季度、年度考核"):
        scoring_actions.scoring_run_start(actor=district_user, rubric=sihao, period_key="2025-08")


def test_inactive_rubric_is_refused(city, wuhao, district_user):
    wuhao.is_active = False
    wuhao.save(update_fields=["is_active"])
    with pytest.raises(ValidationError, match="已停用"):
        scoring_actions.scoring_run_start(actor=district_user, rubric=wuhao, period_key="2025-Q3")


def test_daily_job_queues_just_completed_periods_once(city, django_capture_on_commit_callbacks):
    today = date(2026, 1, 1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        runs = scoring_actions.scoring_runs_due(today=today)
    keys = sorted((r.rubric.code, r.period_key) for r in runs)
    assert keys == sorted([
        ("wuhao-community", "2025-12"), ("wuhao-community", "2025-Q4"), ("wuhao-community", "2025"),
        ("liuhua-compound", "2025-12"), ("liuhua-compound", "2025-Q4"), ("liuhua-compound", "2025"),
        ("sihao-branch", "2025-Q4"), ("sihao-branch", "2025"),
        ("qianfen-street", "2025-Q4"), ("qianfen-street", "2025"),
    ])
    assert len(callbacks) == 10
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert scoring_actions.scoring_runs_due(today=today + timedelta(days=1)) == []
    assert callbacks == []
    # a failed run is retried (it resumes), while it has attempts left
    ScoringRun.objects.filter(period_key="2025").update(state="failed", attempts=1)
    ScoringRun.objects.filter(period_key="2025", rubric__code="sihao-branch").update(attempts=scoring_actions.MAX_ATTEMPTS)
    retried = scoring_actions.scoring_runs_due(today=today)
    assert sorted(r.rubric.code for r in retried) == ["liuhua-compound", "qianfen-street", "wuhao-community"]


# ---------------------------------------------------------------------- manual scores
@pytest.fixture
def team_review(wuhao):
    return Indicator.objects.get(rubric=wuhao, code="team-review")


def test_street_reviewer_sets_points_and_the_score_follows(city, wuhao, team_review):
    data.plant_period(city)
    run = data_run = engine.score_run(ScoringRun.objects.create(
        rubric=wuhao, period_key=data.PERIOD, period_kind="quarter", period_start=data.START, period_end=data.END).pk)
    b = Score.objects.get(run=data_run, subject_id=city.b.area.pk)
    assert (b.total, b.rank) == (Decimal("49.00"), 2)
    reviewer = user_with(Role.STREET, city.street)
    manual = scoring_actions.manual_score_set(actor=reviewer, indicator=team_review, subject=city.b.area,
                                              period_key=data.PERIOD, points="10", note="班子团结，书记履职好")
    assert (manual.points, manual.reviewer, manual.area_id) == (Decimal("10.00"), reviewer, city.b.area.pk)
    b.refresh_from_db()
    assert b.total == Decimal("59.00") == sum(b.lines.values_list("points", flat=True))
    assert b.lines.get(indicator=team_review).explanation == "评审人打分 10.00/10 分：班子团结，书记履职好"
    assert AuditEvent.objects.filter(verb="scoring.manual_score", target_id=str(manual.pk)).exists()
    # setting it again updates the same row
    scoring_actions.manual_score_set(actor=reviewer, indicator=team_review, subject=city.b.area,
                                     period_key=data.PERIOD, points="2.5", note="复核后调整")
    assert ManualScore.objects.get().points == Decimal("2.50")
    assert run.pk == data_run.pk


def test_manual_points_are_checked(city, team_review):
    reviewer = user_with(Role.DISTRICT, city.district)

    def set_(**kw):
        args = dict(actor=reviewer, indicator=team_review, subject=city.a.area, period_key="2025-Q3", points="5", note="好")
        args.update(kw)
        return scoring_actions.manual_score_set(**args)

    with pytest.raises(ValidationError, match="0 至 10 分"):
        set_(points="10.5")
    with pytest.raises(ValidationError, match="0 至 10 分"):
        set_(points="-1")
    with pytest.raises(ValidationError, match="请填写评分说明"):
        set_(note="  ")
    with pytest.raises(ValidationError, match="不是该考核细则的考核对象"):
        set_(subject=city.a.compound)
    computed = Indicator.objects.get(rubric=team_review.rubric, code="wishes")
    with pytest.raises(ValidationError, match="不能人工打分"):
        set_(indicator=computed)
    assert not ManualScore.objects.exists()


def test_manual_points_need_a_reviewer_role_over_the_subject(city, team_review):
    community_cadre = user_with(Role.COMMUNITY, city.a.area)
    with pytest.raises(PermissionDeniedError, match="只有区委组织部或街道党工委"):
        scoring_actions.manual_score_set(actor=community_cadre, indicator=team_review, subject=city.a.area,
                                         period_key="2025-Q3", points="5", note="好")
    other_street = user_with(Role.STREET, city.a.area)  # a grant over 甲 only
    with pytest.raises(Http404):
        scoring_actions.manual_score_set(actor=other_street, indicator=team_review, subject=city.b.area,
                                         period_key="2025-Q3", points="5", note="好")
    assert not ManualScore.objects.exists()
