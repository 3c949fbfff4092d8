"""The outbox (``dangjian.jobs``): a job is a row first, sent after commit; a duplicated message
runs it once; a message that never left (broker down) or was lost (Redis restarted) is sent
again by the sweeper; after ``JOBS_MAX_ATTEMPTS`` the job is failed, for staff to see.

Celery is eager in the test settings: a message "sent" runs at once in this process; a broker
that is down is a publish that raises."""
from datetime import timedelta

import pytest
from celery import Task
from django.contrib.auth import get_user_model
from django.db import OperationalError, transaction
from django.test import Client
from django.utils import timezone

from dangjian import jobs
from dangjian.models import Job, JobState
from dangjian.testing.races import race, requires_postgres

RUNS: list = []
GIVEN_UP: list = []


def _given_up(**kwargs):
    GIVEN_UP.append(kwargs)


@jobs.job_task(name="dangjian.tests.record_run", give_up=_given_up)
def record_run(n=0, label=""):
    RUNS.append((n, label))
    return n


@jobs.job_task(name="dangjian.tests.explode")
def explode(phone=""):
    raise ValueError(f"bad row with phone {phone}")


@jobs.job_task(name="dangjian.tests.handled")
def handled():
    raise jobs.JobFailed("导入未通过", result="failed")


@pytest.fixture(autouse=True)
def _clean():
    RUNS.clear()
    GIVEN_UP.clear()
    yield
    RUNS.clear()
    GIVEN_UP.clear()


@pytest.fixture
def broker_down(monkeypatch):
    """Every publish fails as it does with Redis stopped; ``.up()`` brings the broker back."""

    class Broker:
        def __init__(self):
            self.attempts = 0

        def up(self):
            monkeypatch.undo()

    broker = Broker()

    def refuse(self, *args, **kwargs):
        broker.attempts += 1
        raise OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", refuse)
    return broker


def later(seconds):
    return timezone.now() + timedelta(seconds=seconds)


# ----------------------------------------------------------------------------- enqueue
@pytest.mark.django_db
def test_the_row_is_written_in_the_transaction_and_sent_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            job = jobs.enqueue(record_run, n=1, label="a")
            assert Job.objects.get(pk=job.pk).state == JobState.QUEUED
            assert RUNS == []  # nothing sent before the commit
    assert len(callbacks) == 1
    assert RUNS == [(1, "a")]
    job.refresh_from_db()
    assert (job.task_name, job.kwargs, job.state, job.attempts) == ("dangjian.tests.record_run", {"n": 1, "label": "a"},
                                                                    JobState.DONE, 1)
    assert job.sent_at and job.started_at and job.finished_at and job.last_error == ""


