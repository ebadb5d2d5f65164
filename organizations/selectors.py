"""Reads about organizations and memberships for pages and commands."""

from typing import Any

from django.db.models import QuerySet

from . import access
from .models import Membership, Organization


def organizations_for(user: Any) -> QuerySet[Organization]:
    return access.scoped(user, "view", Organization.objects.all()).order_by("kind", "legal_name")


def memberships_of(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, is_active=True).select_related("organization")
