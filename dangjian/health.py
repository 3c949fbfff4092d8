"""State of the components the portal depends on, for /healthz."""
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection


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


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


def health() -> tuple[bool, dict]:
    report = {}
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception as exc:  # a health check reports failures, it never raises
            report[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return all(part["ok"] for part in report.values()), report
