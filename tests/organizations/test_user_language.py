"""The language a signed-in person switches to is saved (and audited) for their e-mails."""

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from organizations.services import user_language_set
from tests.organizations.factories import UserFactory

pytestmark = pytest.mark.django_db


def _switch(client, language: str):
    return client.post("/i18n/setlang/", {"language": language, "next": "/"})


def test_switching_language_while_signed_in_saves_and_audits_it(client):
    user = UserFactory.create()
    client.force_login(user)
    response = _switch(client, "es")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "es"
    event = AuditEvent.objects.get(action="user.language", object_id=str(user.pk))
    assert (event.before, event.after) == ({"language": ""}, {"language": "es"})
    assert event.actor_id == user.pk
    _switch(client, "en")
    user.refresh_from_db()
    assert user.language == "en"
    assert AuditEvent.objects.filter(action="user.language", object_id=str(user.pk)).count() == 2


def test_an_unknown_language_code_changes_nothing(client):
    user = UserFactory.create(language="es")
    client.force_login(user)
    events = AuditEvent.objects.count()
    response = _switch(client, "xx")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "es"
    assert AuditEvent.objects.count() == events
    with pytest.raises(ValidationError):
        user_language_set(actor=user, user=user, language="fr")
    user.refresh_from_db()
    assert user.language == "es"
    assert AuditEvent.objects.count() == events


def test_the_same_language_again_writes_nothing():
    user = UserFactory.create(language="es")
    events = AuditEvent.objects.count()
    user_language_set(actor=user, user=user, language="es")
    assert AuditEvent.objects.count() == events


def test_switching_while_signed_out_only_sets_the_cookie(client):
    events = AuditEvent.objects.count()
    response = _switch(client, "es")
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "es"
    assert AuditEvent.objects.count() == events


def test_signing_in_shows_the_pages_in_the_language_chosen_last(client):
    """A browser that has not chosen a language gets the person's own on sign-in; one that has
    chosen keeps its choice."""
    from django.conf import settings

    UserFactory.create(username="rosa", language="es")
    response = client.post("/accounts/login/", {"username": "rosa", "password": "pw-correct-horse"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es"' in page

    other = type(client)()
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = other.post("/accounts/login/", {"username": "rosa", "password": "pw-correct-horse"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies

    UserFactory.create(username="ana")  # no language of her own: nothing is set
    third = type(client)()
    response = third.post("/accounts/login/", {"username": "ana", "password": "pw-correct-horse"})
    assert response.status_code == 302 and settings.LANGUAGE_COOKIE_NAME not in response.cookies
