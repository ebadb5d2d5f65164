"""Funding opportunities a user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from organizations import access

from ..models import FundingOpportunity


def opportunities_visible(*, user: Any) -> QuerySet[FundingOpportunity]:
    """Opportunities the user may see (ACH staff: their funds'; CBO staff: open ones). One query."""
    return access.scoped(user, "view", FundingOpportunity.objects.all()).select_related(
        "fund", "restriction"
    ).order_by("closes_at", "id")
