"""/healthz and /readyz: real database, real Redis, a real Celery worker for the heartbeat."""

from __future__ import annotations

import json

import pytest

from operations.health import HEARTBEAT_KEY, _redis, beat_now


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_readyz_is_ready_with_database_broker_and_a_fresh_heartbeat(client):
    beat_now()
    response = client.get("/readyz")
    body = json.loads(response.content)
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] == "ok"
    assert body["checks"]["worker"].startswith("last heartbeat ")


@pytest.mark.django_db
def test_readyz_is_unavailable_without_a_worker_heartbeat(client):
    _redis().delete(HEARTBEAT_KEY)
    response = client.get("/readyz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body == {"status": "unavailable",
                    "checks": {"database": "ok", "broker": "ok", "worker": "no heartbeat"}}


@pytest.mark.django_db
def test_readyz_says_a_stale_heartbeat_is_stale(client, settings):
    _redis().set(HEARTBEAT_KEY, "1000.0")
    response = client.get("/readyz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["checks"]["worker"].startswith("last heartbeat ")
    assert body["checks"]["worker"].endswith("seconds ago")


@pytest.mark.django_db
def test_readyz_is_unavailable_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["checks"]["broker"] == "unreachable"
    assert body["checks"]["database"] == "ok"
    assert "redis://" not in response.content.decode()  # no connection strings in the body


@pytest.mark.celery_worker
def test_a_real_worker_beats_when_it_starts(client, celery_worker_process):
    # The worker_ready signal of the worker process started by the fixture wrote the beat
    # (the fixture waits for "ready."); nothing in this process wrote it.
    raw = _redis().get(HEARTBEAT_KEY)
    assert raw is not None
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
