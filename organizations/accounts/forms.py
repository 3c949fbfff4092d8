"""Login with lockout after repeated failures.

Failures are counted per user name inside a window; after ``LOGIN_MAX_FAILURES`` the
account is refused for ``LOGIN_LOCKOUT_MINUTES`` even with the right password.  The same
check guards the API token endpoint.
"""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from organizations.accounts.actions import note_attempt
from organizations.accounts.selectors import is_locked_out


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
