"""Test settings: fast hashing, eager Celery that propagates errors, fixed throwaway keys."""
from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-a-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Fernet key made for the test suite only; it protects no real data.
FIELD_ENCRYPTION_KEYS = ["dGVzdC1vbmx5LWtleS0wMDAwMDAwMDAwMDAwMDAwMDA="]
FIELD_HASH_KEY = "test-only-hash-key"  # noqa: S105
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
