"""Bad input anywhere in the API: a 4xx in the one error shape, and nothing written."""

import json

import pytest

from api.models import ApiToken
from audit.models import AuditEvent
from tests.api.factories import session_client, token_client
from tests.organizations.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return session_client(UserFactory())


def _nothing_written():
    return ApiToken.objects.count() == 0 and not AuditEvent.objects.filter(action="api.token.create").exists()


@pytest.mark.parametrize(
    "body",
    ['{"name": "x"', '{"name": NaN}', '{"name": "a", "name": "b"}', "\xff\xfe", ""],
)
def test_malformed_json_is_a_parse_error(client, body):
    response = client.post("/api/tokens/", body, content_type="application/json")
    if body == "":
        # an empty body is an empty object: the serializer says what is missing
        assert response.status_code == 400 and response.json()["error"]["code"] == "validation_error"
    else:
        assert response.status_code == 400, response.content
        assert response.json()["error"]["code"] == "parse_error"
        assert response.json()["error"]["message"].startswith("Malformed JSON")
    assert _nothing_written()


@pytest.mark.parametrize("body", ["[]", '"name"', "12"])
def test_a_body_that_is_not_an_object_is_refused(client, body):
    response = client.post("/api/tokens/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert response.json()["error"]["fields"]["non_field_errors"]
    assert _nothing_written()


def test_huge_payload_is_413(client, settings):
    settings.API_MAX_BODY_BYTES = 1000
    body = json.dumps({"name": "x" * 2000})
    response = client.post("/api/tokens/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert _nothing_written()


def test_form_encoded_body_is_415(client):
    response = client.post("/api/tokens/", "name=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert _nothing_written()


def test_unknown_api_url_is_a_json_404():
    response = token_client(UserFactory()).get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_method_not_allowed_uses_the_error_shape():
    response = token_client(UserFactory()).delete("/api/tokens/")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize("key", ["", "x" * 256, "naïve"])
def test_invalid_idempotency_key_is_refused(client, key):
    response = client.post("/api/tokens/", {"name": "x"}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_idempotency_key"
    assert _nothing_written()


@pytest.mark.parametrize(
    ("query", "param"),
    [("ordering=secret_hash", "ordering"), ("revoked=maybe", "revoked"), ("ordering=-user", "ordering")],
)
def test_bad_filter_or_ordering_is_400_naming_the_parameter(query, param):
    response = token_client(UserFactory()).get(f"/api/tokens/?{query}")
    assert response.status_code == 400
    assert param in response.json()["error"]["fields"]


def test_nul_character_in_a_filter_is_400_not_a_server_error():
    response = token_client(UserFactory()).get("/api/organizations/?code=a%00b")
    assert response.status_code == 400
    assert "code" in response.json()["error"]["fields"]


def test_nul_character_anywhere_in_a_body_is_400_and_writes_nothing(client):
    response = client.post("/api/tokens/", {"name": "ok\x00"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["name"][0]["code"] == "null_characters_not_allowed"
    assert _nothing_written()
