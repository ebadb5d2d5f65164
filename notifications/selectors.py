"""Reads of a person's inbox: their own notifications only (anyone else's is "not found")."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from .models import InboxItem


def inbox_for(*, user: Any) -> QuerySet[InboxItem]:
    """The user's notifications, newest first (none for an anonymous visitor)."""
    if not (user and user.is_authenticated):
        return InboxItem.objects.none()
    return InboxItem.objects.filter(recipient_id=user.pk).order_by("-created_at", "-pk")


def unread_count(*, user: Any) -> int:
    """How many of the user's notifications are unread: one query (none for an anonymous visitor)."""
    if not (user and user.is_authenticated):
        return 0
    return InboxItem.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def inbox_item_get(*, user: Any, pk: int) -> InboxItem:
    """One of the user's own notifications; 404 for another person's or a missing one alike."""
    try:
        return inbox_for(user=user).get(pk=pk)
    except InboxItem.DoesNotExist as exc:
        raise Http404("Not found") from exc
