"""The grants pipeline of a fund: applications by stage against the money available to award."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from moneyed import Money

from wellness_fund import commitments
from wellness_fund.models import WellnessFund

from ..models import FundingOpportunity

STAGES = ("applied", "recommended", "approved", "awarded")
_STAGE_FILTERS = {
    "applied": Q(applications__submitted_at__isnull=False),
    "recommended": Q(applications__status__in=["recommended", "approved", "declined", "awarded"]),
    "approved": Q(applications__status__in=["approved", "awarded"]),
    "awarded": Q(applications__status="awarded"),
}


def pipeline(*, fund: WellnessFund, as_of: dt.date | None = None) -> dict[str, Any]:
    """Per opportunity of ``fund``: count and amount at each stage, and the money available to award.

    Stages are cumulative: *applied* = ever submitted (requested amounts),
    *recommended* = recommended by the administrator, whatever the board then
    decided (requested amounts), *approved* = approved by the board (approved
    amounts), *awarded* = awarded (award amounts). Available: per restriction
    through ``wellness_fund.commitments.available_to_award``; the fund's figure
    is their sum. Queries: 3 for the opportunities, plus the ledger's per restriction.
    """
    annotations: dict[str, Any] = {}
    for stage, condition in _STAGE_FILTERS.items():
        annotations[f"{stage}_count"] = Count("applications", filter=condition, distinct=True)
    annotations["applied_amount"] = Sum("applications__requested_amount", filter=_STAGE_FILTERS["applied"])
    annotations["recommended_amount"] = Sum("applications__requested_amount", filter=_STAGE_FILTERS["recommended"])
    annotations["approved_amount"] = Sum("applications__decision__approved_amount", filter=_STAGE_FILTERS["approved"])
    annotations["awarded_amount"] = Sum("applications__award__amount", filter=_STAGE_FILTERS["awarded"])
    opportunities = list(
        FundingOpportunity.objects.filter(fund=fund).select_related("restriction")
        .annotate(**annotations).order_by("opens_at", "id")
    )
    restrictions = list(fund.restrictions.order_by("code"))
    available = {r.pk: commitments.available_to_award(fund=fund, restriction=r, as_of=as_of) for r in restrictions}
    zero = Decimal("0.00")
    rows = []
    for o in opportunities:
        rows.append({
            "opportunity_id": o.pk,
            "title": o.title,
            "status": o.status,
            "restriction": o.restriction.code,
            "total_budget": o.total_budget.amount,
            "stages": {
                stage: {"count": getattr(o, f"{stage}_count"),
                        "amount": (getattr(o, f"{stage}_amount") or zero).quantize(Decimal("0.01"))}
                for stage in STAGES
            },
            "restriction_available": available[o.restriction_id].amount,
        })
    total: Money = sum((m for m in available.values()), Money(0, fund.currency))
    return {
        "fund": fund.code,
        "fund_name": fund.name,
        "currency": fund.currency,
        "available": total.amount.quantize(Decimal("0.01")),
        "available_by_restriction": {r.code: available[r.pk].amount for r in restrictions},
        "opportunities": rows,
    }
