"""Celery end to end: a real worker process on the Redis broker sends a queued e-mail once."""

from pathlib import Path

import pytest
from django.db import transaction

from notifications.models import Notification
from notifications.services import notification_queue, notification_send
from organizations.actors import BEAT
from tests.helpers import wait_until


@pytest.mark.celery_worker
def test_real_worker_sends_queued_notification_once(celery_worker_process, settings):
    mail_dir = Path(settings.EMAIL_FILE_PATH)
    mail_dir.mkdir(parents=True, exist_ok=True)
    before = set(mail_dir.iterdir())
    with transaction.atomic():
        n, created = notification_queue(
            actor=BEAT, key="test:round-trip", recipient="cbo@example.org", subject="Report due", body="Hello"
        )
    assert created
    sent = wait_until(lambda: Notification.objects.filter(pk=n.pk, sent_at__isnull=False).exists(), 60)
    assert sent, "the worker did not send the notification"
    new_files = set(mail_dir.iterdir()) - before
    assert len(new_files) == 1
    assert "Report due" in next(iter(new_files)).read_text()
    # Asking again for the same key queues nothing and sends nothing.
    with transaction.atomic():
        again, created = notification_queue(
            actor=BEAT, key="test:round-trip", recipient="cbo@example.org", subject="Report due", body="Hello"
        )
    assert not created and again.pk == n.pk
    assert notification_send(actor=BEAT, notification_id=n.pk) is False


@pytest.mark.django_db
def test_eager_send_is_idempotent(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        n, _ = notification_queue(actor=BEAT, key="k1", recipient="a@example.org", subject="s", body="b")
    assert len(mailoutbox) == 1
    assert notification_send(actor=BEAT, notification_id=n.pk) is False
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_empty_key_is_refused_and_nothing_written():
    with pytest.raises(ValueError):
        notification_queue(actor=BEAT, key="", recipient="a@example.org", subject="s", body="b")
    assert Notification.objects.count() == 0
