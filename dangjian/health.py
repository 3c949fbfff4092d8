"""State of the components the portal depends on, for /healthz.

Besides the database, the cache and the broker, two figures say whether background jobs
actually run: the age of the newest worker heartbeat (``WorkerHeartbeat``: written when a
worker is ready and by the beat job ``dangjian.tasks.worker_heartbeat`` every 30 s) and the
age of the oldest job still waiting (``dangjian.jobs``).  Either beyond its setting
(``HEALTHZ_HEARTBEAT_MAX_AGE``, ``HEALTHZ_QUEUE_MAX_AGE``, seconds) makes the report not ok.
"""
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from dangjian.models import WorkerHeartbeat


def check_database() -> dict:
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor, "ms": round((time.monotonic() - started) * 1000, 1)}


def check_cache() -> dict:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", 5)
    ok = cache.get(key) == "1"
    cache.delete(key)
    return {"ok": ok, "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def check_broker() -> dict:
    from dangjian.celery import app

    url = settings.CELERY_BROKER_URL
    transport = url.split("://", 1)[0]
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return {"ok": True, "transport": transport}


def record_heartbeat(worker: str, now=None) -> None:
    WorkerHeartbeat.objects.update_or_create(worker=worker[:200], defaults={"seen_at": now or timezone.now()})


def check_worker() -> dict:
    limit = int(getattr(settings, "HEALTHZ_HEARTBEAT_MAX_AGE", 120))
    seen = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    if seen is None:
        return {"ok": False, "heartbeat_age_s": None, "max_age_s": limit, "error": "no worker heartbeat yet"}
    age = round(max(0.0, (timezone.now() - seen).total_seconds()), 1)
    return {"ok": age <= limit, "heartbeat_age_s": age, "max_age_s": limit}


def check_queue() -> dict:
    from dangjian.jobs import oldest_waiting

    limit = int(getattr(settings, "HEALTHZ_QUEUE_MAX_AGE", 900))
    age = oldest_waiting()
    age = None if age is None else round(age, 1)
    return {"ok": age is None or age <= limit, "oldest_waiting_s": age, "max_age_s": limit}


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker,
          "worker": check_worker, "queue": check_queue}


def health() -> tuple[bool, dict]:
    report = {}
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception as exc:  # a health check reports failures, it never raises
            report[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return all(part["ok"] for part in report.values()), report
