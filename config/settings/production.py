"""Production settings: everything sensitive comes from the environment.

Required: DJANGO_SECRET_KEY, DATABASE_URL, DJANGO_ALLOWED_HOSTS, CELERY_BROKER_URL.
A missing one stops start-up with ``ImproperlyConfigured`` naming it.
See https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import database, env

REQUIRED = ("DJANGO_SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOWED_HOSTS", "CELERY_BROKER_URL")
_missing = [name for name in REQUIRED if not env.str(name, default="")]
if _missing:
    raise ImproperlyConfigured(
        "Missing required environment variable(s): " + ", ".join(_missing)
    )

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
DATABASES = {"default": database("")}  # DATABASE_URL is required above
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = False
# Shared cache (API rate limits count across gunicorn workers):
# https://docs.djangoproject.com/en/5.2/topics/cache/#redis
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_URL", default=CELERY_BROKER_URL),
    }
}
# Sessions are read from the shared cache and written through to the database: a signed-in
# page no longer spends a query on its session (the database copy survives a cache restart).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CELERY_TASK_ACKS_LATE = True
# One JSON object a log line (LOG_FORMAT=text for plain lines).
LOGGING = logging_config(env("LOG_FORMAT", default="json"))  # noqa: F405

# https://docs.djangoproject.com/en/5.2/ref/settings/#secure-proxy-ssl-header
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
