"""Tells ``reinvestment.sources`` which wellness fund each contribution payment went to, so a
credit reads "Contribution payment of 2026-01-15 to Imperial Valley Wellness Fund"."""

from __future__ import annotations

from reinvestment.references import SourceKind
from reinvestment.sources import register

from .models import ContributionPayment


def fund_names(payment_ids: set[int]) -> dict[int, str]:
    """payment id -> the name of the fund it was paid into (one query)."""
    return dict(ContributionPayment.objects.filter(pk__in=payment_ids).values_list("pk", "agreement__fund__name"))


register(SourceKind.CONTRIBUTION_PAYMENT, fund_names)
