"""Sign-in lockout after repeated failures, per username and per client address.

* Per username: failures are counted per normalized username whether or not such a
  user exists, and every refusal uses the same wording, so the sign-in form never
  tells an attacker which usernames are real. LOGIN_LOCKOUT_THRESHOLD failures lock
  the username for LOGIN_LOCKOUT_MINUTES minutes. Completing a password reset (any
  new password saved) lifts the lock, so a locked-out person is never stuck.
* Per client address: LOGIN_ADDRESS_THRESHOLD failures from one address within
  LOGIN_ADDRESS_WINDOW_MINUTES (counted from the window's first failure) refuse every
  further attempt from it until the window ends, whatever the usernames tried, so a
  guesser cannot spread over usernames. A success does not reset it. The address is
  ``REMOTE_ADDR``, or, when LOGIN_CLIENT_ADDRESS_HEADER names the header the proxy in
  front sets (e.g. ``X-Forwarded-For``), the last address in that header (the one the
  proxy itself appended).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import record

from .actors import SIGN_IN
from .models import AddressThrottle, LoginThrottle


def normalize(username: str) -> str:
    return (username or "").strip().lower()[:254]


def locked_until(username: str) -> dt.datetime | None:
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
            throttle.locked_until = now + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        throttle.save()
        record(
            actor=SIGN_IN,
            action="auth.lockout" if locked else "auth.login_failed",
            obj=throttle,
            after={"username": throttle.username, "failures": throttle.failures},
        )
    return locked


def register_success(username: str) -> None:
    with transaction.atomic():
        LoginThrottle.objects.filter(username=normalize(username)).delete()


def password_changed(username: str) -> None:
    """A new password was saved: lift any lock on the username (audited when there was one)."""
    with transaction.atomic():
        throttle = LoginThrottle.objects.select_for_update().filter(username=normalize(username)).first()
        if throttle is None:
            return
        if throttle.locked_until and throttle.locked_until > timezone.now():
            record(actor=SIGN_IN, action="auth.unlock", obj=throttle,
                   before={"username": throttle.username, "failures": throttle.failures},
                   reason="A new password was set.")
        throttle.delete()


def client_address(request: Any) -> str:
    """The client's address for throttling ("" when unknown or malformed)."""
    if request is None:
        return ""
    header = getattr(settings, "LOGIN_CLIENT_ADDRESS_HEADER", "")
    if header:
        key = "HTTP_" + header.upper().replace("-", "_")
        candidate = (request.META.get(key) or "").split(",")[-1].strip()
    else:
        candidate = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return ""


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.LOGIN_ADDRESS_WINDOW_MINUTES)


def address_blocked(address: str) -> bool:
    """True while ``address`` has used up its failures for the current window."""
    if not address:
        return False
    return AddressThrottle.objects.filter(
        address=address, failures__gte=settings.LOGIN_ADDRESS_THRESHOLD,
        window_started_at__gt=timezone.now() - _window(),
    ).exists()


def register_address_failure(address: str) -> bool:
    """Count a failed attempt from ``address``; True when this failure blocks the address."""
    if not address:
        return False
    now = timezone.now()
    with transaction.atomic():
        throttle, _ = AddressThrottle.objects.select_for_update().get_or_create(
            address=address, defaults={"window_started_at": now}
        )
        if throttle.window_started_at <= now - _window():
            throttle.failures = 0
            throttle.window_started_at = now
        throttle.failures += 1
        throttle.save()
        blocked = throttle.failures == settings.LOGIN_ADDRESS_THRESHOLD
        if blocked:
            record(actor=SIGN_IN, action="auth.address_lockout", obj=throttle,
                   after={"address": address, "failures": throttle.failures})
    return blocked