@pytest.mark.django_db
def test_a_rolled_back_transaction_leaves_no_job(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            jobs.enqueue(record_run, n=1)
            raise RuntimeError("the user's write failed")
    assert not Job.objects.exists() and RUNS == []


@pytest.mark.django_db
def test_broker_down_at_enqueue_keeps_the_row_and_the_sweeper_sends_it_later(
        broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.enqueue(record_run, n=7)  # does not raise into the caller
    job.refresh_from_db()
    assert broker_down.attempts >= 1
    assert (job.state, job.attempts) == (JobState.QUEUED, 0)
    assert job.last_error.startswith("投递失败") and "127.0.0.1" not in job.last_error
    assert RUNS == []
    # still down: the sweeper tries, the row stays queued, no attempt is counted
    assert jobs.sweep(now=later(60)) == {"resent": 0, "gave_up": 0}
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.QUEUED, 0)
    # within the grace the sweeper leaves a fresh row to its own after-commit send
    broker_down.up()
    assert jobs.sweep(now=later(5)) == {"resent": 0, "gave_up": 0}
    assert jobs.sweep(now=later(60)) == {"resent": 1, "gave_up": 0}
    job.refresh_from_db()
    assert job.state == JobState.DONE and RUNS == [(7, "")]
    assert jobs.sweep(now=later(3600)) == {"resent": 0, "gave_up": 0}  # idempotent
    assert RUNS == [(7, "")]


@pytest.mark.django_db
def test_a_duplicated_message_runs_the_job_once():
    job = Job.objects.create(task_name=record_run.name, kwargs={"n": 3}, state=JobState.SENT, sent_at=timezone.now())
    headers = {jobs.HEADER: job.pk}
    assert record_run.apply(kwargs={"n": 3}, headers=headers).get() == 3
    assert record_run.apply(kwargs={"n": 3}, headers=headers).get() is None
    assert RUNS == [(3, "")]
    job.refresh_from_db()
    assert job.state == JobState.DONE


@requires_postgres("concurrent deliveries of one message claim the row with one conditional UPDATE")
@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_message_run_it_once():
    job = Job.objects.create(task_name=record_run.name, kwargs={"n": 5}, state=JobState.SENT, sent_at=timezone.now())
    outcomes = race(lambda _i: record_run.apply(kwargs={"n": 5}, headers={jobs.HEADER: job.pk}).get(), range(6))
    assert outcomes.errors == []
    assert sorted(outcomes.values, key=str) == [5, None, None, None, None, None]
    assert RUNS == [(5, "")]


@pytest.mark.django_db
def test_a_task_called_without_a_job_just_runs():
    assert record_run.delay(n=2).get() == 2  # beat, a shell
    assert record_run(n=4) == 4
    assert RUNS == [(2, ""), (4, "")]
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_the_rows_arguments_are_the_newest_and_waiting_jobs_fold_by_dedupe_key(broker_down,
                                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = jobs.enqueue(record_run, dedupe="rollups:2026", n=1)
        second = jobs.enqueue(record_run, dedupe="rollups:2026", n=2)
        other = jobs.enqueue(record_run, dedupe="rollups:2025", n=9)
    assert first.pk == second.pk != other.pk
    assert Job.objects.get(pk=first.pk).kwargs == {"n": 2}
    broker_down.up()
    jobs.sweep(now=later(60))
    assert sorted(RUNS) == [(2, ""), (9, "")]
    # the work done, a new request is a new job
    with django_capture_on_commit_callbacks(execute=True):
        third = jobs.enqueue(record_run, dedupe="rollups:2026", n=3)
    assert third.pk != first.pk and RUNS[-1] == (3, "")


# ---------------------------------------------------------------------------- failures
@pytest.mark.django_db
def test_a_failing_task_fails_its_job_without_its_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.enqueue(explode, phone="13800001111")
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.last_error == "ValueError"  # the class only: the text may carry personal data
    assert jobs.sweep(now=later(86400)) == {"resent": 0, "gave_up": 0}  # a failed job is not retried


@pytest.mark.django_db
def test_a_handled_failure_is_recorded_and_returns_its_result():
    job = Job.objects.create(task_name=handled.name, state=JobState.SENT, sent_at=timezone.now())
    assert handled.apply(headers={jobs.HEADER: job.pk}).get() == "failed"
    job.refresh_from_db()
    assert (job.state, job.last_error) == (JobState.FAILED, "导入未通过")


# ----------------------------------------------------------------------------- sweeper
@pytest.mark.django_db
def test_a_lost_message_is_sent_again_after_the_timeout(settings):
    settings.JOBS_SENT_TIMEOUT = 900
    sent_at = timezone.now()
    job = Job.objects.create(task_name=record_run.name, kwargs={"n": 8}, state=JobState.SENT, sent_at=sent_at,
                             attempts=1)
    assert jobs.sweep(now=sent_at + timedelta(seconds=600)) == {"resent": 0, "gave_up": 0}  # maybe still in the queue
    assert jobs.sweep(now=sent_at + timedelta(seconds=901)) == {"resent": 1, "gave_up": 0}  # lost in a Redis restart
    job.refresh_from_db()
    assert (job.state, job.attempts, RUNS) == (JobState.DONE, 2, [(8, "")])


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_sent_again(settings):
    settings.JOBS_RUNNING_TIMEOUT = 3600
    started = timezone.now()
    job = Job.objects.create(task_name=record_run.name, kwargs={"n": 6}, state=JobState.RUNNING, attempts=1,
                             sent_at=started, started_at=started)
    assert jobs.sweep(now=started + timedelta(seconds=1800))["resent"] == 0
    assert jobs.sweep(now=started + timedelta(seconds=3601))["resent"] == 1
    job.refresh_from_db()
    assert job.state == JobState.DONE and RUNS == [(6, "")]


@pytest.mark.django_db
def test_the_sweeper_gives_up_after_max_attempts_and_staff_see_it(settings, monkeypatch):
    settings.JOBS_MAX_ATTEMPTS = 3
    settings.JOBS_SENT_TIMEOUT = 60
    # the broker takes the messages and loses them (no worker, then a Redis restart)
    monkeypatch.setattr(Task, "apply_async", lambda self, *a, **k: None)
    job = Job.objects.create(task_name=record_run.name, kwargs={"n": 1, "label": "x"}, created_at=timezone.now())
    now = timezone.now()
    for minute in range(1, 4):
        assert jobs.sweep(now=now + timedelta(minutes=2 * minute)) == {"resent": 1, "gave_up": 0}
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.SENT, 3)
    assert jobs.sweep(now=now + timedelta(minutes=10)) == {"resent": 0, "gave_up": 1}
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "3" in job.last_error and job.finished_at
    assert GIVEN_UP == [{"n": 1, "label": "x"}]  # the task's hook told its domain row
    assert jobs.sweep(now=now + timedelta(minutes=20)) == {"resent": 0, "gave_up": 0}
    assert RUNS == []

    admin = get_user_model().objects.create_superuser("root", password="x-123456789")
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/dangjian/job/?state__exact=failed")
    assert page.status_code == 200
    assert "dangjian.tests.record_run" in page.content.decode() and "已放弃" in page.content.decode()


@requires_postgres("two sweepers take disjoint rows (select_for_update skip_locked)")
@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_send_each_job_once(monkeypatch):
    sent = []
    monkeypatch.setattr(Task, "apply_async", lambda self, *a, **k: sent.append(k["headers"][jobs.HEADER]))
    old = timezone.now() - timedelta(minutes=5)
    ids = [Job.objects.create(task_name=record_run.name, kwargs={"n": i}, created_at=old).pk for i in range(40)]
    outcomes = race(lambda _i: jobs.sweep(), range(4))
    assert outcomes.errors == []
    assert sorted(sent) == sorted(ids)  # every job once, none twice
    assert sum(o["resent"] for o in outcomes.values) == 40
    assert set(Job.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.django_db
def test_folding_into_a_job_already_sent_sends_no_second_message(monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(Task, "apply_async", lambda self, *a, **k: sent.append(k["headers"][jobs.HEADER]))
    with django_capture_on_commit_callbacks(execute=True):
        first = jobs.enqueue(record_run, dedupe="rollups:2026", n=1)
    with django_capture_on_commit_callbacks(execute=True):
        again = jobs.enqueue(record_run, dedupe="rollups:2026", n=2)
    assert again.pk == first.pk and sent == [first.pk]
    assert Job.objects.get(pk=first.pk).kwargs == {"n": 2}  # the worker runs the newest arguments


@pytest.mark.django_db
def test_purge_forgets_old_finished_jobs_only(settings):
    settings.JOBS_KEEP_DAYS = 30
    now = timezone.now()
    old = now - timedelta(days=31)
    recent = now - timedelta(days=2)
    gone = [
        Job.objects.create(task_name="t", state=JobState.DONE, created_at=old, finished_at=old),
        Job.objects.create(task_name="t", state=JobState.FAILED, created_at=old, finished_at=old),
    ]
    kept = [
        Job.objects.create(task_name="t", state=JobState.DONE, created_at=recent, finished_at=recent),
        Job.objects.create(task_name="t", state=JobState.QUEUED, created_at=old),  # waiting: the sweeper's
        Job.objects.create(task_name="t", state=JobState.RUNNING, created_at=old, started_at=old),
    ]
    assert jobs.purge(now=now) == 2
    assert set(Job.objects.values_list("pk", flat=True)) == {job.pk for job in kept}
    assert not Job.objects.filter(pk__in=[job.pk for job in gone]).exists()


def test_the_purge_runs_nightly_from_beat(settings):
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "dangjian.tasks.purge_jobs")
    from dangjian import tasks

    assert tasks.purge_jobs.name == "dangjian.tasks.purge_jobs"
    assert entry["schedule"].hour == {4}
