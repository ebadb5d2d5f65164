"""Demo data (idempotent, after ``grants.demo``): demo-fund-1's call for proposals and its awards
tagged with the Imperial County CHIP priorities they serve (the fund's public page and the
compliance report show them); the fund's ACH's community advisory council, with a held meeting
where the first award was discussed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from community import services as community_services
from community.models import (
    AdvisoryBody,
    AdvisoryBodyType,
    AdvisoryMeeting,
    HealthPriority,
    MeetingStatus,
)
from organizations.actors import DEMO
from wellness_fund.models import WellnessFund

from .models import Award, AwardMeeting, AwardStatus, FundingOpportunity, GrantPriorityTag
from .services import advisory, priorities

COUNCIL = "demo-ach-community-council"


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
        first = awards.first()
        if first is not None and not AwardMeeting.objects.filter(award=first).exists():
            advisory.award_meeting_link(actor=DEMO, award=first, meeting=_council_meeting(fund))
    return {"tagged": tagged}


def _council_meeting(fund: WellnessFund) -> AdvisoryMeeting:
    """The held meeting of the ACH's community advisory council (created once)."""
    body = AdvisoryBody.objects.filter(code=COUNCIL).first()
    if body is None:
        body = community_services.advisory_body_create(
            actor=DEMO, organization=fund.ach, fund=fund, body_type=AdvisoryBodyType.objects.get(code="cac"),
            code=COUNCIL,
            name=f"{fund.ach.name} Community Advisory Council",
            description="Residents and community organizations advise the fund on its calls for proposals "
                        "and the awards it makes.")
    held = body.meetings.filter(status=MeetingStatus.HELD).order_by("meets_on", "pk").first()
    if held is None:
        held = community_services.advisory_meeting_schedule(
            actor=DEMO, body=body, meets_on=dt.date(2025, 10, 14), starts_at=dt.time(18, 0),
            location="Brawley Community Center, and by video",
            agenda="1. Welcome and interpretation\n2. Awards of the prevention call\n3. Public comment",
            topics=["Prevention awards", "Interpretation"])
        held = community_services.advisory_meeting_record(
            actor=DEMO, meeting=held, public_attendees=12,
            notes="The council heard the prevention awards recommended to the board and asked that grantees "
                  "report the languages of the people they serve.")
    return held
