"""Personal API tokens: created from a session, stored hashed, expiring, revocable, audited."""

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from api.models import ApiToken
from audit.models import AuditEvent
from tests.api.factories import make_token, session_client, token_client
from tests.organizations.factories import OrganizationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def _bearer(raw):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_create_token_from_session_returns_secret_once_and_stores_only_its_hash():
    # given a signed-in user
    user = UserFactory()
    client = session_client(user)
    # when they create a token
    response = client.post("/api/tokens/", {"name": "finance sync"}, format="json")
    # then the secret is returned once, and only its SHA-256 is stored
    assert response.status_code == 201, response.content
    raw = response.json()["token"]
    token = ApiToken.objects.get(pk=response.json()["id"])
    assert token.user == user and token.name == "finance sync"
    assert token.secret_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(list(ApiToken.objects.values()))
    assert raw.startswith(f"crt_{token.prefix}_")
    assert token.expires_at > timezone.now() + dt.timedelta(days=89)
    event = AuditEvent.objects.get(action="api.token.create")
    assert event.actor == user and raw not in str(event.after)
    # and the secret is never shown again
    listed = client.get(f"/api/tokens/{token.pk}/").json()
    assert "token" not in listed and listed["prefix"] == token.prefix


def test_token_acts_as_its_user():
    org = OrganizationFactory(code="cbo-x")
    user = member("cbo_staff", org)
    response = token_client(user).get("/api/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == user.username
    assert [m["organization_code"] for m in body["memberships"]] == ["cbo-x"]


def test_token_use_is_recorded():
    user = UserFactory()
    token, raw = make_token(user)
    assert token.last_used_at is None
    assert _bearer(raw).get("/api/me/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_cannot_create_tokens():
    user = UserFactory()
    client = token_client(user)
    before = ApiToken.objects.count()
    response = client.post("/api/tokens/", {"name": "child"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert ApiToken.objects.count() == before


def test_session_post_without_csrf_is_refused():
    user = UserFactory()
    response = session_client(user, csrf=False).post("/api/tokens/", {"name": "x"}, format="json")
    assert response.status_code == 403
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"name": "x", "scope": "all"}, "scope", "unknown_field"),
        ({}, "name", "required"),
        ({"name": ""}, "name", "blank"),
        ({"name": "x", "expires_at": 5}, "expires_at", "invalid"),
        ({"name": "x", "expires_at": "2001-01-01T00:00:00Z"}, "expires_at", "invalid"),
        ({"name": "x", "expires_at": "2999-01-01T00:00:00Z"}, "expires_at", "invalid"),
        ({"name": ["a"]}, "name", "invalid"),
    ],
)
def test_create_token_refuses_bad_input_and_writes_nothing(payload, field, code):
    user = UserFactory()
    events = AuditEvent.objects.count()
    response = session_client(user).post("/api/tokens/", payload, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"][field][0]["code"] == code
    assert ApiToken.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_revoke_stops_the_token_and_is_audited():
    user = UserFactory()
    token, raw = make_token(user)
    client = _bearer(raw)
    response = client.post(f"/api/tokens/{token.pk}/revoke/")
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None and response.json()["is_active"] is False
    assert AuditEvent.objects.filter(action="api.token.revoke", object_id=str(token.pk)).count() == 1
    refused = client.get("/api/me/")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "token_revoked"


def test_revoking_twice_is_a_state_error_and_changes_nothing():
    user = UserFactory()
    token, _ = make_token(user)
    client = session_client(user)
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 200
    token.refresh_from_db()
    revoked_at, events = token.revoked_at, AuditEvent.objects.count()
    response = client.post(f"/api/tokens/{token.pk}/revoke/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_state"
    assert "status" in response.json()["error"]["fields"]
    token.refresh_from_db()
    assert token.revoked_at == revoked_at and AuditEvent.objects.count() == events


def test_another_users_token_is_404_and_untouched():
    owner, other = UserFactory(), UserFactory()
    token, _ = make_token(owner)
    client = token_client(other)
    assert client.get(f"/api/tokens/{token.pk}/").status_code == 404
    response = client.post(f"/api/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    token.refresh_from_db()
    assert token.revoked_at is None


def test_list_shows_only_own_tokens_and_filters_revoked():
    user, other = UserFactory(), UserFactory()
    live, _ = make_token(user, name="live")
    gone, _ = make_token(user, name="gone")
    make_token(other, name="theirs")
    client = session_client(user)
    client.post(f"/api/tokens/{gone.pk}/revoke/")
    names = [t["name"] for t in client.get("/api/tokens/?ordering=name").json()["results"]]
    assert names == ["gone", "live"]
    assert [t["name"] for t in client.get("/api/tokens/?revoked=true").json()["results"]] == ["gone"]
    assert [t["name"] for t in client.get("/api/tokens/?revoked=false").json()["results"]] == ["live"]


def test_expired_token_is_refused():
    user = UserFactory()
    token, raw = make_token(user)
    past = timezone.now() - dt.timedelta(days=1)
    ApiToken.objects.filter(pk=token.pk).update(created_at=past - dt.timedelta(days=1), expires_at=past)
    response = _bearer(raw).get("/api/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"


@pytest.mark.parametrize(
    "header",
    ["Bearer nonsense", "Bearer crt_000000000000_wrong", "Bearer", "Bearer a b", "Token crt_x"],
)
def test_invalid_tokens_are_refused(header):
    user = UserFactory()
    make_token(user)
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_wrong_secret_with_a_real_prefix_is_refused():
    user = UserFactory()
    token, raw = make_token(user)
    forged = raw[:-4] + ("aaaa" if not raw.endswith("aaaa") else "bbbb")
    response = _bearer(forged).get("/api/me/")
    assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_token"


def test_token_of_an_inactive_user_is_refused():
    user = UserFactory()
    _, raw = make_token(user)
    user.is_active = False
    user.save()
    assert _bearer(raw).get("/api/me/").status_code == 401


def test_no_credentials_is_401_in_the_error_shape():
    from rest_framework.test import APIClient

    response = APIClient().get("/api/organizations/")
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "not_authenticated",
                                         "message": "Authentication credentials were not provided.",
                                         "fields": {}}}


def test_idempotent_token_creation_replays_the_first_response():
    user = UserFactory()
    client = session_client(user)
    first = client.post("/api/tokens/", {"name": "sync"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/tokens/", {"name": "sync"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ApiToken.objects.count() == 1
    assert AuditEvent.objects.filter(action="api.token.create").count() == 1


def test_idempotency_key_reused_with_another_body_is_422_and_acts_not():
    user = UserFactory()
    client = session_client(user)
    client.post("/api/tokens/", {"name": "sync"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    response = client.post("/api/tokens/", {"name": "other"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["sync"]


def test_site_admin_revokes_a_leaked_token_in_the_admin(client):
    owner = UserFactory()
    token, raw = make_token(owner)
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api.token.revoke", actor=admin).count() == 1
    assert _bearer(raw).get("/api/me/").status_code == 401


def test_tokens_created_before_a_password_change_stop_working():
    user = UserFactory()
    _, old = make_token(user)
    assert _bearer(old).get("/api/tokens/").status_code == 200
    browser = session_client(user)
    changed = browser.post("/accounts/password_change/", {
        "old_password": "pw-correct-horse", "new_password1": "another-long-pass-2027",
        "new_password2": "another-long-pass-2027"})
    assert changed.status_code == 302, changed.content
    refused = _bearer(old).get("/api/tokens/")
    assert refused.status_code == 401
    assert "password" in refused.content.decode()
    _, new = make_token(user)
    assert _bearer(new).get("/api/tokens/").status_code == 200


def test_an_administrator_setting_the_password_also_ends_older_tokens():
    user = UserFactory()
    _, old = make_token(user)
    user.set_password("set-by-the-admin-2027")
    user.save()
    assert _bearer(old).get("/api/tokens/").status_code == 401
