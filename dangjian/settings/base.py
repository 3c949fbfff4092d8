"""Settings shared by every environment.

Everything configurable is read from the environment exactly once, here, through
one ``env`` object.  ``local``, ``production`` and ``test`` only adjust what differs.
"""
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default=None)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Reverse proxies in front of the app whose X-Forwarded-For is believed (dangjian.portal.client_ip):
# 0 = none, the client address is REMOTE_ADDR and the header is ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "mptt",
    "dangjian",
    "organizations",
    "grids",
    "services",
    "assessments",
    "network",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's OTPMiddleware, trusting the verified session (no device query per page)
    "organizations.accounts.middleware.SessionOTPMiddleware",
    # admin and district roles (and staff) must pass the second factor before any page
    "organizations.accounts.middleware.SecondFactorMiddleware",
    # an account signed in with a one-time password (账号管理) must set its own first
    "organizations.accounts.middleware.ForcePasswordChangeMiddleware",
    # the burden meter: counts the values typed by hand in a successful write (dangjian.burden)
    "dangjian.burden.TypedValuesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "dangjian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dangjian.context_processors.portal",
                "portal.context_processors.menus",  # the menus, from the pages' own rules
            ],
        },
    },
]

# --- Database: DATABASE_URL, or a SQLite file under var/ -------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'dangjian.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    # Persistent connections, one per serving thread: bounded under gunicorn (workers × threads).
    # The development server starts a thread per browser connection that may idle for ever
    # (keep-alive): ``local`` closes them at the end of every request (CONN_MAX_AGE=0).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # a persistent connection the server dropped (restart, idle timeout) is replaced, not a 500
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiles large plans for 0.5–3 s each: a loss for a portal's short
        # queries (measured on the coverage page at province scale).  PG_JIT=1 turns it back on.
        if not env.bool("PG_JIT", default=False):
            DATABASES["default"].setdefault("OPTIONS", {})
            DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and broker: REDIS_URL, or local memory + kombu filesystem transport ----
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # short socket timeouts: an unreachable Redis costs a request a second, not the OS timeout
    # (the rate limiter then counts per process, dangjian.ratelimit)
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dangjian"}}
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),  # else kombu writes ./control in the working directory
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Derived tables a page fills when it finds them stale (idempotent evaluations of the records,
# like a cache): the benchmark's crawl does not count their writes as a GET's side effect.
READ_FILLED_TABLES = ("assessments_orgverdict",)
# The beat schedule lives in code; only real periodic jobs belong here.
CELERY_BEAT_SCHEDULE = {
    "check-trees-nightly": {
        "task": "organizations.tasks.check_trees",
        "schedule": crontab(hour=3, minute=17),
    },
    "purge-login-attempts-daily": {
        "task": "organizations.tasks.purge_login_attempts",
        "schedule": crontab(hour=4, minute=7),
    },
    # 一肩挑: the flags of communities where a post began today or ended yesterday (idempotent)
    "refresh-secretary-flags-daily": {
        "task": "organizations.tasks.refresh_secretary_flags",
        "schedule": crontab(hour=0, minute=23),
    },
    # 吹哨报到: overdue report-ins and resolutions escalate one level up (idempotent)
    "escalate-overdue-whistles": {
        "task": "services.tasks.escalate_overdue_whistles",
        "schedule": crontab(minute="*/10"),
    },
    # scoring of the periods (month, quarter, year) that have just completed (idempotent)
    "score-due-periods-daily": {
        "task": "assessments.tasks.score_due_periods",
        "schedule": crontab(hour=1, minute=30),
    },
    # organizations' compliance verdicts of the new day (activity filing updates its own at once)
    "refresh-org-verdicts-nightly": {
        "task": "assessments.tasks.refresh_org_verdicts",
        "schedule": crontab(hour=0, minute=20),
    },
    # checklist items bound to the records: every one of the year (records' saves refresh theirs at once)
    "refresh-checklists-nightly": {
        "task": "assessments.tasks.refresh_checklists_nightly",
        "schedule": crontab(hour=1, minute=5),
    },
    # dashboard rollups of the current periods (runs also refresh theirs when they finish)
    "refresh-rollups-nightly": {
        "task": "assessments.refresh_rollups",
        "schedule": crontab(hour=2, minute=45),
    },
    # the outbox: send again the jobs whose message was never sent or was lost (dangjian.jobs)
    "sweep-jobs": {
        "task": "dangjian.tasks.sweep_jobs",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # finished outbox rows older than JOBS_KEEP_DAYS go
    "purge-jobs-nightly": {
        "task": "dangjian.tasks.purge_jobs",
        "schedule": crontab(hour=4, minute=27),
    },
    # a worker's sign of life for /healthz
    "worker-heartbeat": {
        "task": "dangjian.tasks.worker_heartbeat",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
}
# The outbox (dangjian.jobs), seconds: a job still queued after the grace, sent but not started
# after the timeout, or running past its timeout is sent again, at most JOBS_MAX_ATTEMPTS times.
JOBS_QUEUED_GRACE = env.int("JOBS_QUEUED_GRACE", default=30)
JOBS_SENT_TIMEOUT = env.int("JOBS_SENT_TIMEOUT", default=15 * 60)
JOBS_RUNNING_TIMEOUT = env.int("JOBS_RUNNING_TIMEOUT", default=3 * 3600)
JOBS_MAX_ATTEMPTS = env.int("JOBS_MAX_ATTEMPTS", default=5)
JOBS_KEEP_DAYS = env.int("JOBS_KEEP_DAYS", default=30)  # finished jobs are purged nightly after this
# /healthz is not ok when the newest worker heartbeat or the oldest waiting job is older (s)
HEALTHZ_HEARTBEAT_MAX_AGE = env.int("HEALTHZ_HEARTBEAT_MAX_AGE", default=120)
HEALTHZ_QUEUE_MAX_AGE = env.int("HEALTHZ_QUEUE_MAX_AGE", default=15 * 60)

# --- Auth, sessions, lockout ---------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's, its message in Chinese
    {"NAME": "dangjian.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # one repeated character, a run of 4 equal characters, or fewer than 2 kinds of character
    {"NAME": "dangjian.passwords.CharacterVarietyValidator", "OPTIONS": {"min_classes": 2, "max_run": 4}},
]
LOGIN_URL = "login"
CSRF_FAILURE_VIEW = "dangjian.api.exceptions.csrf_failure"  # JSON under /api/, Django's page elsewhere
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Sessions expire after this many idle seconds (the cookie is renewed on every request).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LOGIN_MAX_FAILURES = env.int("LOGIN_MAX_FAILURES", default=5)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
# All addresses together: a higher ceiling per account with a short cool-down (a guesser with
# many addresses is slowed down; the owner is never locked out for long by a stranger).
LOGIN_ACCOUNT_MAX_FAILURES = env.int("LOGIN_ACCOUNT_MAX_FAILURES", default=50)
LOGIN_ACCOUNT_COOLDOWN_MINUTES = env.int("LOGIN_ACCOUNT_COOLDOWN_MINUTES", default=5)
# TOTP second factor (django-otp): the issuer shown in authenticator apps.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="城市基层党建平台")
# The admin lists and deletes devices (a lost phone) but never shows their keys or QR codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# API tokens expire this many days after they are made.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=30)

# --- E-mail: the password reset links (organizations.accounts.views.PasswordResetView) ----
# By default written as files under var/mail/ (nothing leaves the machine); local.py prints
# them on the console, production.py sends through SMTP (EMAIL_HOST…).  Tests use Django's
# in-memory outbox.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="城市基层党建平台 <noreply@localhost>")
EMAIL_SUBJECT_PREFIX = "[城市基层党建平台] "
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)  # seconds a link lives

# --- Personal data protection ---------------------------------------------------
# Keys for the encrypted personal-data fields: comma-separated Fernet keys, the first one
# encrypts, all of them decrypt (rotation).  The hash key makes the exact-match columns.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
FIELD_HASH_KEY = env("FIELD_HASH_KEY", default="")

# --- I18N ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Content-Security-Policy (django-csp) ------------------------------------------
# Only the portal's own files: no inline script, style or event handler anywhere (the
# templates' behaviour lives in static/js, sizes from data in data-width/data-height),
# no framing.  Images also as data: URIs (QR codes, ECharts' exports).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],  # /manifest.webmanifest (portal.webapp)
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Static and media ----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=40_000_000)  # decoded pixels, from the header
PHOTO_MAX_SIDE = env.int("PHOTO_MAX_SIDE", default=3000)              # stored photos' longest side
IMPORT_MAX_SHEET_ROWS = IMPORT_MAX_ROWS + 10_000      # blank rows included
IMPORT_PARSE_ISOLATED = True                          # parse each import in a child process
# Uploaded spreadsheets (dangjian.spreadsheets): zip-bomb caps, checked before any parsing,
# and the parsing child's limits.
SPREADSHEET_MAX_PARTS = 1000
SPREADSHEET_MAX_PART_BYTES = env.int("SPREADSHEET_MAX_PART_BYTES", default=128 * 1024 * 1024)
SPREADSHEET_MAX_TOTAL_BYTES = env.int("SPREADSHEET_MAX_TOTAL_BYTES", default=256 * 1024 * 1024)
SPREADSHEET_MAX_RATIO = env.int("SPREADSHEET_MAX_RATIO", default=100)
SPREADSHEET_RATIO_FLOOR_BYTES = 1024 * 1024
SPREADSHEET_CHILD_MEMORY_BYTES = env.int("SPREADSHEET_CHILD_MEMORY_BYTES", default=1024 * 1024 * 1024)
SPREADSHEET_CHILD_TIMEOUT = env.int("SPREADSHEET_CHILD_TIMEOUT", default=300)

# --- REST framework and OpenAPI -----------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API request answers 401 with ``WWW-Authenticate: Token``
        # (DRF takes that header from the first class; the session class has none, so 403).
        "organizations.accounts.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "dangjian.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "dangjian.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "dangjian.api.exceptions.exception_handler",
}
# --- The domain as the base sees it ----------------------------------------------------
# dangjian/ imports no domain app; its scoping and API bases find the grant and area models and
# the managing roles through these names (as Django finds AUTH_USER_MODEL).
SCOPE_GRANT_MODEL = "organizations.Grant"
SCOPE_AREA_MODEL = "organizations.Area"
SCOPE_MANAGE_ROLES = "organizations.grants.choices.MANAGE_ROLES"
# Facts about a user read with the grants in get_scope's one query (Scope.has_fact): which
# pages a user may open (dangjian.access) depends on them as on the roles.
SCOPE_USER_FACTS = {
    "member": ("organizations.Member", "user"),  # has a party-member record
    "responder": ("services.Responder", "user"),  # answers whistles for a department or unit
    "grid_worker": ("grids.GridTeamMember", "user"),  # sits on a grid's team
    "leader": ("organizations.LeaderLink", "leader"),  # a leader linked to a community (领导联系社区)
}

