#!/usr/bin/env bash
# Run the application locally: embedded SQLite, Celery tasks in-process, demo data.
set -euo pipefail
source "$(dirname "$0")/env.sh"
export DJANGO_SETTINGS_MODULE=config.settings.local
python manage.py migrate --noinput
python manage.py load_demo
echo
PORT="${PORT:-8000}"
echo "==> open http://127.0.0.1:${PORT}/ and sign in with one of the logins above"
exec python manage.py runserver "127.0.0.1:${PORT}"
