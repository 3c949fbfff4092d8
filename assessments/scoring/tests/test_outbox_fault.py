"""Nothing recorded is lost when Redis drops (issue 12, finding 3), with a real Redis of the
test's own as the Celery broker (``own_redis``), stopped and started by the test, and a real
worker thread consuming it:

* a scoring run started while Redis is down: the page answers, the run and its job are
  saved (the page says the queue is unavailable); Redis back, the sweeper sends the job and
  the worker computes the run;
* a run queued while no worker runs, then Redis restarts (it keeps nothing on disk): the
  message is gone, the sweeper sends it again after its timeout and the run completes.

Needs PostgreSQL (the worker thread and the test share committed rows) and ``redis-server``
on the PATH; both are there in CI.
"""
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.scoring.actions import run_job_key
from assessments.scoring.models import Rubric, ScoringRun
from assessments.scoring.rubrics import ensure_default_rubrics
from assessments.scoring.tests import test_data as data
from assessments.tests.factories import ensure_default_rules
from dangjian.jobs import sweep
from dangjian.models import Job, JobState
from dangjian.testing import logged_in, requires_postgres, wait_until
from dangjian.testing.celery import broker_at, worker_at
from organizations.grants.choices import Role
from organizations.tests.factories import build_city, user_with

pytestmark = pytest.mark.django_db(transaction=True)
needs_postgres = requires_postgres("a worker thread and the request share committed rows (transactional database)")


def run_is(run, *states):
    run.refresh_from_db()
    return run.state in states


@pytest.fixture
def district(client):
    ensure_default_rules()
    ensure_default_rubrics()
    city = build_city()
    data.plant_period(city)
    return logged_in(user_with(Role.DISTRICT, city.district), client)


def start_run(client):
    rubric = Rubric.objects.get(code="wuhao-community", version=1)
    started = time.monotonic()
    response = client.post("/scores/runs/start/", {"rubric": rubric.pk, "period_key": data.PERIOD})
    return response, time.monotonic() - started


@needs_postgres
def test_a_run_started_while_redis_is_down_runs_when_it_is_back(own_redis, district):
    with broker_at(own_redis.url):
        own_redis.stop()
        response, took = start_run(district)
        # the request succeeds (and soon: a stopped broker fails fast), the run and its job are saved
        assert response.status_code == 302, response.content.decode()[:500]
        assert took < 10
        run = ScoringRun.objects.get()
        assert run.state == "pending"
        job = Job.objects.get(dedupe_key=run_job_key(run.pk))
        assert (job.state, job.attempts) == (JobState.QUEUED, 0) and job.last_error
        page = district.get(f"/scores/runs/{run.pk}/").content.decode()
        assert 'data-testid="awaiting-broker"' in page and "排队中" in page
        # still down: the sweeper keeps it
        assert sweep(now=timezone.now() + timedelta(minutes=1))["resent"] == 0

        own_redis.start()  # back, empty
        with worker_at(own_redis.url):
            assert sweep(now=timezone.now() + timedelta(minutes=1))["resent"] == 1
            assert wait_until(lambda: run_is(run, "done", "failed"), timeout=60), run.state
    assert run.state == "done", run.error
    assert (run.done_steps, run.total_steps, run.attempts) == (14, 14, 1)
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert 'data-testid="awaiting-broker"' not in district.get(f"/scores/runs/{run.pk}/").content.decode()


@needs_postgres
def test_a_run_queued_without_a_worker_survives_a_redis_restart(own_redis, district):
    with broker_at(own_redis.url):
        response, _took = start_run(district)
        assert response.status_code == 302
        run = ScoringRun.objects.get()
        job = Job.objects.get(dedupe_key=run_job_key(run.pk))
        assert (job.state, job.attempts) == (JobState.SENT, 1)  # in Redis, and no worker to take it
        own_redis.stop()
        own_redis.start()  # the message is gone with the restart
        with worker_at(own_redis.url):
            time.sleep(1)
            assert run_is(run, "pending")  # nothing to consume: it would wait for ever
            assert sweep()["resent"] == 0  # not yet: it may still be in a queue
            later = timezone.now() + timedelta(seconds=16 * 60)
            assert sweep(now=later)["resent"] == 1
            assert wait_until(lambda: run_is(run, "done", "failed"), timeout=60), run.state
    assert run.state == "done", run.error
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 2)
