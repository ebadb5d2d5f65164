"""Outbox of e-mail notifications, and each person's in-app inbox.

* ``Notification`` (e-mail): each has a unique ``key`` naming why it exists (for example
  ``report-due:42:-7``), so asking twice for the same notification queues it once, and the
  sending task skips a row already sent: a reminder goes out once even when beat fires twice
  or a worker restarts.
* ``InboxItem`` (in-app): one row per recipient of an event (application submitted, award
  made, report filed...), written in the event's transaction; read or unread.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    key = models.CharField(max_length=200, unique=True)
    recipient = models.EmailField()
    subject = models.CharField(max_length=255)
    body = models.TextField()
    organization = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(key=""), name="notification_key_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.key} -> {self.recipient}"


class InboxKind(models.TextChoices):
    """What happened, for an in-app notification (the words are in ``notifications.messages``)."""

    APPLICATION_SUBMITTED = "application.submitted", _("Application submitted")
    REVIEW_ASSIGNED = "review.assigned", _("Assigned for review")
    AWARD_MADE = "award.made", _("Award made")
    AWARD_ACCEPTED = "award.accepted", _("Award accepted")
    GRANTEE_REPORT_SUBMITTED = "grantee_report.submitted", _("Grantee report submitted")
    GRANTEE_REPORT_RETURNED = "grantee_report.returned", _("Grantee report returned")
    GRANTEE_REPORT_ACCEPTED = "grantee_report.accepted", _("Grantee report accepted")
    COMPLIANCE_REPORT_FILED = "compliance_report.filed", _("Compliance report filed")
    FILED_REPORT_DATA_CHANGED = "compliance_report.data_changed", _("Filed report superseded by new data")


class InboxItem(models.Model):
    """One in-app notification in a person's inbox.

    The words are not stored: ``kind`` names a translatable message and ``params`` holds the
    values it needs (names, titles, numbers), so the reader sees it in their own language
    (``notifications.messages.render``). ``link`` is the page of the object it is about (a path
    on this site); the page itself checks access when it is opened.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_items")
    kind = models.CharField(max_length=40, choices=InboxKind.choices)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=500)
    organization = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The organization whose event this is.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "in-app notification"
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="inbox_recipient_newest"),
            # The header's unread count reads only this.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="inbox_recipient_unread"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in InboxKind]), name="inbox_kind_valid"),
            # A path on this site, never another site's address.
            models.CheckConstraint(condition=Q(link__startswith="/") & ~Q(link__startswith="//"),
                                   name="inbox_link_local"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} -> {self.recipient_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
