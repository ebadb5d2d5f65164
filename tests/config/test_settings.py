"""Production settings: check --deploy passes; a missing variable stops start-up by name."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x" * 20 + "-production-grade-secret-key-with-enough-entropy-1234567890",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/reinvestment",
    "DJANGO_ALLOWED_HOSTS": "reinvestment.example.org",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # Only what production would have: no test-only switches such as DJANGO_ALLOW_ASYNC_UNSAFE.
    clean = {
        k: v for k, v in os.environ.items() if k not in PROD_ENV and not k.startswith("DJANGO_")
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean | env,
        capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = _manage(PROD_ENV, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DATABASE_URL"])
def test_missing_required_variable_stops_start_up_naming_it(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = _manage(env, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr
