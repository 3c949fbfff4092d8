"""Login with an atomic lockout (see ``organizations.accounts.actions``), and the forms of the
token and second-factor pages.

Before the password is checked an attempt is reserved for the account at the client's
address; after ``LOGIN_MAX_FAILURES`` that address is refused for ``LOGIN_LOCKOUT_MINUTES``
even with the right password, other addresses are not.  The same check guards the API token
endpoint.
"""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from dangjian.forms import BootstrapMixin
from organizations.accounts.actions import login_succeeded, note_attempt, reserve_login

LOCKED_OUT = _("登录失败次数过多，账户已临时锁定，请 %(minutes)d 分钟后再试。")


class LockoutAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。"),
        "locked_out": LOCKED_OUT,
        "inactive": _("该账户已停用。"),
    }

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        if not username or not self.cleaned_data.get("password"):
            return super().clean()
        reservation = reserve_login(username, self.request)
        if not reservation.allowed:
            raise forms.ValidationError(
                self.error_messages["locked_out"], code="locked_out", params={"minutes": reservation.minutes},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            note_attempt(username, self.request, succeeded=False)
            raise
        login_succeeded(reservation)
        note_attempt(username, self.request, succeeded=True)
        return cleaned


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("令牌名称"), max_length=100, help_text=_("用途，例如“数据同步脚本”。"))


class OtpForm(forms.Form):
    otp_token = forms.CharField(
        label=_("动态验证码"), max_length=8, min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=_("身份验证器应用中显示的 6 位数字。"),
    )

    def clean_otp_token(self):
        return "".join(self.cleaned_data["otp_token"].split())


# ------------------------------------------------------------------- password pages
# Django's own forms (the policy runs in them: ``AUTH_PASSWORD_VALIDATORS``, help under the
# new password), in the portal's Bootstrap rendering with ``is-invalid`` on fields in error.
class PortalPasswordChangeForm(BootstrapMixin, PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("原密码不正确，请重新输入。"),
        "password_mismatch": _("两次输入的新密码不一致。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("原密码")
        self._init_widgets()


class PortalSetPasswordForm(BootstrapMixin, SetPasswordForm):
    error_messages = {**SetPasswordForm.error_messages, "password_mismatch": _("两次输入的新密码不一致。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_widgets()


class PortalPasswordResetForm(BootstrapMixin, PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("账户绑定的电子邮箱")
        self.fields["email"].help_text = _("我们会向该邮箱发送重置密码的链接；没有绑定邮箱的账户请联系系统管理员重置。")
        self._init_widgets()