# --- Domain defaults a deployment may change (see the README) --------------------------
SANLV_WEIGHTING = env("SANLV_WEIGHTING", default="10-50-40")  # 三率: "10-50-40" (基本满意 0.9) or "30-35-35"
MEMBER_REPORT_VALID_MONTHS = env.int("MEMBER_REPORT_VALID_MONTHS", default=6)  # 在职党员 report again every …
SERVICE_HOURS_TARGET = env.int("SERVICE_HOURS_TARGET", default=50)  # service hours a year
APPRAISAL_EXCELLENT_MAX_SHARE = env("APPRAISAL_EXCELLENT_MAX_SHARE", default="1/3")  # 民主评议: 优秀 at most this share
# 组织关系转接 (organizations.transfers.rules): days the receiving branch has to answer, and the
# months an introduction letter (介绍信) is valid
TRANSFER_ANSWER_DAYS = env.int("TRANSFER_ANSWER_DAYS", default=30)
TRANSFER_LETTER_VALID_MONTHS = env.int("TRANSFER_LETTER_VALID_MONTHS", default=3)

# /api/schema/ and /api/docs/: public only where this is on (local.py turns it on for
# development); otherwise for signed-in staff users (dangjian.api.permissions.docs_allowed).
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=False)

SPECTACULAR_SETTINGS = {
    "TITLE": "城市基层党建平台 API (dangjian)",
    "DESCRIPTION": "Territory tree, party organizations, members and resident units. "
    "Every list is limited to the subtree the caller was granted.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # choice sets used under several field names (level / area_level, category / org_category)
    "ENUM_NAME_OVERRIDES": {
        "AreaLevelEnum": "organizations.areas.choices.AreaLevel",
        "JointCommitteeKindEnum": "network.committees.choices.CommitteeKind",
        "OrgCategoryEnum": "organizations.orgs.choices.OrgCategory",
        "DiaryCategoryEnum": "grids.diary.choices.DiaryCategory",
        "GrantRoleEnum": "organizations.grants.choices.Role",
        "ReportStatusEnum": "assessments.reports.choices.ReportStatus",
        "CentreLevelEnum": "network.centres.choices.CentreLevel",
        "DesignationKindEnum": "network.designations.choices.DesignationKind",
        "InstructorSourceEnum": "network.instructors.choices.InstructorSource",
        "InstructorVisitKindEnum": "network.instructors.choices.VisitKind",
        "TemporaryPurposeEnum": "organizations.temporary.choices.TemporaryPurpose",
    },
}

# --- Logging ---------------------------------------------------------------------------
# Every handler carries dangjian.logs.MaskPersonalData: phones and ID numbers are masked in
# every line, the development server's request lines (with their query strings) included.
# "django" and "django.server" are configured here, so Django's default handlers (which would
# bypass the filter) are replaced; the Celery worker's own handlers get it in dangjian.celery.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "dangjian.logs.MaskPersonalData"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_personal_data"]},
        "django.server": {
            "class": "logging.StreamHandler", "formatter": "django.server", "filters": ["mask_personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}

DEMO_PASSWORD = env("DEMO_PASSWORD", default="dangjian-demo")
