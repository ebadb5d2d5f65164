"""Reads about organizations and memberships for pages and commands."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from . import access
from .models import Membership, Organization


def organizations_for(user: Any) -> QuerySet[Organization]:
    return access.scoped(user, "view", Organization.objects.all()).order_by("kind", "legal_name")


def memberships_of(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, is_active=True).select_related("organization")


def affiliated_pairs(
    *, user_ids: Iterable[int], organization_ids: Iterable[int], on: datetime.date
) -> set[tuple[int, int]]:
    """(user id, organization id) pairs tied on ``on``: an affiliation in force, or an active membership.

    Two queries per call whatever the number of users and organizations; the
    conflict-of-interest rules of grants (reviewer exclusion, board recusal)
    read it.
    """
    from .models import Affiliation

    users, orgs = set(user_ids), set(organization_ids)
    if not users or not orgs:
        return set()
    in_force = (
        Affiliation.objects.filter(user_id__in=users, organization_id__in=orgs)
        .filter(Q(since__isnull=True) | Q(since__lte=on))
        .filter(Q(until__isnull=True) | Q(until__gte=on))
        .values_list("user_id", "organization_id")
    )
    members = Membership.objects.filter(
        user_id__in=users, organization_id__in=orgs, is_active=True
    ).values_list("user_id", "organization_id")
    return set(in_force.order_by()) | set(members.order_by())
