"""Sign-in: lockout after repeated failures, no user enumeration, sessions expire."""

import pytest
from django.conf import settings
from django.urls import reverse

from audit.models import AuditEvent
from organizations.models import LoginThrottle
from tests.organizations.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _post(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_correct_password_signs_in(client):
    UserFactory(username="ana")
    response = _post(client, "ana", "pw-correct-horse")
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_wrong_password_and_unknown_user_get_the_same_message(client):
    UserFactory(username="ana")
    wrong = _post(client, "ana", "nope").content.decode()
    unknown = _post(client, "nobody-here", "nope").content.decode()
    assert "Please enter a correct username and password" in wrong
    assert "Please enter a correct username and password" in unknown
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_even_with_the_right_password(client):
    UserFactory(username="ana")
    for _ in range(settings.LOGIN_LOCKOUT_THRESHOLD):
        _post(client, "ana", "wrong")
    response = _post(client, "ana", "pw-correct-horse")
    assert response.status_code == 200
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.lockout").count() == 1


def test_unknown_usernames_lock_the_same_way(client):
    for _ in range(settings.LOGIN_LOCKOUT_THRESHOLD):
        _post(client, "ghost", "wrong")
    assert "Too many failed sign-in attempts" in _post(client, "ghost", "x").content.decode()


def test_lock_expires(client):
    from datetime import timedelta

    from django.utils import timezone

    UserFactory(username="ana")
    for _ in range(settings.LOGIN_LOCKOUT_THRESHOLD):
        _post(client, "ana", "wrong")
    LoginThrottle.objects.filter(username="ana").update(locked_until=timezone.now() - timedelta(seconds=1))
    assert _post(client, "ana", "pw-correct-horse").status_code == 302
    assert not LoginThrottle.objects.filter(username="ana").exists()


def test_admin_sign_in_is_locked_too(client):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    for _ in range(settings.LOGIN_LOCKOUT_THRESHOLD):
        client.post("/admin/login/", {"username": "root", "password": "bad"})
    response = client.post("/admin/login/", {"username": "root", "password": "pw-correct-horse"})
    assert response.status_code == 200
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_sessions_expire():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 60 * 60


def test_password_reset_sends_mail_only_to_known_addresses(client, mailoutbox):
    UserFactory(username="ana", email="ana@example.org")
    client.post("/accounts/password_reset/", {"email": "ana@example.org"})
    client.post("/accounts/password_reset/", {"email": "ghost@example.org"})
    assert [m.to for m in mailoutbox] == [["ana@example.org"]]


def test_pages_require_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)
