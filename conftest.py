import os

import pytest

# Playwright drives Chromium from an event loop in the test thread; Django's ORM calls in
# fixtures are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from dangjian.testing.browser import browser  # noqa: E402,F401  (fixture for every app's tests)
from dangjian.testing.celery import live_worker  # noqa: E402,F401  (fixture for every app's tests)
from dangjian.testing.faults import own_redis  # noqa: E402,F401  (fixture for fault tests)


@pytest.fixture
def city(db):
    from organizations.tests.factories import build_city

    return build_city()


@pytest.fixture(autouse=True)
def _restore_migration_rows(request):
    """Transactional tests (browser, races) end by flushing every table, the rows that data
    migrations load included.  Before each database test, put the default organizational-
    life rules, request categories and rubrics back if a flush took them (one cheap query
    each otherwise)."""
    names = set(request.fixturenames)
    if request.node.get_closest_marker("django_db") is None:
        if not names & {"db", "transactional_db", "live_server"}:
            return  # no database in this test
        request.getfixturevalue("transactional_db" if names & {"transactional_db", "live_server"} else "db")
    from assessments.life.models import ActivityRule

    if not ActivityRule.objects.exists():
        from importlib import import_module

        from django.apps import apps

        import_module("assessments.migrations.0002_default_rules").load(apps, None)
    from services.requests.models import RequestCategory

    if not RequestCategory.objects.exists():
        from services.requests.defaults import load_request_categories

        load_request_categories(RequestCategory)
    from assessments.scoring.rubrics import ensure_default_rubrics

    ensure_default_rubrics()


@pytest.fixture(autouse=True)
def _clean_rate_limits():
    """Rate-limit counters must not leak from one test into the next: the cache's, and the
    per-process ones a fault test leaves while its Redis is down."""
    from django.core.cache import cache

    from dangjian import ratelimit

    cache.clear()
    ratelimit.reset_local()
    yield
    ratelimit.reset_local()
    try:
        cache.clear()
    except Exception:  # a fault test's own Redis may already be gone
        pass
