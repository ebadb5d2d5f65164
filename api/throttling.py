"""Rate limits: per token for token requests, per user for browser sessions, per address otherwise.

Rates (``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``): ``api_token``, ``api_user``,
``api_anon``, e.g. ``"600/minute"``. Counters live in the default cache. An
exceeded limit is a 429 ``throttled`` with ``Retry-After`` (seconds).
"""

from __future__ import annotations

from typing import Any

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class ApiRateThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        # Read the rates on each request so settings overrides take effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request: Any, view: Any) -> bool:
        if isinstance(request.auth, ApiToken):
            self.scope, ident = "api_token", f"token:{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            self.scope, ident = "api_user", f"user:{request.user.pk}"
        else:
            self.scope, ident = "api_anon", f"addr:{self.get_ident(request)}"
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = self.cache_format % {"scope": self.scope, "ident": ident}
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        return self.throttle_success()

    def __init__(self) -> None:  # the rate is chosen per request in allow_request
        pass

    def get_cache_key(self, request: Any, view: Any) -> str | None:  # pragma: no cover - unused
        return None
