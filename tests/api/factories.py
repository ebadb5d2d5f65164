"""Factories and helpers for API tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import token_create


def money(amount: str) -> dict[str, str]:
    """A money field as the API takes it."""
    return {"amount": amount, "currency": "USD"}


def fund_setup() -> dict[str, Any]:
    """An ACH ("api-ach") with a fund ("api-fund"), and another ACH's fund ("api-other-fund")."""
    from tests.wellness_fund import factories as wf

    owner = wf.ach("api-ach")
    fund = wf.fund(code="api-fund", owner=owner)
    other_fund = wf.fund(code="api-other-fund")
    return {"ach": owner, "fund": fund, "other_fund": other_fund}


def make_token(user, *, name: str = "tool", days: int = 30) -> tuple[ApiToken, str]:
    """A live token for ``user`` (through the service, as a user would create it)."""
    return token_create(actor=user, name=name, expires_at=timezone.now() + dt.timedelta(days=days))


def token_client(user, **kwargs) -> APIClient:
    """An API client authenticated with a fresh token of ``user``."""
    _, raw = make_token(user, **kwargs)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def session_client(user, *, csrf: bool = True) -> APIClient:
    """An API client signed in with a browser session, CSRF checks on as in a browser.

    With ``csrf`` it carries the CSRF cookie and header a page would send.
    """
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    if csrf:
        secret = _get_new_csrf_string()
        client.cookies[settings.CSRF_COOKIE_NAME] = secret
        client.credentials(HTTP_X_CSRFTOKEN=secret)
    return client
