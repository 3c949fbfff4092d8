"""Existing DRF tokens (plain keys, no expiry) become ``ApiToken`` rows: the key's SHA-256,
an expiry ``API_TOKEN_DAYS`` from now, bound to the owner's current password.  Tokens of
accounts that now need a second factor (superusers, staff, administrator and district
grants) are not carried over: they make new ones from a verified session.  The old rows are
deleted, so no plain key stays in the database."""
import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.crypto import salted_hmac

SESSION_HASH_SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"


def forwards(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("organizations", "ApiToken")
    Grant = apps.get_model("organizations", "Grant")
    second_factor = set(
        Grant.objects.filter(is_active=True, role__in=["admin", "district"]).values_list("user_id", flat=True)
    )
    expires = timezone.now() + timedelta(days=getattr(settings, "API_TOKEN_DAYS", 30))
    rows = []
    for token in Token.objects.select_related("user"):
        user = token.user
        if user.is_superuser or user.is_staff or user.pk in second_factor or not user.is_active:
            continue
        rows.append(ApiToken(
            user=user, name="迁移的令牌", key_hash=hashlib.sha256(token.key.encode()).hexdigest(), prefix=token.key[:8],
            auth_hash=salted_hmac(SESSION_HASH_SALT, user.password, algorithm="sha256").hexdigest(),
            created_at=token.created, expires_at=expires,
        ))
    ApiToken.objects.bulk_create(rows)
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0007_accounts_tokens_lockout"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
