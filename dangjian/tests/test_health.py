"""/healthz: the state of the database, the cache, the broker, the workers (heartbeat) and the
outbox (oldest waiting job), for load balancers and probes.  Details only for the machine
itself (loopback, no proxy header) and signed-in staff; everyone else gets the status."""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

import dangjian.health as health_module
from dangjian.models import Job, JobState, WorkerHeartbeat

pytestmark = pytest.mark.django_db

LOCAL = {"REMOTE_ADDR": "127.0.0.1"}
REMOTE = {"REMOTE_ADDR": "203.0.113.7"}


@pytest.fixture
def worker_alive():
    return WorkerHeartbeat.objects.create(worker="celery@test", seen_at=timezone.now() - timedelta(seconds=5))


def test_healthz_reports_every_component_ok(worker_alive):
    # A probe on the machine itself: no login redirect, a JSON report with the details.
    response = Client(**LOCAL).get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == "ok"
    for part in ("database", "cache", "broker", "worker", "queue"):
        assert body[part]["ok"] is True, part
    from django.conf import settings
    from django.db import connection

    assert body["database"]["vendor"] == connection.vendor
    # the broker in use is the one configured: Redis when REDIS_URL is set, else the filesystem
    assert body["broker"]["transport"] == settings.CELERY_BROKER_URL.split("://", 1)[0]
    assert 0 <= body["worker"]["heartbeat_age_s"] < 60
    assert body["queue"]["oldest_waiting_s"] is None
    assert "no-store" in response["Cache-Control"]


def test_no_worker_heartbeat_is_not_ok():
    # the embedded broker answers, but nothing consumes it: not "ok" (it was, before)
    response = Client(**LOCAL).get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["worker"]["ok"] is False and body["worker"]["heartbeat_age_s"] is None
    assert body["broker"]["ok"] is True and body["database"]["ok"] is True


def test_a_stale_heartbeat_is_not_ok(settings):
    settings.HEALTHZ_HEARTBEAT_MAX_AGE = 120
    WorkerHeartbeat.objects.create(worker="celery@gone", seen_at=timezone.now() - timedelta(seconds=300))
    body = Client(**LOCAL).get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["worker"]["ok"] is False and body["worker"]["heartbeat_age_s"] >= 300
    # a second worker that is alive is enough
    WorkerHeartbeat.objects.create(worker="celery@alive", seen_at=timezone.now())
    assert Client(**LOCAL).get("/healthz").status_code == 200


def test_an_old_waiting_job_is_not_ok(settings, worker_alive):
    settings.HEALTHZ_QUEUE_MAX_AGE = 600
    Job.objects.create(task_name="x.y", state=JobState.SENT, created_at=timezone.now() - timedelta(seconds=60))
    assert Client(**LOCAL).get("/healthz").status_code == 200
    Job.objects.create(task_name="x.y", state=JobState.QUEUED, created_at=timezone.now() - timedelta(seconds=700))
    Job.objects.create(task_name="x.y", state=JobState.DONE, created_at=timezone.now() - timedelta(days=3))
    response = Client(**LOCAL).get("/healthz")
    assert response.status_code == 503
    assert response.json()["queue"]["ok"] is False
    assert 700 <= response.json()["queue"]["oldest_waiting_s"] < 760


def test_details_only_for_loopback_and_staff(monkeypatch, worker_alive):
    def broker_down():
        raise ConnectionRefusedError("broker unreachable at redis://10.0.0.5:6379")

    monkeypatch.setitem(health_module.CHECKS, "broker", broker_down)
    # a stranger: the status and the code, no backend names, no errors, no ages
    response = Client(**REMOTE).get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded"}
    # a proxy on the machine speaking for a stranger is a stranger
    response = Client(**LOCAL).get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert response.json() == {"status": "degraded"}
    # a signed-in user who is not staff: the same
    user_model = get_user_model()
    someone = user_model.objects.create_user("someone", password="x-123456789")
    client = Client(**REMOTE)
    client.force_login(someone)
    assert client.get("/healthz").json() == {"status": "degraded"}
    # staff see everything, from anywhere
    staff = user_model.objects.create_user("ops", password="x-123456789", is_staff=True)
    client.force_login(staff)
    body = client.get("/healthz").json()
    assert body["broker"]["ok"] is False and "ConnectionRefusedError" in body["broker"]["error"]
    assert body["worker"]["ok"] is True


def test_healthy_for_a_stranger_is_just_ok(worker_alive):
    response = Client(**REMOTE).get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_a_failing_check_gives_503_and_names_the_failure(monkeypatch, worker_alive):
    def broker_down():
        raise ConnectionRefusedError("broker unreachable")

    monkeypatch.setitem(health_module.CHECKS, "broker", broker_down)
    response = Client(**LOCAL).get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["broker"]["ok"] is False
    assert "ConnectionRefusedError" in body["broker"]["error"]
    assert "broker unreachable" in body["broker"]["error"]
    assert body["database"]["ok"] is True and body["cache"]["ok"] is True


def test_a_cache_that_loses_writes_is_reported(monkeypatch, worker_alive):
    class ForgetfulCache:
        def set(self, *args, **kwargs):
            pass

        def get(self, key, default=None):
            return default

        def delete(self, key):
            pass

    monkeypatch.setattr(health_module, "cache", ForgetfulCache())
    response = Client(**LOCAL).get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"]["ok"] is False
    assert response.json()["database"]["ok"] is True


def test_a_database_failure_is_reported_without_raising(monkeypatch, worker_alive):
    def database_down():
        raise RuntimeError("database is down")

    monkeypatch.setitem(health_module.CHECKS, "database", database_down)
    ok, report = health_module.health()
    assert ok is False
    assert report["database"] == {"ok": False, "error": "RuntimeError: database is down"}
    assert report["broker"]["ok"] is True


def test_the_heartbeat_task_and_worker_ready_write_the_heartbeat():
    from celery.signals import worker_ready

    from dangjian.tasks import worker_heartbeat

    worker_heartbeat.apply()  # eager, as the beat job runs it in a worker
    assert WorkerHeartbeat.objects.count() == 1

    class Consumer:
        hostname = "celery@starting"

    worker_ready.send(sender=Consumer())
    seen = WorkerHeartbeat.objects.get(worker="celery@starting").seen_at
    assert timezone.now() - seen < timedelta(seconds=10)


def test_beat_runs_the_sweeper_and_the_heartbeat_often():
    from django.conf import settings

    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["dangjian.tasks.sweep_jobs"] <= 60
    assert schedule["dangjian.tasks.worker_heartbeat"] < settings.HEALTHZ_HEARTBEAT_MAX_AGE / 2
