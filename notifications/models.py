"""Outbox of e-mail notifications.

Each notification has a unique ``key`` naming why it exists (for example
``report-due:42:-7``), so asking twice for the same notification queues it once,
and the sending task skips a row already sent: a reminder goes out once even
when beat fires twice or a worker restarts.
"""

from django.db import models
from django.db.models import Q


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
