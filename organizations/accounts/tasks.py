from datetime import timedelta

from celery import shared_task
from django.utils import timezone


@shared_task(name="organizations.tasks.purge_login_attempts")
def purge_login_attempts(days: int = 30) -> int:
    """Drop login attempts and lockout counters older than ``days`` (the counters only matter
    for minutes; the attempts are the login log)."""
    from organizations.accounts.models import LoginAttempt, LoginCounter

    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = LoginAttempt.objects.filter(at__lt=cutoff).delete()
    LoginCounter.objects.filter(last_at__lt=cutoff).delete()
    return deleted
