"""Queue and send e-mail notifications, exactly once per key."""

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from audit.services import record, snapshot

from .models import Notification


def notification_queue(
    *, key: str, recipient: str, subject: str, body: str, organization: Any = None, actor: Any = None
) -> tuple[Notification, bool]:
    """Queue a notification once per ``key``; returns (notification, created).

    The e-mail is sent by a worker after the surrounding transaction commits.
    """
    from .tasks import send_notification

    if not key:
        raise ValueError("A notification needs a key.")
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            key=key,
            defaults={
                "recipient": recipient,
                "subject": subject,
                "body": body,
                "organization": organization,
            },
        )
        if created:
            record(actor=actor, action="notification.queue", obj=notification, after=snapshot(notification))
            send_notification.delay_on_commit(notification.pk)
    return notification, created


def notification_send(*, notification_id: int) -> bool:
    """Send one queued notification unless it was already sent; True when sent now."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        if notification.sent_at is not None:
            return False
        before = snapshot(notification, ["sent_at", "attempts"])
        notification.attempts += 1
        send_mail(
            notification.subject,
            notification.body,
            settings.DEFAULT_FROM_EMAIL,
            [notification.recipient],
        )
        notification.sent_at = timezone.now()
        notification.save(update_fields=["sent_at", "attempts"])
        record(
            actor=None,
            action="notification.send",
            obj=notification,
            before=before,
            after=snapshot(notification, ["sent_at", "attempts"]),
        )
    return True
