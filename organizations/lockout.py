"""Sign-in lockout after repeated failures.

Failures are counted per normalized username whether or not such a user
exists, and every refusal uses the same wording, so the sign-in form never
tells an attacker which usernames are real. Threshold and lock length come from
settings (LOGIN_LOCKOUT_THRESHOLD failures, LOGIN_LOCKOUT_MINUTES minutes).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import record

from .models import LoginThrottle


def normalize(username: str) -> str:
    return (username or "").strip().lower()[:254]


def locked_until(username: str):  # type: ignore[no-untyped-def]
    """When the lock on ``username`` ends, or None when it may try to sign in."""
    throttle = LoginThrottle.objects.filter(username=normalize(username)).first()
    if throttle and throttle.locked_until and throttle.locked_until > timezone.now():
        return throttle.locked_until
    return None


def register_failure(username: str) -> bool:
    """Count a failed attempt; True when this failure locks the username."""
    now = timezone.now()
    with transaction.atomic():
        throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(
            username=normalize(username)
        )
        if throttle.locked_until and throttle.locked_until <= now:
            throttle.failures = 0
            throttle.locked_until = None
        throttle.failures += 1
        throttle.last_failure_at = now
        locked = throttle.failures >= settings.LOGIN_LOCKOUT_THRESHOLD
        if locked:
            throttle.locked_until = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        throttle.save()
        record(
            actor=None,
            action="auth.lockout" if locked else "auth.login_failed",
            obj=throttle,
            after={"username": throttle.username, "failures": throttle.failures},
        )
    return locked


def register_success(username: str) -> None:
    with transaction.atomic():
        LoginThrottle.objects.filter(username=normalize(username)).delete()
