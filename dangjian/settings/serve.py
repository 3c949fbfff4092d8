"""`make serve`: the production shape on this machine — gunicorn, Celery, PostgreSQL, Redis.

Debug off, static files collected and served by whitenoise from their hashed names, persistent
database connections (``CONN_MAX_AGE``, base.py), but no real secrets needed: the keys are the
throwaway development keys under var/ (``local`` uses the same ones, so a database seeded by
either is readable by both) and plain HTTP on loopback (no TLS redirect, no secure-only
cookies).  Never for a deployment: that is ``production``, which refuses to start without its
secrets and passes ``check --deploy``.

``SERVE_LOAD=1`` (set by ``make load``, or ``make serve LOAD=1``) is the load-test mode: the
residents' submission and rating limits are lifted — every simulated resident comes from
127.0.0.1, where the real limits (5 submissions an hour per address) would refuse all but the
first few — and ``manage.py load_prepare`` may give the demo accounts a TOTP device.  Nothing
else changes: the login lockout, the CSRF checks and the second factor stay as they are.
"""
from django.core.exceptions import ImproperlyConfigured

from dangjian.devkeys import local_secret
from dangjian.settings.base import *  # noqa: F403
from dangjian.settings.base import CACHES, DATABASES, FIELD_ENCRYPTION_KEYS, FIELD_HASH_KEY, VAR_DIR, env

DEBUG = False
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" or CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    raise ImproperlyConfigured(
        "dangjian.settings.serve runs on PostgreSQL and Redis: set DATABASE_URL=postgres://… and REDIS_URL=redis://… "
        "(make serve sets both to the local services).")
SECRET_KEY = env("SECRET_KEY", default=None) or local_secret(VAR_DIR, "secret_key")
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [local_secret(VAR_DIR, "field_key", fernet=True)]
FIELD_HASH_KEY = FIELD_HASH_KEY or local_secret(VAR_DIR, "hash_key")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "serve" / "celerybeat-schedule")

LOAD_TEST = env.bool("SERVE_LOAD", default=False)
if LOAD_TEST:
    _NO_LIMIT = (10**9, 3600)
    WISH_SUBMIT_IP_LIMIT = WISH_SUBMIT_PHONE_LIMIT = WISH_RATE_CODE_LIMIT = WISH_RATE_IP_LIMIT = _NO_LIMIT
    REQUEST_SUBMIT_IP_LIMIT = REQUEST_SUBMIT_PHONE_LIMIT = REQUEST_RATE_CODE_LIMIT = REQUEST_RATE_IP_LIMIT = _NO_LIMIT
