from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from organizations.accounts.models import LoginAttempt


def is_locked_out(username: str) -> bool:
    if not username:
        return False
    window_start = timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    last_success = (
        LoginAttempt.objects.filter(username=username, succeeded=True, at__gte=window_start)
        .order_by("-at").values_list("at", flat=True).first()
    )
    failures = LoginAttempt.objects.filter(username=username, succeeded=False, at__gte=last_success or window_start)
    return failures.count() >= settings.LOGIN_MAX_FAILURES
