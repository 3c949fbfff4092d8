from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.accounts.choices import RevokeReason


class LoginAttempt(models.Model):
    username = models.CharField(_("用户名"), max_length=150)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    succeeded = models.BooleanField(_("成功"), default=False)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("登录记录")
        verbose_name_plural = _("登录记录")
        indexes = [models.Index(fields=["username", "at"], name="login_username_at")]

    def __str__(self):
        return f"{self.username} {'✓' if self.succeeded else '✗'} {self.at:%Y-%m-%d %H:%M}"


class LoginCounter(models.Model):
    """Failed (and in-flight) password checks of one key — ``pair:<user>|<address>`` or
    ``account:<user>`` — since the last quiet spell.  Reserved by one conditional UPDATE
    (``organizations.accounts.actions.reserve_login``) before the password is checked."""

    key = models.CharField(_("键"), max_length=255, unique=True)
    attempts = models.PositiveIntegerField(_("次数"), default=0)
    last_at = models.DateTimeField(_("最近一次"), default=timezone.now)

    class Meta:
        verbose_name = _("登录失败计数")
        verbose_name_plural = _("登录失败计数")

    def __str__(self):
        return f"{self.key} {self.attempts}"


class ApiTokenQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """An API token (``Authorization: Token <key>``).  Only the SHA-256 of the key is stored;
    the key is shown once, when the token is made.  A token dies when it expires, when it is
    revoked (by its owner, an administrator, a logout, a password change, a deactivation), or
    when its owner's password no longer matches ``auth_hash``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("用户"))
    name = models.CharField(_("名称"), max_length=100)
    key_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    prefix = models.CharField(_("令牌前缀"), max_length=8)
    auth_hash = models.CharField(_("密码指纹"), max_length=128)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("撤销原因"), max_length=16, blank=True, choices=RevokeReason.choices)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        indexes = [models.Index(fields=["user", "revoked_at"], name="apitoken_user_revoked")]

    def __str__(self):
        return f"{self.user} · {self.name} · {self.prefix}…"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and not self.is_expired


class AccountState(models.Model):
    """What the portal keeps about an account beyond Django's user: whether its password is
    a one-time password (set when the account was created or its password reset in 账号管理)
    that must be changed at the next sign-in (``ForcePasswordChangeMiddleware``), and who
    created it there."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="account_state", verbose_name=_("用户"))
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("创建人"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("账号状态")
        verbose_name_plural = _("账号状态")

    def __str__(self):
        return f"{self.user_id} {'须改密' if self.must_change_password else ''}"
