from datetime import timedelta

from celery import shared_task
from django.utils import timezone


@shared_task(name="organizations.tasks.purge_login_attempts")
def purge_login_attempts(days: int = 30) -> int:
    """Drop login attempts older than ``days`` (they only matter for the lockout window)."""
    from organizations.accounts.models import LoginAttempt

    deleted, _ = LoginAttempt.objects.filter(at__lt=timezone.now() - timedelta(days=days)).delete()
    return deleted
