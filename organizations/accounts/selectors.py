"""Reads of the accounts feature: who needs a second factor, a user's tokens."""
from django.db.models import F
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations.accounts.models import ApiToken
from organizations.grants.choices import SECOND_FACTOR_ROLES
from organizations.grants.models import Grant


def needs_second_factor(user) -> bool:
    """Superusers, staff (the Django admin) and holders of an active administrator or
    district grant must sign in with a one-time code as well (one query)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return Grant.objects.filter(user=user, is_active=True, role__in=SECOND_FACTOR_ROLES).exists()


def confirmed_device(user):
    """The user's confirmed TOTP device, or ``None``."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def tokens_of(user):
    """The user's tokens, live ones first, newest first."""
    return ApiToken.objects.filter(user=user).order_by(F("revoked_at").desc(nulls_first=True), "-created_at")
