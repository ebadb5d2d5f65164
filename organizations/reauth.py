"""Recent sign-in for acts that carry a person's name (attesting a compliance report).

The time of the last sign-in (or password confirmation) is kept in the session. An act that
asks for it (``needs_password``) wants the password again when that time is older than
``settings.REAUTHENTICATE_AFTER_MINUTES``; ``confirm_password`` checks it and renews the time.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest

SESSION_KEY = "authenticated_at"


def mark_authenticated(request: HttpRequest) -> None:
    request.session[SESSION_KEY] = time.time()


def needs_password(request: HttpRequest) -> bool:
    """True when the session's last sign-in is older than the allowed age (or unknown)."""
    at = request.session.get(SESSION_KEY)
    if not isinstance(at, int | float):
        return True
    return time.time() - float(at) > 60 * int(settings.REAUTHENTICATE_AFTER_MINUTES)


def confirm_password(request: HttpRequest, password: str) -> bool:
    """Check ``password`` against the signed-in user; on success the sign-in counts as recent."""
    user = request.user
    if not password or not getattr(user, "is_authenticated", False) or not user.check_password(password):
        return False
    mark_authenticated(request)
    return True


def _on_sign_in(sender: Any, request: HttpRequest | None = None, **_: Any) -> None:
    if request is not None and hasattr(request, "session"):
        mark_authenticated(request)


user_logged_in.connect(_on_sign_in, dispatch_uid="organizations.reauth.sign_in_time")
