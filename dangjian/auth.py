"""Login with lockout after repeated failures.

Failures are counted per user name inside a window; after ``LOGIN_MAX_FAILURES`` the
account is refused for ``LOGIN_LOCKOUT_MINUTES`` even with the right password.  The same
check guards the API token endpoint.
"""
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import LoginAttempt


def client_ip(request):
    return request.META.get("REMOTE_ADDR") if request is not None else None


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


def note_attempt(username: str, request, succeeded: bool) -> None:
    LoginAttempt.objects.create(username=username[:150], ip=client_ip(request), succeeded=succeeded)


class LockoutAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。"),
        "locked_out": _("登录失败次数过多，账户已临时锁定，请 %(minutes)d 分钟后再试。"),
        "inactive": _("该账户已停用。"),
    }

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        if is_locked_out(username):
            raise forms.ValidationError(
                self.error_messages["locked_out"],
                code="locked_out",
                params={"minutes": settings.LOGIN_LOCKOUT_MINUTES},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            note_attempt(username, self.request, succeeded=False)
            raise
        note_attempt(username, self.request, succeeded=True)
        return cleaned
