"""A real Celery worker for tests: ``live_worker`` (a pytest fixture, see the root conftest).

The worker runs in a thread of the test process, consumes the configured broker (Redis in
CI, ``REDIS_URL``) and talks to the test database over its own connection, so the test
must use ``transactional_db`` (the worker sees committed rows only).  Tasks are sent for
real (eager mode is switched off for the duration), to a queue named after the xdist
worker so that two test processes sharing one Redis never take each other's tasks.

Without ``REDIS_URL`` the fixture skips with the reason: the embedded filesystem broker
is for the development server, and the live-worker tests run in CI on Redis.
"""
import os

import pytest
from django.conf import settings


@pytest.fixture
def live_worker(transactional_db):
    if not getattr(settings, "REDIS_URL", ""):
        pytest.skip("needs Redis: set REDIS_URL (a live Celery worker test; runs in CI on PostgreSQL + Redis)")
    from celery.contrib.testing.worker import start_worker

    from dangjian.celery import app

    queue = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    saved = {
        key: app.conf.get(key)
        for key in ("task_always_eager", "task_eager_propagates", "task_default_queue", "task_ignore_result")
    }
    app.conf.update(task_always_eager=False, task_eager_propagates=False, task_default_queue=queue)
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, queues=[queue],
                          shutdown_timeout=30) as worker:
            yield worker
    finally:
        app.conf.update(saved)
