"""A real Celery worker for tests: ``live_worker`` (a pytest fixture, see the root conftest).

The worker runs in a thread of the test process, consumes the configured broker (Redis in
CI, ``REDIS_URL``) and talks to the test database over its own connection, so the test
must use ``transactional_db`` (the worker sees committed rows only).  Tasks are sent for
real (eager mode is switched off for the duration), to a queue named after the xdist
worker so that two test processes sharing one Redis never take each other's tasks.

Without ``REDIS_URL`` the fixture skips with the reason: the embedded filesystem broker
is for the development server, and the live-worker tests run in CI on Redis.

Fault tests that stop the broker use ``broker_at(own_redis.url)`` (the app publishes there,
failing fast while it is down) and ``worker_at(own_redis.url)`` (a worker thread consuming it)::

    with broker_at(own_redis.url):
        own_redis.stop()
        ...                               # enqueue: the row is kept, nothing is sent
        own_redis.start()
        with worker_at(own_redis.url):
            sweep()                       # the sweeper sends it, the worker runs it
"""
import contextlib
import os

import pytest
from django.conf import settings

SAVED_KEYS = ("task_always_eager", "task_eager_propagates", "task_default_queue", "task_ignore_result")


def _queue_name() -> str:
    return f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def _forget_connections(app) -> None:
    """Drop the app's references to its broker pools (they point at the old URL).  The pools
    themselves are kombu's, shared by URL: never closed here, or the next user of that URL
    (the configured Redis) would acquire from a closed pool."""
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def broker_at(url: str):
    """Publish for real (not eagerly) to the broker at ``url`` for the duration; a publish to
    a stopped broker fails within a second instead of retrying for ever."""
    from dangjian.celery import app

    keys = SAVED_KEYS + ("broker_url", "broker_transport_options", "broker_connection_timeout",
                         "broker_connection_retry_on_startup")
    saved = {key: app.conf.get(key) for key in keys}
    _forget_connections(app)
    app.conf.update(
        broker_url=url, broker_transport_options={"socket_connect_timeout": 0.5, "socket_timeout": 2},
        broker_connection_timeout=1, task_always_eager=False, task_eager_propagates=False,
        task_default_queue=_queue_name(),
    )
    try:
        yield app
    finally:
        _forget_connections(app)
        app.conf.update(saved)


@contextlib.contextmanager
def worker_at(url: str):
    """A worker thread (as ``live_worker``) consuming the broker at ``url``; use inside
    ``broker_at(url)`` with ``transactional_db``."""
    from celery.contrib.testing.worker import start_worker

    from dangjian.celery import app

    assert app.conf.broker_url == url, "worker_at(url) runs inside broker_at(url)"
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, queues=[_queue_name()],
                      shutdown_timeout=30) as worker:
        yield worker


@pytest.fixture
def live_worker(transactional_db):
    if not getattr(settings, "REDIS_URL", ""):
        pytest.skip("needs Redis: set REDIS_URL (a live Celery worker test; runs in CI on PostgreSQL + Redis)")
    from celery.contrib.testing.worker import start_worker

    from dangjian.celery import app

    queue = _queue_name()
    saved = {key: app.conf.get(key) for key in SAVED_KEYS}
    app.conf.update(task_always_eager=False, task_eager_propagates=False, task_default_queue=queue)
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, queues=[queue],
                          shutdown_timeout=30) as worker:
            yield worker
    finally:
        app.conf.update(saved)
