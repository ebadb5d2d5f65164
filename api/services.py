"""Writes of the API app: personal tokens (audited) and stored idempotent responses.

Token rules:

* a user creates and revokes their own tokens (a site administrator may revoke
  anyone's, e.g. after a leak);
* the secret is ``crt_<prefix>_<random>``; only its SHA-256 is stored and the
  secret is returned once, by ``token_create``;
* every token expires: ``settings.API_TOKEN_DEFAULT_DAYS`` after creation unless
  the user picks an earlier or later date, never more than
  ``settings.API_TOKEN_MAX_DAYS`` (days);
* a revoked or expired token authenticates nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import record, snapshot
from organizations import access
from organizations.actors import Actor, SystemActor, User

from .models import ApiToken

TOKEN_PREFIX = "crt_"
TOKEN_AUDIT_FIELDS = ["user", "name", "prefix", "created_at", "expires_at", "revoked_at"]


def hash_secret(raw: str) -> str:
    """SHA-256 (hex) of a whole token string."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_create(
    *, actor: Actor, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for ``actor`` itself; returns the row and the secret (shown once).

    A token is a person's own: a system actor gets ``AccessDenied``.
    """
    if not isinstance(actor, User) or not actor.is_active:
        raise access.AccessDenied("Only a signed-in, active user creates API tokens.")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the token a name saying what it is for."})
    now = timezone.now()
    max_days = int(settings.API_TOKEN_MAX_DAYS)
    if expires_at is None:
        expires_at = now + dt.timedelta(days=int(settings.API_TOKEN_DEFAULT_DAYS))
    if timezone.is_naive(expires_at):
        raise ValidationError({"expires_at": "Give the expiry with a time zone offset."})
    if expires_at <= now:
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    if expires_at > now + dt.timedelta(days=max_days):
        raise ValidationError({"expires_at": f"A token lives at most {max_days} days."})
    prefix = secrets.token_hex(6)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken(user=actor, name=name, prefix=prefix, secret_hash=hash_secret(raw),
                         expires_at=expires_at)
        token.full_clean(exclude=["created_at"])
        token.save()
        record(actor=actor, action="api.token.create", obj=token,
               after=snapshot(token, TOKEN_AUDIT_FIELDS))
    return token, raw


def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke ``token`` now. Only its owner, a site administrator or a system actor (an operator's
    command) may; twice is an error."""
    owner = isinstance(actor, User) and actor.pk == token.user_id
    if not owner and not isinstance(actor, SystemActor) and not access.is_site_admin(actor):
        raise access.AccessDenied("Only the token's owner revokes it.")
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise ValidationError({"status": "This token is already revoked."})
        before = snapshot(token, TOKEN_AUDIT_FIELDS)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor=actor, action="api.token.revoke", obj=token, before=before,
               after=snapshot(token, TOKEN_AUDIT_FIELDS))
    return token


class TokenRejected(Exception):
    """A presented token is unknown, malformed, revoked or expired (``code`` says which)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def token_authenticate(raw: str) -> ApiToken:
    """The live token for ``raw`` (its user loaded); raises ``TokenRejected`` otherwise.

    Marks the token used at most once a minute (``last_used_at`` is bookkeeping,
    written without an audit row so reading through the API does not fill the
    audit trail).
    """
    prefix, sep, rest = raw[len(TOKEN_PREFIX):].partition("_")
    if not raw.startswith(TOKEN_PREFIX) or not sep or not rest or len(prefix) != 12:
        raise TokenRejected("invalid_token", "The API token is malformed.")
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not secrets.compare_digest(token.secret_hash, hash_secret(raw)):
        raise TokenRejected("invalid_token", "The API token is not valid.")
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRejected("token_revoked", "The API token has been revoked.")
    if token.expires_at <= now:
        raise TokenRejected("token_expired", "The API token has expired.")
    if not token.user.is_active:
        raise TokenRejected("invalid_token", "The API token's user is inactive.")
    changed = token.user.password_changed_at
    if changed is not None and token.created_at < changed:
        raise TokenRejected("token_revoked", "The API token was created before the password was changed; "
                                             "create a new one.")
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
