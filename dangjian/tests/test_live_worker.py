"""The live-worker fixture itself: a task sent with ``delay`` travels through the real
broker and is run by the worker thread against the test database."""
from datetime import timedelta

from django.utils import timezone

from dangjian.testing import wait_until
from organizations.accounts.models import LoginAttempt
from organizations.accounts.tasks import purge_login_attempts


def test_task_sent_through_broker_runs_in_live_worker(live_worker):
    old = LoginAttempt.objects.create(username="someone", succeeded=False)
    LoginAttempt.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=40))
    fresh = LoginAttempt.objects.create(username="someone", succeeded=False)

    result = purge_login_attempts.delay(30)

    assert result.id  # sent, not run eagerly
    assert wait_until(lambda: not LoginAttempt.objects.filter(pk=old.pk).exists())
    assert LoginAttempt.objects.filter(pk=fresh.pk).exists()
