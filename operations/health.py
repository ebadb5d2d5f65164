"""Health checks for load balancers and orchestrators; JSON bodies, no secrets.

* ``/healthz``: the process answers (no database, no broker): liveness;
* ``/readyz``: the database answers a query, the broker answers a ping, and a Celery worker
  has beaten within ``settings.WORKER_HEARTBEAT_MAX_AGE`` seconds: readiness. 200 when all
  three hold, 503 naming the failing check otherwise.

The worker heartbeat is a timestamp a worker writes to the broker's Redis when it starts and
every ``settings.WORKER_HEARTBEAT_INTERVAL`` seconds (the beat schedules ``operations.heartbeat``).
"""

from __future__ import annotations

import time
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

HEARTBEAT_KEY = "reinvestment:worker-heartbeat"


def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=2)


def beat_now() -> None:
    """Record that a worker is alive now (seconds since the epoch)."""
    _redis().set(HEARTBEAT_KEY, f"{time.time():.3f}", ex=int(settings.WORKER_HEARTBEAT_MAX_AGE) * 10)


def _check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means "not ready"; the body says which check
        return False, "unreachable"
    return True, "ok"


def _check_broker_and_worker() -> tuple[tuple[bool, str], tuple[bool, str]]:
    try:
        client = _redis()
        client.ping()
        raw = client.get(HEARTBEAT_KEY)
    except Exception:  # noqa: BLE001
        return (False, "unreachable"), (False, "unknown: broker unreachable")
    if not isinstance(raw, bytes | str):  # None: no worker has beaten yet
        return (True, "ok"), (False, "no heartbeat")
    age = time.time() - float(raw)
    if age > float(settings.WORKER_HEARTBEAT_MAX_AGE):
        return (True, "ok"), (False, f"last heartbeat {int(age)} seconds ago")
    return (True, "ok"), (True, f"last heartbeat {int(age)} seconds ago")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    database = _check_database()
    broker, worker = _check_broker_and_worker()
    checks: dict[str, Any] = {
        "database": database[1], "broker": broker[1], "worker": worker[1],
    }
    ready = database[0] and broker[0] and worker[0]
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks},
                        status=200 if ready else 503)
