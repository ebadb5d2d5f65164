"""Demo data (idempotent): demo-plan's community advisory committee with two meetings (one held,
one scheduled with its agenda posted), county CHIPs for Imperial and Riverside with their
priorities (demo documents, flagged unverified), priorities declared by demo-fund-1 and tagged on
a direct investment (discussed at the committee's held meeting), demo-fund-1's people served by race and by language (made-up figures), demo-plan's reinvestment
plan for income year 2024, submitted, returned once and approved, and a vaccination van the plan
operates itself (a direct investment without another payee) with its vaccination rates by race."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypedDict

from django.db import transaction
from django.utils import timezone

from organizations.actors import DEMO
from organizations.models import County, Organization
from reinvestment import services as reinvestment_services
from reinvestment.models import DirectInvestment
from wellness_fund.models import WellnessFund

from . import services
from .models import (
    AdvisoryBody,
    AdvisoryBodyType,
    CommunityHealthPlan,
    Constituency,
    Decision,
    DisparityTarget,
    InvestmentMeeting,
    MeetingStatus,
    OutcomeMeasure,
    PlanStatus,
    PriorityTag,
    ReinvestmentPlan,
    StratifiedOutcome,
)

PLAN = "demo-plan"
CAC = "golden-valley-cac"

MEMBERS = [
    ("Rosa Delgado", "rosa.delgado@demo.example", "medi-cal-member", True),
    ("Tomás Aguilar", "tomas.aguilar@demo.example", "parent-caregiver", False),
    ("Keisha Brown", "keisha.brown@demo.example", "parent-caregiver", True),
    ("Dr. Anh Tran", "anh.tran@demo.example", "county-public-health", True),
    ("Samuel Whitehorse", "samuel.whitehorse@demo.example", "tribal", False),
    ("María López", "maria.lopez@demo.example", "cbo", True),
]

class DemoHealthPlan(TypedDict):
    title: str
    county: str
    publisher: str
    period: tuple[int, int]
    priorities: list[str]


HEALTH_PLANS: list[DemoHealthPlan] = [
    {"title": "Imperial County Community Health Improvement Plan (demo)", "county": "Imperial",
     "publisher": "Imperial County Public Health Department", "period": (2022, 2026),
     "priorities": ["Access to care and navigation in Spanish", "Asthma and air quality",
                    "Diabetes and healthy food access", "Behavioral health of children and youth"]},
    {"title": "Riverside County Community Health Improvement Plan (demo)", "county": "Riverside",
     "publisher": "Riverside University Health System – Public Health", "period": (2023, 2027),
     "priorities": ["Hypertension and heart health", "Housing stability", "Maternal and infant health"]},
]


def load() -> dict[str, Any]:
    plan = Organization.objects.filter(code=PLAN).first()
    if plan is None:  # organizations demo not loaded
        return {}
    counties = {c.name: c for c in County.objects.filter(state="CA", name__in=["Imperial", "Riverside"])}
    with transaction.atomic():
        body = AdvisoryBody.objects.filter(code=CAC).first()
        if body is None:
            body = services.advisory_body_create(
                actor=DEMO, organization=plan, body_type=AdvisoryBodyType.objects.get(code="cac"), code=CAC,
                name="Golden Valley Health Plan Community Advisory Committee",
                description="Members and families advise the plan on its population needs assessment, health "
                            "equity strategies and community reinvestment.",
                counties=list(counties.values()))
            for name, email, constituency, public in MEMBERS:
                services.advisory_member_add(actor=DEMO, body=body, name=name, email=email, name_public=public,
                                             constituency=Constituency.objects.get(code=constituency),
                                             joined_on=dt.date(2025, 1, 15))
            held = services.advisory_meeting_schedule(
                actor=DEMO, body=body, meets_on=dt.date(2025, 9, 10), starts_at=dt.time(17, 30),
                location="El Centro Public Library, and by video",
                agenda="1. Welcome and interpretation\n2. Community reinvestment: income year 2024\n"
                       "3. County CHIP priorities\n4. Public comment",
                topics=["Community reinvestment 2024", "CHIP priorities", "Interpretation and childcare"])
            services.advisory_meeting_record(
                actor=DEMO, meeting=held, attendees=list(body.members.all()[:5]), public_attendees=7,
                notes="The committee reviewed the plan's draft reinvestment lines for 2024. Members asked that "
                      "asthma education in Imperial be delivered in Spanish by promotores, and that Riverside "
                      "funding include blood pressure checks where people already gather. Childcare and "
                      "interpretation were provided; members were compensated for their time.")
            services.advisory_meeting_schedule(
                actor=DEMO, body=body, meets_on=timezone.localdate() + dt.timedelta(days=45),
                starts_at=dt.time(17, 30), location="Riverside Community Center, and by video",
                agenda="1. Welcome\n2. Reinvestment plan 2025: first draft\n3. Member satisfaction results\n"
                       "4. Public comment",
                topics=["Reinvestment plan 2025", "Member satisfaction"])

        priorities = {}
        for spec in HEALTH_PLANS:
            doc = CommunityHealthPlan.objects.filter(title=spec["title"]).first()
            if doc is None:
                doc = services.health_plan_create(
                    actor=DEMO, title=spec["title"], publisher=spec["publisher"],
                    counties=[counties[spec["county"]]], period_start=spec["period"][0],
                    period_end=spec["period"][1], priorities=spec["priorities"], verified=False)
            priorities[spec["county"]] = list(doc.priorities.all())

        fund = WellnessFund.objects.filter(code="demo-fund-1").first()
        if fund is not None and not PriorityTag.objects.filter(fund=fund).exists():
            for p in priorities["Imperial"][:2]:
                services.priority_tag_fund(actor=DEMO, priority=p, fund=fund)
        investment = DirectInvestment.objects.filter(plan=plan, county=counties["Imperial"]).order_by("pk").first()
        if investment is not None and not PriorityTag.objects.filter(direct_investment=investment).exists():
            services.priority_tag_investment(actor=DEMO, priority=priorities["Imperial"][1], investment=investment)
        held_meeting = body.meetings.filter(status=MeetingStatus.HELD).order_by("meets_on", "pk").first()
        if investment is not None and held_meeting is not None \
                and not InvestmentMeeting.objects.filter(direct_investment=investment).exists():
            services.investment_meeting_link(actor=DEMO, investment=investment, meeting=held_meeting)

        if fund is not None and not StratifiedOutcome.objects.filter(fund=fund).exists():
            measure = OutcomeMeasure.objects.get(code="people-served")
            period = (dt.date(2025, 7, 1), dt.date(2026, 6, 30))
            services.outcomes_record(
                actor=DEMO, fund=fund, measure=measure, period_start=period[0], period_end=period[1],
                dimension="race", counts={"hispanic_latino": 812, "white": 96, "american_indian_alaska_native": 14,
                                          "black_african_american": 21, "asian": 7, "middle_eastern_north_african": 4,
                                          "not_reported": 58, "declined": 19})
            services.outcomes_record(
                actor=DEMO, fund=fund, measure=measure, period_start=period[0], period_end=period[1],
                dimension="language", counts={"spanish": 604, "english": 371, "mixteco": 23, "another_language": 9,
                                              "not_reported": 24})

        if fund is not None:
            _well_child_visits(fund)
        _vaccination_van(plan, counties["Imperial"])

        rp = ReinvestmentPlan.objects.filter(plan=plan, income_year=2024).first()
        if rp is None:
            rp = services.reinvestment_plan_create(
                actor=DEMO, plan=plan, income_year=2024,
                narrative="Investments follow the Imperial and Riverside CHIP priorities and the advice of the "
                          "plan's community advisory committee.")
            services.reinvestment_plan_line_add(
                actor=DEMO, reinvestment_plan=rp, county=counties["Imperial"], domain="health_care",
                priority=priorities["Imperial"][1], description="Promotores asthma education in Spanish",
                amount=Decimal("350000.00"))
            services.reinvestment_plan_line_add(
                actor=DEMO, reinvestment_plan=rp, county=counties["Riverside"], domain="health_care",
                priority=priorities["Riverside"][0], description="Barber-pharmacist blood pressure checks",
                amount=Decimal("275000.00"))
            cac = AdvisoryBody.objects.get(code=CAC)
            services.reinvestment_plan_update(
                actor=DEMO, reinvestment_plan=rp,
                meetings=list(cac.meetings.filter(status=MeetingStatus.HELD)))
            services.reinvestment_plan_submit(actor=DEMO, reinvestment_plan=rp)
            services.reinvestment_plan_decide(
                actor=DEMO, reinvestment_plan=rp, decision=Decision.RETURNED,
                comments="Add a line for food access in Imperial (CHIP priority: diabetes and healthy food access).")
            services.reinvestment_plan_line_add(
                actor=DEMO, reinvestment_plan=rp, county=counties["Imperial"], domain="food",
                priority=priorities["Imperial"][2], description="Produce prescriptions at two clinics",
                amount=Decimal("120000.00"))
            services.reinvestment_plan_submit(actor=DEMO, reinvestment_plan=rp)
            services.reinvestment_plan_decide(actor=DEMO, reinvestment_plan=rp, decision=Decision.APPROVED)
    rp.refresh_from_db()
    return {"cac": CAC, "reinvestment_plan": rp.pk, "approved": rp.status == PlanStatus.APPROVED}


#: Well-child visits completed / children due, by race (made-up figures): a baseline year and the year
#: after, one small cell (suppressed on the public page and in the report).
WELL_CHILD = {
    (dt.date(2024, 7, 1), dt.date(2025, 6, 30)): (
        {"hispanic_latino": 410, "white": 88, "black_african_american": 15, "asian": 6,
         "american_indian_alaska_native": 12, "not_reported": 30},
        {"hispanic_latino": 620, "white": 110, "black_african_american": 24, "asian": 9,
         "american_indian_alaska_native": 20, "not_reported": 50}),
    (dt.date(2025, 7, 1), dt.date(2026, 6, 30)): (
        {"hispanic_latino": 472, "white": 92, "black_african_american": 18, "asian": 7,
         "american_indian_alaska_native": 14, "not_reported": 31},
        {"hispanic_latino": 640, "white": 112, "black_african_american": 25, "asian": 10,
         "american_indian_alaska_native": 21, "not_reported": 50}),
}


def _well_child_visits(fund: WellnessFund) -> None:
    """A rate stratified by race for two years, and a disparity target: halve the gap between Hispanic or
    Latino children and White children."""
    measure, _ = OutcomeMeasure.objects.get_or_create(code="well-child-visits-demo", defaults={
        "name": "Well-child visits completed (demo)", "suppress_below": 11, "unverified": True,
        "description": "Children who completed their well-child visits, of the children due for them.",
        "source_citation": "Demo measure. California Quality Collaborative, Health Equity Roadmap: HEDIS measures "
                           "stratified by race and ethnicity; the threshold follows the people counts."})
    for (start, end), (counts, denominators) in WELL_CHILD.items():
        if not StratifiedOutcome.objects.filter(fund=fund, measure=measure, period_start=start).exists():
            services.outcomes_record(actor=DEMO, fund=fund, measure=measure, period_start=start, period_end=end,
                                     dimension="race", counts=counts, denominators=denominators)
    if not DisparityTarget.objects.filter(fund=fund, measure=measure).exists():
        (b_start, b_end), (t_start, t_end) = WELL_CHILD
        services.disparity_target_set(
            actor=DEMO, fund=fund, measure=measure, dimension="race", group="hispanic_latino", reference="group",
            reference_category="white", reduction=Decimal("0.5"), baseline_start=b_start, baseline_end=b_end,
            target_start=t_start, target_end=t_end,
            rationale="The advisory committee asked that the gap in well-child visits be halved within a year.")


VAN_PURPOSE = "Mobile vaccination van at farmworker housing and swap meets (operated by the plan)"

#: Adults vaccinated against flu at the van / adults seen at the van, by race (made-up figures; one
#: small cell, suppressed in the report).
VAN_OUTCOMES = (
    {"hispanic_latino": 318, "white": 41, "american_indian_alaska_native": 6, "not_reported": 22},
    {"hispanic_latino": 402, "white": 63, "american_indian_alaska_native": 9, "not_reported": 30},
)


def _vaccination_van(plan: Organization, county: County) -> None:
    """A program the plan runs itself: recorded as a direct investment operated by the plan, with its
    stratified outcomes (the plan's own staff record them)."""
    van = DirectInvestment.objects.filter(plan=plan, operated_by_plan=True, purpose=VAN_PURPOSE).first()
    if van is None:
        van = reinvestment_services.direct_investment_record(
            actor=DEMO, plan=plan, operated_by_plan=True, purpose=VAN_PURPOSE, county=county,
            domain="health_care", paid_on=dt.date(2026, 2, 10), amount=Decimal("95000.00"),
            cha_chip_aligned=True, cac_consulted=True, income_year=2024)
    measure, _ = OutcomeMeasure.objects.get_or_create(code="flu-vaccination-demo", defaults={
        "name": "Adults vaccinated against flu (demo)", "suppress_below": 11, "unverified": True,
        "description": "Adults vaccinated against flu at the van, of the adults seen there.",
        "source_citation": "Demo measure; the threshold follows the people counts."})
    if not StratifiedOutcome.objects.filter(direct_investment=van, measure=measure).exists():
        counts, denominators = VAN_OUTCOMES
        services.outcomes_record(actor=DEMO, direct_investment=van, measure=measure,
                                 period_start=dt.date(2026, 2, 1), period_end=dt.date(2026, 10, 31),
                                 dimension="race", counts=counts, denominators=denominators)
