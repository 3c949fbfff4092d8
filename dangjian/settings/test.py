"""Test settings: fast hashing, eager Celery that propagates errors, fixed throwaway keys."""
import os

from dangjian.settings.base import *  # noqa: F403

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

# With -n 2 and Redis, each xdist worker gets its own Redis database for the cache, so one
# process clearing the cache between tests (rate-limit counters) never empties the other's.
_xdist = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _xdist.startswith("gw") and _xdist[2:].isdigit():  # noqa: F405
    from urllib.parse import urlsplit, urlunsplit

    _parts = urlsplit(REDIS_URL)  # noqa: F405
    _base = int(_parts.path.strip("/") or 0)
    _n = int(_xdist[2:])
    _db = _base - _n if _base - _n >= 0 else _base + _n
    CACHES = {  # noqa: F405
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": urlunsplit(_parts._replace(path=f"/{_db}")),
        }
    }
