"""Reminders: offsets are data, each (report, offset) is sent once, even with a real worker and two beat runs."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from grants.models import ReminderPolicy, ReportSchedule
from grants.services.reminders import (
    digest_send,
    offset_due,
    reminder_policy,
    report_reminders_send,
)
from grants.tasks import send_report_reminders
from notifications.models import Notification
from organizations.actors import BEAT
from tests.grants import factories as gf
from tests.helpers import wait_until


def _due_in(report: ReportSchedule, days: int, today: dt.date) -> None:
    ReportSchedule.objects.filter(pk=report.pk).update(
        period_start=today - dt.timedelta(days=180), period_end=today - dt.timedelta(days=1),
        due_on=today + dt.timedelta(days=days))


@pytest.mark.django_db
def test_offsets_come_from_the_policy():
    policy = reminder_policy(fund_id=0)
    assert (policy.days_before_due, policy.days_after_due) == ([14, 3], [1, 7, 30])
    due = dt.date(2027, 7, 30)
    assert offset_due(due_on=due, today=dt.date(2027, 7, 15), policy=policy) is None
    assert offset_due(due_on=due, today=dt.date(2027, 7, 16), policy=policy) == -14
    assert offset_due(due_on=due, today=dt.date(2027, 7, 28), policy=policy) == -3
    assert offset_due(due_on=due, today=due, policy=policy) is None
    assert offset_due(due_on=due, today=dt.date(2027, 8, 6), policy=policy) == 7


@pytest.mark.django_db
def test_each_reminder_is_queued_once_and_a_fund_may_have_its_own_offsets(w):
    a = gf.award(w)
    first = a.reports.get(number=1)
    today = first.due_on - dt.timedelta(days=10)
    assert report_reminders_send(actor=BEAT, today=today) == 1
    assert report_reminders_send(actor=BEAT, today=today) == 0
    assert report_reminders_send(actor=BEAT, today=today + dt.timedelta(days=1)) == 0  # still the 14-day reminder
    keys = set(Notification.objects.values_list("key", flat=True))
    assert keys == {f"grants.report-reminder:{first.pk}:-14"}
    ReminderPolicy.objects.create(fund=w.fund, version=1, days_before_due=[10], days_after_due=[2])
    assert report_reminders_send(actor=BEAT, today=today) == 1
    assert report_reminders_send(actor=BEAT, today=first.due_on + dt.timedelta(days=2)) == 1
    assert Notification.objects.filter(key=f"grants.report-reminder:{first.pk}:+2").exists()


@pytest.mark.django_db
def test_submitted_reports_get_no_reminder(w):
    a = gf.award(w)
    first = gf.submitted_report(w, a, 1)
    assert report_reminders_send(actor=BEAT, today=first.due_on + dt.timedelta(days=1)) == 0
    assert not Notification.objects.filter(key__startswith=f"grants.report-reminder:{first.pk}:").exists()


@pytest.mark.django_db
def test_weekly_digest_once_per_week_for_each_fund_administrator(w):
    a = gf.award(w)
    gf.submitted_report(w, a, 1)
    monday = dt.date(2027, 8, 2)
    assert digest_send(actor=BEAT, today=monday - dt.timedelta(days=1)) == 0  # Sunday: not the policy's day
    assert digest_send(actor=BEAT, today=monday) >= 1
    assert digest_send(actor=BEAT, today=monday) == 0
    digest = Notification.objects.get(key__startswith=f"grants.digest:{w.fund.pk}:", recipient=w.admin.email)
    assert "awaiting review" in digest.body


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_sends_each_reminder_exactly_once(celery_worker_process, settings):
    mail_dir = Path(settings.EMAIL_FILE_PATH)
    mail_dir.mkdir(parents=True, exist_ok=True)
    w = gf.world(cbos=1, board=3)
    a = gf.award(w)
    today = timezone.localdate()
    first = a.reports.get(number=1)
    _due_in(first, 3, today)
    before = set(mail_dir.iterdir())
    assert send_report_reminders() == 1  # the beat task, run twice
    assert send_report_reminders() == 0
    key = f"grants.report-reminder:{first.pk}:-3"
    sent = wait_until(lambda: Notification.objects.filter(key=key, sent_at__isnull=False).exists(), 60)
    assert sent, "the worker did not send the reminder"
    assert send_report_reminders() == 0
    new = [f for f in set(mail_dir.iterdir()) - before if "is due in 3 day" in f.read_text()]
    assert len(new) == 1
    assert Notification.objects.filter(key__startswith="grants.report-reminder:").count() == 1
    assert Notification.objects.get(key=key).attempts == 1
