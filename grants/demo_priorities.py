"""Demo data (idempotent, after ``grants.demo``): demo-fund-1's call for proposals and its awards
tagged with the Imperial County CHIP priorities they serve (the fund's public page and the
compliance report show them)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from community.models import HealthPriority
from organizations.actors import DEMO
from wellness_fund.models import WellnessFund

from .models import Award, AwardStatus, FundingOpportunity, GrantPriorityTag
from .services import priorities


def load(stdout: Any = None) -> dict[str, Any]:
    fund = WellnessFund.objects.filter(code="demo-fund-1").first()
    chip = list(HealthPriority.objects.filter(health_plan__counties__name="Imperial", health_plan__counties__state="CA")
                .order_by("health_plan__title", "position"))
    if fund is None or len(chip) < 2:
        return {"skipped": "demo-fund-1 or the Imperial CHIP does not exist"}
    tagged = 0
    with transaction.atomic():
        for opportunity in FundingOpportunity.objects.filter(fund=fund).order_by("pk"):
            if not GrantPriorityTag.objects.filter(opportunity=opportunity).exists():
                priorities.opportunity_priority_tag(actor=DEMO, opportunity=opportunity, priority=chip[0])
                tagged += 1
        awards = Award.objects.filter(fund=fund).exclude(status=AwardStatus.CANCELLED).order_by("pk")
        for i, award in enumerate(awards):
            if not GrantPriorityTag.objects.filter(award=award).exists():
                priorities.award_priority_tag(actor=DEMO, award=award, priority=chip[1 + i % (len(chip) - 1)])
                tagged += 1
    return {"tagged": tagged}
