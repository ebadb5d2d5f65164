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


def _reset_link(client, mailoutbox, email):
    import re

    client.post("/accounts/password_reset/", {"email": email})
    match = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mailoutbox[-1].body)
    assert match, mailoutbox[-1].body
    page = client.get(match.group(1), follow=True)  # the token moves into the session
    return page.redirect_chain[-1][0] if page.redirect_chain else match.group(1)


def test_a_guesser_spread_over_usernames_is_refused_by_address(client):
    UserFactory(username="ana")
    for i in range(settings.LOGIN_ADDRESS_THRESHOLD):
        response = client.post(LOGIN, {"username": f"guess-{i}", "password": "wrong"}, REMOTE_ADDR="203.0.113.9")
    assert "Too many failed sign-in attempts" in response.content.decode()
    # from that address even the right password is refused, and nothing signs in
    refused = client.post(LOGIN, {"username": "ana", "password": "pw-correct-horse"}, REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 200 and "Too many failed sign-in attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.address_lockout").count() == 1
    # ... while the same person from another address signs in (no username was locked)
    assert client.post(LOGIN, {"username": "ana", "password": "pw-correct-horse"},
                       REMOTE_ADDR="198.51.100.4").status_code == 302


def test_address_window_ends(client):
    from datetime import timedelta

    from django.utils import timezone

    from organizations.models import AddressThrottle

    UserFactory(username="ana")
    for i in range(settings.LOGIN_ADDRESS_THRESHOLD):
        client.post(LOGIN, {"username": f"guess-{i}", "password": "wrong"}, REMOTE_ADDR="203.0.113.9")
    AddressThrottle.objects.filter(address="203.0.113.9").update(
        window_started_at=timezone.now() - timedelta(minutes=settings.LOGIN_ADDRESS_WINDOW_MINUTES, seconds=1))
    assert client.post(LOGIN, {"username": "ana", "password": "pw-correct-horse"},
                       REMOTE_ADDR="203.0.113.9").status_code == 302


def test_behind_a_proxy_the_address_is_the_one_the_proxy_appended(client, settings):
    settings.LOGIN_CLIENT_ADDRESS_HEADER = "X-Forwarded-For"
    settings.LOGIN_ADDRESS_THRESHOLD = 3
    UserFactory(username="ana")
    for i in range(3):  # the client forges the first entry; the proxy appends the real one
        client.post(LOGIN, {"username": f"guess-{i}", "password": "wrong"}, REMOTE_ADDR="10.0.0.2",
                    HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.9")
    assert client.post(LOGIN, {"username": "ana", "password": "pw-correct-horse"}, REMOTE_ADDR="10.0.0.2",
                       HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 200
    # other clients behind the same proxy are not affected
    assert client.post(LOGIN, {"username": "ana", "password": "pw-correct-horse"}, REMOTE_ADDR="10.0.0.2",
                       HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 302


def test_a_locked_user_unlocks_by_completing_a_password_reset(client, mailoutbox):
    UserFactory(username="ana", email="ana@example.org")
    for _ in range(settings.LOGIN_LOCKOUT_THRESHOLD):
        _post(client, "ana", "wrong")
    assert "Too many failed sign-in attempts" in _post(client, "ana", "pw-correct-horse").content.decode()
    form_url = _reset_link(client, mailoutbox, "ana@example.org")
    done = client.post(form_url, {"new_password1": "a-brand-new-pass-2027", "new_password2": "a-brand-new-pass-2027"})
    assert done.status_code == 302, done.content
    assert AuditEvent.objects.filter(action="auth.unlock").count() == 1
    assert not LoginThrottle.objects.filter(username="ana").exists()
    assert _post(client, "ana", "a-brand-new-pass-2027").status_code == 302


def test_a_rehash_on_sign_in_is_not_a_password_change(client, settings):
    from organizations.models import User

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher",
                                 "django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.contrib.auth.hashers import make_password

    user = UserFactory(username="ana")
    User.objects.filter(pk=user.pk).update(password=make_password("pw-correct-horse", hasher="md5"))
    assert _post(client, "ana", "pw-correct-horse").status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_") and user.password_changed_at is None
