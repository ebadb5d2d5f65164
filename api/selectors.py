"""Reads of the API app."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import ApiToken


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (a token belongs to a person, not an organization)."""
    if not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
