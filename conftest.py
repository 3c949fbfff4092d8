import os

import pytest

# Playwright drives Chromium from an event loop in the test thread; Django's ORM calls in
# fixtures are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from dangjian.testing.browser import browser  # noqa: E402,F401  (fixture for every app's tests)
from dangjian.testing.celery import live_worker  # noqa: E402,F401  (fixture for every app's tests)
from dangjian.testing.faults import own_redis  # noqa: E402,F401  (fixture for fault tests)


@pytest.fixture(autouse=True)
def _second_factor_on_force_login(monkeypatch):
    """``client.force_login`` (and ``dangjian.testing.clients.logged_in``) skip the login form,
    so for a user who must pass a second factor they also verify the session the way
    django-otp does after a right code (``organizations.accounts.testing.verify_session``: a
    confirmed TOTP device whose id is stored in the session).  The requirement itself stays
    on: tests that sign in through the login form meet the verification step
    (organizations/accounts/tests/test_otp.py)."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from organizations.accounts.testing import verify_session

        verify_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def city(db):
    from organizations.tests.factories import build_city

    return build_city()


@pytest.fixture(autouse=True)
def _restore_migration_rows(request):
    """Transactional tests (browser, races) end by flushing every table, the rows that data
    migrations load included.  Before each database test, put the default organizational-
    life rules, request categories, rubrics, dues brackets, deliberation rules and term rules
    back if a flush took them (one cheap query
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
    from organizations.dues.models import DuesBracket, DuesRuleSet

    if not DuesRuleSet.objects.exists():  # the default dues brackets (organizations.dues)
        from organizations.dues.default_rules import load as load_dues_rules

        load_dues_rules(DuesRuleSet, DuesBracket)
    from services.deliberation.models import MeetingRule

    if not MeetingRule.objects.exists():  # the default decision rules of 居民议事 (services.deliberation)
        from services.deliberation.defaults import load_meeting_rules

        load_meeting_rules(MeetingRule)
    from organizations.roles.models import TermRule

    if not TermRule.objects.exists():  # the default term lengths (organizations.roles)
        from importlib import import_module

        from django.apps import apps

        import_module("organizations.migrations.0020_roles").add_term_rules(apps, None)


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


@pytest.fixture
def admin_client(client, db):
    """A signed-in superuser ``root`` (pytest-django's fixture of that name, made with the
    project's user factory; ``client.user`` is the user)."""
    from organizations.tests.factories import UserFactory

    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    client.user = user
    return client
