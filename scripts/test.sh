#!/usr/bin/env bash
# The whole check: lint, migrations in sync, and every test on PostgreSQL + Redis.
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$(dirname "$0")/services.sh"
export DJANGO_SETTINGS_MODULE=config.settings.test
bash "$(dirname "$0")/system_packages.sh"
echo "==> ruff"
ruff check .
echo "==> mypy (types)"
mypy .
echo "==> migrations are in sync with the models"
python manage.py makemigrations --check --dry-run
echo "==> pytest (PostgreSQL)"
python -m pytest "$@"
