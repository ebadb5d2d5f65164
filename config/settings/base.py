"""Settings shared by every environment, read from the environment.

See https://docs.djangoproject.com/en/5.2/ref/settings/ and
https://django-environ.readthedocs.io/ for the variables.
"""

from pathlib import Path
from typing import Any

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "web.admin_site.SiteAdminConfig",  # django.contrib.admin, with web.admin_site.AdminSite
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "djmoney",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "csp",
    "organizations",
    "audit",
    "notifications",
    "wellness_fund",
    "reinvestment",
    "community",
    "grants",
    "reporting",
    "api",
    "web",
    "operations",
]

MIDDLEWARE = [
    "operations.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Content-Security-Policy on every response (django-csp 4 format). Scripts and styles come from
# this site only; the few inline <script>/<style> blocks carry ``nonce="{{ request.csp_nonce }}"``
# (a fresh nonce per response, added to the header only when a page uses it). No 'unsafe-inline'.
# https://django-csp.readthedocs.io/en/latest/configuration.html
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
def database(default: str) -> dict[str, Any]:
    """The database of ``DATABASE_URL`` (``default`` when unset), with this application's
    connection settings; every settings module builds its database here."""
    db: dict[str, Any] = env.db("DATABASE_URL", default=default)
    db["ATOMIC_REQUESTS"] = False
    if "postgresql" in db["ENGINE"]:
        # Short queries over indexed rows: PostgreSQL's JIT compilation costs more (40-200 ms on
        # the report's credit query) than it saves, so it is off for this application's
        # connections. The report sorts its 20,000 credit rows in memory (the default 4 MB
        # spills them to disk).
        db.setdefault("OPTIONS", {})["options"] = "-c jit=off -c work_mem=16MB"
    return db


DATABASES = {"default": database(f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organizations.User"
# Django's model backend, reading with the user whether the header links the audit trail.
AUTHENTICATION_BACKENDS = ["web.auth.PageBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login lockout (organizations/lockout.py): failures before lock, lock length in minutes.
LOGIN_LOCKOUT_THRESHOLD = env.int("LOGIN_LOCKOUT_THRESHOLD", default=5)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
# ... and per client address: failures within the window (minutes) before the address is refused
# until the window ends; the address is REMOTE_ADDR unless LOGIN_CLIENT_ADDRESS_HEADER names the
# header the proxy in front sets (e.g. X-Forwarded-For; its last address is used).
LOGIN_ADDRESS_THRESHOLD = env.int("LOGIN_ADDRESS_THRESHOLD", default=20)
LOGIN_ADDRESS_WINDOW_MINUTES = env.int("LOGIN_ADDRESS_WINDOW_MINUTES", default=15)
# Attesting a compliance report asks for the password again when the sign-in is older (minutes).
REAUTHENTICATE_AFTER_MINUTES = env.int("REAUTHENTICATE_AFTER_MINUTES", default=15)
LOGIN_CLIENT_ADDRESS_HEADER = env("LOGIN_CLIENT_ADDRESS_HEADER", default="")

# Dates of money that moved (payments, receipts, disbursements, investments, award periods) must lie
# between 1 January of PLAUSIBLE_DATE_MIN_YEAR and 31 December of this year + PLAUSIBLE_DATE_MAX_YEARS_AHEAD
# (organizations/dates.py).
PLAUSIBLE_DATE_MIN_YEAR = env.int("PLAUSIBLE_DATE_MIN_YEAR", default=1990)
PLAUSIBLE_DATE_MAX_YEARS_AHEAD = env.int("PLAUSIBLE_DATE_MAX_YEARS_AHEAD", default=5)

# Sessions expire after 8 hours (seconds) and when the browser closes.
# https://docs.djangoproject.com/en/5.2/topics/http/sessions/#browser-length-sessions-vs-persistent-sessions
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Los_Angeles"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Stored files are never served from MEDIA_URL: only views that check permission send them
# (web/files.py). MEDIA_ACCEL_REDIRECT: an internal nginx location aliased to MEDIA_ROOT (e.g.
# /protected-media/) to let the proxy send the bytes (X-Accel-Redirect); empty: Django sends them.
MEDIA_ACCEL_REDIRECT = env("MEDIA_ACCEL_REDIRECT", default="")
# Largest audited financial statement accepted (bytes).
STATEMENT_MAX_BYTES = env.int("STATEMENT_MAX_BYTES", default=10 * 1024 * 1024)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@reinvestment.example")

# Money: https://django-money.readthedocs.io/en/latest/
CURRENCIES = ("USD",)
DEFAULT_CURRENCY = "USD"

# Celery: https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=10 * 60)  # seconds
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=9 * 60)  # seconds
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task whose worker died before acknowledging it (report tasks acknowledge late) is delivered
# again after this many seconds (Redis; its own default is an hour). Keep it above the longest task
# time limit (reports: 16 minutes) and the longest retry countdown (5 minutes).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=20 * 60)}
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Grantee report reminders and the fund administrators' weekly digest: each run queues
    # only what is due today under unique keys, so running hourly sends each once.
    "grants-report-reminders": {"task": "grants.send_report_reminders", "schedule": 60 * 60},  # seconds
    "grants-fund-admin-digest": {"task": "grants.send_fund_admin_digest", "schedule": 60 * 60},  # seconds
    # Report runs whose sending failed while the broker was down are sent again (reporting/tasks.py).
    "reporting-requeue-waiting": {"task": "reporting.requeue_waiting", "schedule": 60},  # seconds
    # Filed reports whose data changed since filing are flagged to the plan and the regulator.
    "reporting-check-filed-data": {"task": "reporting.check_filed_data", "schedule": 60 * 60},  # seconds
    # The worker heartbeat /readyz reads (operations/health.py).
    "operations-heartbeat": {"task": "operations.heartbeat", "schedule": 20},  # seconds
}
#: A report run still queued this long (seconds) after its request is sent to the workers again.
REPORT_REQUEUE_AFTER = env.int("REPORT_REQUEUE_AFTER", default=120)
#: /readyz wants a worker heartbeat at most this old (seconds).
WORKER_HEARTBEAT_MAX_AGE = env.int("WORKER_HEARTBEAT_MAX_AGE", default=60)

#: Demo data loaders, run in order by ``manage.py load_demo``; each is idempotent.
DEMO_LOADERS = [
    "organizations.demo.load",
    "reinvestment.demo.load",
    "wellness_fund.demo.load",
    "community.demo.load",
    "grants.demo.load",
    "grants.demo_priorities.load",
    "reporting.demo.load",
]

# REST API: https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK: dict[str, object] = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["api.filters.QueryParamFilter", "api.filters.StrictOrderingFilter"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiRateThrottle"],
    # Requests per token / per signed-in browser user / per address without credentials.
    "DEFAULT_THROTTLE_RATES": {
        "api_token": env("API_RATE_TOKEN", default="600/minute"),
        "api_user": env("API_RATE_USER", default="600/minute"),
        "api_anon": env("API_RATE_ANON", default="60/minute"),
    },
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}
# API tokens (api/services.py): default and longest lifetime, in days.
API_TOKEN_DEFAULT_DAYS = env.int("API_TOKEN_DEFAULT_DAYS", default=90)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=366)
# Largest API request body, in bytes (api/parsers.py); Django's own form limit stays as is.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1024 * 1024)
# How long a stored idempotent response is replayed, in hours (api/idempotency.py).
API_IDEMPOTENCY_TTL_HOURS = env.int("API_IDEMPOTENCY_TTL_HOURS", default=24)
# OpenAPI schema: https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS: dict[str, object] = {
    "TITLE": "Community Reinvestment API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "Plan finance systems, ACH and CBO tools. Authenticate with a personal API token "
        "(Authorization: Bearer ...). Money is {\"amount\": \"1234.56\", \"currency\": \"USD\"} "
        "with the amount a string. Errors: {\"error\": {\"code\", \"message\", \"fields\"}}."
    ),
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api",
    "ENUM_NAME_OVERRIDES": {
        "FinancialYearStatusEnum": "reinvestment.models.FinancialYearStatus",
        "ObligationStatusEnum": "reinvestment.models.ObligationStatus",
        "ObligationProgressEnum": "api.reinvestment.PROGRESS",
        "ReportKindEnum": "reporting.models.ReportKind",
        "DomainEnum": "reinvestment.models.SocialDriverDomain",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.postprocess",
    ],
}


def logging_config(log_format: str) -> dict[str, object]:
    """Every log line carries the request id (operations/requestid.py); ``json`` writes one
    JSON object a line (the production default), ``text`` plain lines."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "operations.requestid.RequestIdFilter"}},
        "formatters": {
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {"()": "operations.requestid.JsonFormatter"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": log_format}
        },
        "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    }


LOGGING = logging_config(env("LOG_FORMAT", default="text"))
