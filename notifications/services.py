"""Queue and send e-mail notifications, exactly once per key; write and read in-app notifications.

E-mail: the outbox is the system's: the beat's reminders queue notifications and the worker
sends them (``BEAT``); a site administrator may too. Anyone else gets ``AccessDenied``.

In-app: the services of grants and reporting call ``inbox_notify`` in the transaction of the
event (application submitted, award made, report filed...), naming who it concerns with
``members`` or ``regulators_of``. Each recipient reads and marks their own notifications only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.services import record, record_bulk, snapshot
from organizations import access
from organizations.access import require_site_admin
from organizations.actors import Actor, SystemActor, User
from organizations.models import Organization, Role

from .models import InboxItem, InboxKind, Notification


def notification_queue(
    *, actor: Actor, key: str, recipient: str, subject: str, body: str, organization: Organization | None = None
) -> tuple[Notification, bool]:
    """Queue a notification once per ``key``; returns (notification, created).

    The e-mail is sent by a worker after the surrounding transaction commits.
    """
    from .tasks import send_notification

    require_site_admin(actor)
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


def notification_send(*, actor: Actor, notification_id: int) -> bool:
    """Send one queued notification unless it was already sent; True when sent now."""
    require_site_admin(actor)
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
            actor=actor,
            action="notification.send",
            obj=notification,
            before=before,
            after=snapshot(notification, ["sent_at", "attempts"]),
        )
    return True


# In-app notifications ---------------------------------------------------------------------


def members(organization: Organization | int, *roles: str) -> QuerySet[User]:
    """The active people holding one of ``roles`` in ``organization`` (the people an event there
    concerns: its fund administrators, its CBO staff...)."""
    org_id = organization if isinstance(organization, int) else organization.pk
    return User.objects.filter(
        is_active=True, memberships__organization_id=org_id, memberships__role__in=roles,
        memberships__is_active=True, memberships__organization__is_active=True,
    ).distinct().order_by("pk")


def regulators_of(jurisdiction: str) -> QuerySet[User]:
    """The active regulators of ``jurisdiction`` (a state code); nobody for a blank one."""
    if not jurisdiction:
        return User.objects.none()
    return User.objects.filter(
        is_active=True, memberships__role=Role.REGULATOR, memberships__is_active=True,
        memberships__organization__is_active=True, memberships__organization__jurisdiction=jurisdiction,
    ).distinct().order_by("pk")


def _clean_params(params: Mapping[str, object]) -> dict[str, str | int]:
    clean: dict[str, str | int] = {}
    for key, value in params.items():
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ValueError(f"Notification parameter {key!r} must be text or a whole number.")
        clean[str(key)] = value
    return clean


def inbox_notify(
    *,
    actor: Actor,
    kind: str,
    about: models.Model,
    link: str,
    recipients: Iterable[User],
    params: Mapping[str, object] | None = None,
    organization: Organization | None = None,
) -> list[InboxItem]:
    """Put a notification of ``kind`` about ``about`` in the inbox of each of ``recipients``.

    Called by the service writing the event, inside its transaction, so the notification
    exists exactly when the event does. Only recipients who may view ``about`` get one (the
    link never leads to a page they cannot open), and never the actor: people are not told
    of their own acts. ``link`` is the path of the object's page; ``params`` are the values
    the kind's message needs (``notifications.messages``). The actor must be able to view
    ``about`` (system actors pass). Returns the notifications written.
    """
    if kind not in InboxKind.values:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    if not link.startswith("/") or link.startswith("//"):
        raise ValueError("A notification links to a page of this site (a path starting with '/').")
    clean = _clean_params(params or {})
    access.require(actor, "view", about)
    actor_id = None if isinstance(actor, SystemActor) else actor.pk
    people = [u for u in dict.fromkeys(recipients)
              if u.is_active and u.pk != actor_id and access.can(u, "view", about)]
    if not people:
        return []
    with transaction.atomic():
        now = timezone.now()
        items = InboxItem.objects.bulk_create([
            InboxItem(recipient=u, kind=kind, params=clean, link=link, organization=organization, created_at=now)
            for u in people
        ])
        record_bulk(actor=actor, action="inbox.notify", objs=items, organization=organization)
    return items


def _reader(actor: Actor) -> User:
    if isinstance(actor, SystemActor):
        raise access.AccessDenied(f"{actor} has no inbox.")
    return actor


def inbox_mark_read(*, actor: Actor, item: InboxItem) -> bool:
    """Mark one of the actor's own notifications read; True when it was unread until now."""
    reader = _reader(actor)
    if item.recipient_id != reader.pk:
        raise access.AccessDenied("This notification is not yours.")
    with transaction.atomic():
        now = timezone.now()
        changed = InboxItem.objects.filter(pk=item.pk, recipient=reader, read_at__isnull=True).update(read_at=now)
        if changed:
            record(actor=reader, action="inbox.read", obj=item, before={"read_at": None},
                   after={"read_at": now}, organization=item.organization)
    if changed:
        item.read_at = now
    return bool(changed)


def inbox_mark_all_read(*, actor: Actor) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    reader = _reader(actor)
    with transaction.atomic():
        now = timezone.now()
        unread = InboxItem.objects.select_for_update().filter(recipient=reader, read_at__isnull=True)
        ids = list(unread.order_by("pk").values_list("pk", flat=True))
        if not ids:
            return 0
        InboxItem.objects.filter(pk__in=ids).update(read_at=now)
        record(actor=reader, action="inbox.read_all", after={"items": ids, "read_at": now})
    return len(ids)
