"""``Authorization: Token <key>`` against ``ApiToken``: the key's SHA-256 is looked up (one
query, with the user); an unknown, revoked or expired token, a token made before the owner's
password changed, or an inactive owner is 401 with a Chinese ``detail``."""
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication

from dangjian.api.authentication import CredentialsRefused
from organizations.accounts.actions import hash_key, token_revoke
from organizations.accounts.choices import RevokeReason
from organizations.accounts.models import ApiToken

# last_used_at is written at most this often per token (not one UPDATE per request)
TOUCH_EVERY = timedelta(minutes=1)


class ExpiringTokenAuthentication(TokenAuthentication):
    keyword = "Token"
    model = ApiToken

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
        if token is None:
            raise CredentialsRefused(_("令牌无效。"))
        if token.revoked_at is not None:
            raise CredentialsRefused(_("令牌已撤销（%(why)s），请重新获取。") % {
                "why": token.get_revoked_reason_display() or _("已撤销")})
        now = timezone.now()
        if token.expires_at <= now:
            raise CredentialsRefused(_("令牌已过期，请重新获取。"))
        user = token.user
        if not user.is_active:
            token_revoke(token, RevokeReason.DEACTIVATED)
            raise CredentialsRefused(_("该账户已停用。"))
        if token.auth_hash != user.get_session_auth_hash():
            token_revoke(token, RevokeReason.PASSWORD)
            raise CredentialsRefused(_("密码已更改，令牌已失效，请重新获取。"))
        if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return user, token
