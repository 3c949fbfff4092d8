"""/healthz: the state of the database, the cache and the broker, for load balancers and probes."""
import pytest
from django.test import Client

import dangjian.health as health_module

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_component_ok():
    # An anonymous probe: no login redirect, a JSON report.
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == "ok"
    for part in ("database", "cache", "broker"):
        assert body[part]["ok"] is True, part
    from django.conf import settings
    from django.db import connection

    assert body["database"]["vendor"] == connection.vendor
    # the broker in use is the one configured: Redis when REDIS_URL is set, else the filesystem
    assert body["broker"]["transport"] == settings.CELERY_BROKER_URL.split("://", 1)[0]
    assert "no-store" in response["Cache-Control"]


def test_a_failing_check_gives_503_and_names_the_failure(monkeypatch):
    def broker_down():
        raise ConnectionRefusedError("broker unreachable")

    monkeypatch.setitem(health_module.CHECKS, "broker", broker_down)
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["broker"]["ok"] is False
    assert "ConnectionRefusedError" in body["broker"]["error"]
    assert "broker unreachable" in body["broker"]["error"]
    assert body["database"]["ok"] is True and body["cache"]["ok"] is True


def test_a_cache_that_loses_writes_is_reported(monkeypatch):
    class ForgetfulCache:
        def set(self, *args, **kwargs):
            pass

        def get(self, key, default=None):
            return default

        def delete(self, key):
            pass

    monkeypatch.setattr(health_module, "cache", ForgetfulCache())
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"]["ok"] is False
    assert response.json()["database"]["ok"] is True


def test_a_database_failure_is_reported_without_raising(monkeypatch):
    def database_down():
        raise RuntimeError("database is down")

    monkeypatch.setitem(health_module.CHECKS, "database", database_down)
    ok, report = health_module.health()
    assert ok is False
    assert report["database"] == {"ok": False, "error": "RuntimeError: database is down"}
    assert report["broker"]["ok"] is True
