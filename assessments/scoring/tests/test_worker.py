"""Scoring through a real Celery worker (Redis broker, PostgreSQL in CI): a run sent with
``delay`` is computed by the worker; running it again gives identical scores.  Skips
without REDIS_URL (see ``dangjian.testing.celery``)."""
import time

from assessments.scoring.models import Rubric, Score, ScoreLine, ScoringRun
from assessments.scoring.rubrics import ensure_default_rubrics
from assessments.scoring.tasks import score_run_task
from assessments.scoring.tests import test_data as data
from assessments.tests.factories import ensure_default_rules


def wait_for(run, state="done", timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.state in (state, "failed"):
            return run
        time.sleep(0.2)
    run.refresh_from_db()
    return run


def snapshot(run):
    scores = sorted(Score.objects.filter(run=run).values_list("subject_id", "total", "max_total", "stars", "rank", "rank_of"))
    lines = sorted(
        ScoreLine.objects.filter(score__run=run)
        .values_list("score__subject_id", "indicator_id", "value", "points", "max_points", "explanation")
    )
    return scores, lines


def test_scoring_run_in_a_live_worker_is_idempotent(live_worker):
    from organizations.tests.factories import build_city

    ensure_default_rules()
    ensure_default_rubrics()
    city = build_city()
    data.plant_period(city)
    rubric = Rubric.objects.get(code="wuhao-community", version=1)
    run = ScoringRun.objects.create(rubric=rubric, period_key=data.PERIOD, period_kind="quarter",
                                    period_start=data.START, period_end=data.END)

    result = score_run_task.delay(run.pk)
    assert result.id  # sent through the broker, not run eagerly
    run = wait_for(run)
    assert run.state == "done", run.error
    assert (run.done_steps, run.total_steps, run.subjects, run.attempts) == (14, 14, 2, 1)
    first = snapshot(run)
    assert len(first[0]) == 2 and len(first[1]) == 24

    score_run_task.delay(run.pk)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.attempts == 2 and run.state == "done":
            break
        time.sleep(0.2)
    assert (run.state, run.attempts) == ("done", 2)
    assert snapshot(run) == first
