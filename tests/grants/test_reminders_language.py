"""Reminder and digest e-mails are written in the recipient's language, dates in words."""

import datetime as dt

import pytest
from django.utils import translation

from grants.services.reminders import digest_send, report_reminders_send
from notifications.models import Notification
from organizations.actors import BEAT
from organizations.dates import date_words
from organizations.models import User
from tests.grants import factories as gf
from tests.organizations.factories import UserFactory


def _words(day: dt.date, language: str) -> str:
    with translation.override(language):
        return date_words(day)


def _reminder(w: gf.World, language: str) -> tuple[Notification, dt.date]:
    a = gf.award(w)
    first = a.reports.get(number=1)
    UserFactory.create(username=f"contact-{language}", email=a.application.contact_email.upper(),
                       language=language)
    today = first.due_on - dt.timedelta(days=10)
    assert report_reminders_send(actor=BEAT, today=today) == 1
    return Notification.objects.get(key=f"grants.report-reminder:{first.pk}:-14"), first.due_on


@pytest.mark.django_db
def test_a_spanish_speaking_recipient_gets_the_reminder_in_spanish(w):
    reminder, due = _reminder(w, "es")
    assert reminder.subject.startswith("Informe de avance de ")
    assert "vence en 10 días, el " + _words(due, "es") in reminder.body
    assert "de enero de" in _words(dt.date(2027, 1, 31), "es")  # the words really are Spanish
    assert "Inicie sesión" in reminder.body
    assert due.isoformat() not in reminder.body
    assert "due in" not in reminder.body


@pytest.mark.django_db
def test_an_english_speaking_recipient_gets_the_reminder_in_english(w):
    reminder, due = _reminder(w, "en")
    assert reminder.subject.startswith("Progress report for ")
    assert "is due in 10 days, on " + _words(due, "en") in reminder.body
    assert due.isoformat() not in reminder.body
    assert "vence" not in reminder.body


@pytest.mark.django_db
def test_a_recipient_without_a_language_gets_english(w):
    a = gf.award(w)
    first = a.reports.get(number=1)
    assert report_reminders_send(actor=BEAT, today=first.due_on + dt.timedelta(days=1)) == 1
    reminder = Notification.objects.get(key=f"grants.report-reminder:{first.pk}:+1")
    assert f"was due on {_words(first.due_on, 'en')} and is 1 day overdue." in reminder.body


@pytest.mark.django_db
def test_the_digest_follows_each_administrators_language(w):
    a = gf.award(w)
    gf.submitted_report(w, a, 1)
    User.objects.filter(pk=w.admin.pk).update(language="es")
    monday = dt.date(2027, 8, 2)
    assert digest_send(actor=BEAT, today=monday) >= 1
    digest = Notification.objects.get(key__startswith=f"grants.digest:{w.fund.pk}:", recipient=w.admin.email)
    assert digest.subject == f"{w.fund.name}: subvenciones de esta semana"
    assert "en espera de revisión" in digest.body
    assert "awaiting review" not in digest.body
