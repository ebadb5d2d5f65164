"""Once-only forms: the same form sent twice (double click, back button) writes one record."""

import time

import pytest
from django import forms
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from audit.models import AuditEvent
from organizations import services
from organizations.models import Organization
from tests.helpers import race
from tests.organizations.factories import UserFactory
from web import once

rf = RequestFactory()


def _request(session_key: str | None = None):
    request = rf.post("/")
    request.session = SessionStore(session_key=session_key)
    if session_key is None:
        request.session.create()
    request.user = UserFactory.create(username="clerk", is_superuser=True)  # creates organizations
    return request


def _create(request, code: str):
    def action() -> str:
        org = services.organization_create(actor=request.user, code=code, kind="cbo",
                                           legal_name="Twice Sent")
        return f"/organizations/{org.pk}/"

    return action


class ThingForm(once.OnceOnlyFormMixin, forms.Form):
    name = forms.CharField()


@pytest.mark.django_db
def test_the_same_token_twice_writes_once_and_returns_the_first_result():
    request = _request()
    token = once.new_token()
    first = once.submit_once(request, token=token, action=_create(request, "twice-1"))
    events = AuditEvent.objects.count()
    second = once.submit_once(request, token=token, action=_create(request, "twice-2"))
    assert first.repeated is False and second.repeated is True
    assert second.url == first.url
    assert Organization.objects.filter(legal_name="Twice Sent").count() == 1
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_token_survives_into_a_new_request_of_the_same_session():
    # The back button: a later request, the session read again from the database.
    request = _request()
    token = once.new_token()
    once.submit_once(request, token=token, action=_create(request, "back-1"))
    later = _request(request.session.session_key)
    outcome = once.submit_once(later, token=token, action=_create(later, "back-2"))
    assert outcome.repeated
    assert Organization.objects.filter(legal_name="Twice Sent").count() == 1


@pytest.mark.django_db
def test_a_failed_action_leaves_nothing_and_the_token_unused():
    request = _request()
    token = once.new_token()
    before = (Organization.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError):
        once.submit_once(request, token=token, action=_create(request, "Not A Slug!"))
    assert (Organization.objects.count(), AuditEvent.objects.count()) == before
    fixed = once.submit_once(request, token=token, action=_create(request, "fixed-code"))
    assert fixed.repeated is False
    assert Organization.objects.filter(code="fixed-code").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "short", "x" * 80, "bad token with spaces!!"])
def test_a_missing_or_malformed_token_is_refused_and_nothing_written(token):
    request = _request()
    before = Organization.objects.count()
    with pytest.raises(ValidationError) as exc:
        once.submit_once(request, token=token, action=_create(request, "never"))
    assert "form_token" in exc.value.message_dict
    assert Organization.objects.count() == before


@pytest.mark.django_db
def test_the_form_mixin_issues_a_token_and_requires_it_back():
    unbound = ThingForm()
    token = unbound["form_token"].value()
    assert once.TOKEN_RE.fullmatch(token)
    assert ThingForm().initial["form_token"] != token  # a fresh token per page
    assert ThingForm({"name": "x", "form_token": token}).is_valid()
    missing = ThingForm({"name": "x"})
    assert not missing.is_valid()
    assert "expired" in missing.errors["form_token"][0]


@pytest.mark.django_db(transaction=True)
def test_two_posts_racing_with_the_same_token_write_one_record():
    # Given one session and one token, two threads post at the same moment (a double click).
    request = _request()
    key = request.session.session_key
    token = once.new_token()

    def post(req, code: str) -> once.Outcome:
        def slow_action() -> str:
            time.sleep(0.3)  # the write takes a while: the other post must wait, not run
            return _create(req, code)()

        return once.submit_once(req, token=token, action=slow_action)

    outcomes = race(post, [(_request(key), f"race-{i}") for i in range(2)], timeout=30)
    # Then one record, one first outcome and one repeat pointing at it.
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    assert Organization.objects.filter(legal_name="Twice Sent").count() == 1
    assert sorted(o.repeated for o in outcomes) == [False, True]
    assert outcomes[0].url == outcomes[1].url
