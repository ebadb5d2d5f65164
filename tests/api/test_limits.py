"""Rate limits per token, and idempotent POSTs under concurrency."""


import pytest

from api.models import ApiToken, IdempotencyRecord
from tests.api.factories import make_token, session_client
from tests.helpers import race
from tests.organizations.factories import UserFactory


@pytest.mark.django_db
def test_rate_limit_is_per_token(settings):
    from rest_framework.test import APIClient

    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {"api_token": "3/minute", "api_user": "3/minute", "api_anon": "3/minute"}
    }
    user = UserFactory()
    _, first = make_token(user, name="one")
    _, second = make_token(user, name="two")
    a, b = APIClient(), APIClient()
    a.credentials(HTTP_AUTHORIZATION=f"Bearer {first}")
    b.credentials(HTTP_AUTHORIZATION=f"Bearer {second}")
    assert [a.get("/api/me/").status_code for _ in range(3)] == [200, 200, 200]
    refused = a.get("/api/me/")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    # another token of the same user has its own budget
    assert b.get("/api/me/").status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_repeats_of_one_key_act_once():
    # given one signed-in user sending the same idempotent POST from 4 threads at once
    user = UserFactory()
    clients = [(session_client(user),) for _ in range(4)]

    def send(client):
        response = client.post("/api/tokens/", {"name": "sync"}, format="json", HTTP_IDEMPOTENCY_KEY="same-key")
        return response.status_code, response.json()["id"]

    results = race(send, clients)
    # then exactly one token exists and every response names it
    assert ApiToken.objects.count() == 1
    token_id = ApiToken.objects.get().pk
    assert results == [(201, token_id)] * 4
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db
def test_same_key_from_another_user_is_independent():
    a, b = UserFactory(), UserFactory()
    ra = session_client(a).post("/api/tokens/", {"name": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    rb = session_client(b).post("/api/tokens/", {"name": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert ra.status_code == rb.status_code == 201
    assert ra.json()["id"] != rb.json()["id"]
    assert ApiToken.objects.count() == 2


@pytest.mark.django_db
def test_failed_request_is_not_stored_so_a_corrected_retry_acts():
    user = UserFactory()
    client = session_client(user)
    bad = client.post("/api/tokens/", {"name": ""}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert bad.status_code == 400
    assert IdempotencyRecord.objects.count() == 0
    good = client.post("/api/tokens/", {"name": "fixed"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert good.status_code == 201
    assert ApiToken.objects.count() == 1


@pytest.mark.django_db
def test_expired_idempotency_record_is_forgotten(settings):
    import datetime as dt

    from django.utils import timezone

    user = UserFactory()
    client = session_client(user)
    client.post("/api/tokens/", {"name": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    again = client.post("/api/tokens/", {"name": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert again.status_code == 201 and not again.has_header("Idempotent-Replayed")
    assert ApiToken.objects.count() == 2
