"""Test settings: PostgreSQL and Redis, as deployed (DATABASE_URL, CELERY_BROKER_URL)."""

from .base import *  # noqa: F403
from .base import database, env

SECRET_KEY = "test-only-not-secret"
DATABASES = {"default": database("postgres://postgres@127.0.0.1:5432/reinvestment")}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "test-mail"))  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "test-media")  # noqa: F405
