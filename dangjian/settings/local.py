"""Development settings: `make run`.  Debug on, throwaway keys generated under var/."""
from dangjian.devkeys import local_secret
from dangjian.settings.base import *  # noqa: F403
from dangjian.settings.base import DATABASES, FIELD_ENCRYPTION_KEYS, FIELD_HASH_KEY, VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default=None) or local_secret(VAR_DIR, "secret_key")
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [local_secret(VAR_DIR, "field_key", fernet=True)]
FIELD_HASH_KEY = FIELD_HASH_KEY or local_secret(VAR_DIR, "hash_key")

# The development server serves each browser connection in a thread of its own, which lives as
# long as the browser keeps the connection open: a persistent database connection per thread
# piles up (14 idle after 60 requests).  Close it at the end of every request instead.
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=True)  # the API docs open while developing
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")  # reset links on the console
