"""API tokens and idempotency records.

Personal API tokens
-------------------
A user creates a token for a tool and revokes it when the tool no longer needs
it. The secret is shown once, at creation; the database keeps only its SHA-256
hash and a short public ``prefix`` used to find the row (the secret itself is
``<prefix>.<random>``). A token has an expiry (``expires_at``), can be revoked
(``revoked_at``) and remembers when it was last used. A token only ever acts as
its user: it carries no roles of its own, so the same access rules as the
pages apply (organizations/access.py).

Idempotency records
-------------------
A state-changing POST may carry an ``Idempotency-Key`` header. The first
response to a key is stored per user + key together with a fingerprint of the
request (method, path and body); a repeat with the same fingerprint gets the
stored response back without acting again, a repeat with a different request
is refused (api/idempotency.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'finance sync'.")
    prefix = models.CharField(
        max_length=16, unique=True, help_text="Public part of the token, used to look it up."
    )
    secret_hash = models.CharField(
        max_length=64, help_text="SHA-256 (hex) of the whole token; the token itself is not stored."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A SHA-256 hex digest is exactly 64 lowercase hex characters; anything else
            # would mean a raw secret (or nothing) was stored.
            models.CheckConstraint(
                condition=Q(secret_hash__regex=r"^[0-9a-f]{64}$"), name="apitoken_hash_is_sha256"
            ),
            # A token that expires before it exists could never be used: refuse it.
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="apitoken_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IdempotencyRecord(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(
        max_length=64, help_text="SHA-256 (hex) of method, path and canonical request body."
    )
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True, blank=True)
    response_headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One stored response per user and key: this unique index is also what makes a
            # concurrent repeat wait for the first request and then replay its response.
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_user_key"),
            # Only successful responses are kept: after an error nothing was done, so a retry acts.
            models.CheckConstraint(
                condition=Q(status_code__gte=200) & Q(status_code__lt=300),
                name="idempotency_status_success",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
