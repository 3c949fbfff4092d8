"""Scoring runs through the outbox (``dangjian.jobs``), with eager Celery: a run started while
the broker is down is saved, says so on its page and runs when the sweeper sends it; a run
whose job the sweeper gave up on is failed with a reason instead of "queued" for ever."""
from datetime import timedelta

import pytest
from celery import Task
from django.db import OperationalError
from django.utils import timezone

from assessments.scoring.actions import run_job_key
from assessments.scoring.models import Rubric, ScoringRun
from assessments.scoring.rubrics import ensure_default_rubrics
from assessments.scoring.tests import test_data as data
from dangjian.jobs import sweep
from dangjian.models import Job, JobState
from dangjian.testing import logged_in
from organizations.grants.choices import Role
from organizations.tests.factories import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(client, city):
    ensure_default_rubrics()
    data.plant_period(city)
    return logged_in(user_with(Role.DISTRICT, city.district), client)


def start(client, django_capture_on_commit_callbacks):
    rubric = Rubric.objects.get(code="wuhao-community", version=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/scores/runs/start/", {"rubric": rubric.pk, "period_key": data.PERIOD})
    assert response.status_code == 302
    run = ScoringRun.objects.get()
    return run, Job.objects.get(dedupe_key=run_job_key(run.pk))


def test_started_with_the_broker_down_the_run_is_kept_and_runs_later(district, monkeypatch,
                                                                    django_capture_on_commit_callbacks):
    def refuse(self, *args, **kwargs):
        raise OperationalError("Error 111 connecting to redis. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", refuse)
    run, job = start(district, django_capture_on_commit_callbacks)
    assert run.state == "pending" and job.state == JobState.QUEUED and job.kwargs == {"run_id": run.pk}
    page = district.get(f"/scores/runs/{run.pk}/").content.decode()
    assert 'data-testid="awaiting-broker"' in page and "恢复后将自动开始" in page
    # starting it again folds into the waiting job
    start(district, django_capture_on_commit_callbacks)
    assert Job.objects.filter(dedupe_key=run_job_key(run.pk)).count() == 1

    monkeypatch.undo()  # the broker is back
    with django_capture_on_commit_callbacks(execute=True):  # the run's own commits (the test is one transaction)
        assert sweep(now=timezone.now() + timedelta(minutes=1))["resent"] == 1
    run.refresh_from_db()
    job.refresh_from_db()
    assert (run.state, job.state) == ("done", JobState.DONE)
    assert Job.objects.get(dedupe_key=f"rollups:{run.period_key}").state == JobState.DONE  # the finish's refresh
    assert 'data-testid="awaiting-broker"' not in district.get(f"/scores/runs/{run.pk}/").content.decode()


def test_a_run_whose_job_was_given_up_is_failed_with_a_reason(district, settings, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    settings.JOBS_MAX_ATTEMPTS = 2
    monkeypatch.setattr(Task, "apply_async", lambda self, *a, **k: None)  # taken, then lost
    run, job = start(district, django_capture_on_commit_callbacks)
    assert job.state == JobState.SENT
    now = timezone.now()
    assert sweep(now=now + timedelta(minutes=20))["resent"] == 1
    assert sweep(now=now + timedelta(minutes=40))["gave_up"] == 1
    run.refresh_from_db()
    assert run.state == "failed" and "重新发起" in run.error
    assert "重新发起" in district.get(f"/scores/runs/{run.pk}/").content.decode()
