"""Demo grants (idempotent), on ``demo-fund-1`` of demo-ach-1, acted by the demo users.

* The Imperial Valley Wellness Fund Commission: chair ``chair`` and members
  ``board1``..``board3`` (board3 volunteers with the promotores network, a
  recorded affiliation); majority-of-seated quorum with recused members not
  counted; majority of votes cast passes.
* A **decided** call, "2026 Community Prevention Grants": applications from
  the promotores network (``cbo``) and the barbershop blood-pressure
  collaborative (``cbo2``), reviewed (board3 excluded from the promotores
  application by affiliation), recommended, approved as a slate at a meeting
  where board3 is recused, with **certified minutes**, and awarded (the
  promotores award accepted). The history of that call is compressed into
  the moment the demo loads: it is opened and submitted to now, then its
  close time is moved to the past so it can be closed and decided.
* After the award (``_after_award``): the barbershop award is **closed** (both
  reports accepted, two tranches paid, 550.00 unspent returned to the fund and the
  unpaid 2,500.00 released); the promotores award is **in progress** (first
  tranche paid, progress report accepted with people served, second tranche
  released); the well-child award is **offered** (not yet accepted).
* An **open** call, "2027 Community Health Worker Training Pathway", on the
  ``chw-training`` restriction, with a draft application by ``cbo``.

Nothing is created when ``demo-fund-1`` does not exist (the wellness fund
demo runs first).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from organizations.models import Affiliation, County, Organization, User
from organizations.services import affiliation_record
from wellness_fund.models import Restriction, WellnessFund

from . import services
from .models import Award, Decision, Disbursement, FundingOpportunity, GoverningBody, VotingRule

DECIDED_TITLE = "2026 Community Prevention Grants"
OPEN_TITLE = "2027 Community Health Worker Training Pathway"
BODY_NAME = "Imperial Valley Wellness Fund Commission"

RUBRIC = [
    {"name": "Community need and reach", "weight": "35", "scale_max": 5,
     "description": "Evidence of need in the county; who is reached and how."},
    {"name": "Cultural and linguistic fit", "weight": "25", "scale_max": 5,
     "description": "Delivered by trusted messengers in the community's languages."},
    {"name": "Feasibility and budget", "weight": "20", "scale_max": 5},
    {"name": "Measurable outcomes", "weight": "20", "scale_max": 5},
]
QUESTIONS = [
    {"text": "Is the organization a 501(c)(3) nonprofit or fiscally sponsored by one?",
     "choices": ["yes", "no"], "disqualifying": ["no"]},
    {"text": "Will the project serve residents of Imperial County?", "choices": ["yes", "no"],
     "disqualifying": ["no"]},
]
REPORTING = {
    "frequency_months": 6, "due_days_after_period": 30, "final_due_days_after_end": 60,
    "metrics": [
        {"code": "sessions", "label": "Education sessions held", "unit": "count"},
        {"code": "participants", "label": "Participants reached", "unit": "people"},
        {"code": "bp_screenings", "label": "Blood pressure screenings", "unit": "count"},
    ],
    "demographics": ["county", "race", "ethnicity", "language", "disability", "sexual_orientation",
                     "gender_identity", "sex", "age_band"],
}

APPLICATIONS: list[dict[str, Any]] = [
    {
        "org": "demo-cbo-promotores", "user": "cbo", "amount": "40000.00",
        "fields": {
            "contact_name": "María López", "contact_email": "cbo@demo.example", "contact_phone": "760-555-0101",
            "project_title": "Promotores de salud: diabetes and asthma education",
            "project_summary": "A network of 56 volunteer community health promoters (17 core) runs "
                               "culturally relevant sessions on asthma, diabetes, screenings and diet "
                               "in Spanish and English across the valley.",
            "target_populations": "Latino farmworker families; Spanish-speaking adults with diabetes risk",
            "domains": ["health_care", "food"],
        },
        "budget": [("personnel", "Promotores stipends (17 core x 12 months)", "24000.00"),
                   ("supplies", "Glucometers, teaching kits and healthy-cooking supplies", "9000.00"),
                   ("travel", "Mileage to rural colonias", "4000.00"),
                   ("indirect", "Indirect costs (7.5%)", "3000.00")],
        "scores": {"board1": [5, 5, 4, 4], "board2": [4, 5, 4, 3], "board3": [5, 5, 5, 5]},
        "award": "40000.00",
    },
    {
        "org": "demo-cbo-barbers", "user": "cbo2", "amount": "25000.00",
        "fields": {
            "contact_name": "Marcus Reed", "contact_email": "cbo2@demo.example", "contact_phone": "951-555-0199",
            "project_title": "Barber-pharmacist blood pressure checks",
            "project_summary": "Pharmacists meet clients in barbershops to check blood pressure, adjust "
                               "medication with their doctors and follow up monthly.",
            "target_populations": "Black men aged 35 and over",
            "domains": ["health_care", "social_community"],
        },
        "budget": [("contractual", "Pharmacist hours in partner barbershops", "18000.00"),
                   ("participant_support", "Barbershop stipends", "5000.00"),
                   ("equipment", "Validated blood pressure cuffs", "2000.00")],
        "scores": {"board1": [4, 4, 4, 5], "board2": [4, 3, 4, 4], "board3": [3, 4, 4, 4]},
        "award": "25000.00",
    },
    {
        # Entered by the site administrator for the alliance (it has no demo login): stays *offered*.
        "org": "demo-cbo-wellchild", "user": "admin", "amount": "30000.00",
        "fields": {
            "contact_name": "Imani Brooks", "contact_email": "wellchild@demo.example",
            "project_title": "First 120 days: well-child visits for Black infants",
            "project_summary": "CBO detailers work with clinic care teams so Black infants have at least two, "
                               "ideally three, well-child visits in their first 120 days; the goal is to halve "
                               "the disparity.",
            "target_populations": "Black families with newborns",
            "domains": ["health_care", "social_community"],
        },
        "budget": [("personnel", "Detailers (2 FTE)", "24000.00"),
                   ("other", "Family transportation vouchers", "6000.00")],
        "scores": {"board1": [4, 5, 4, 4], "board2": [5, 4, 4, 4], "board3": [4, 4, 3, 4]},
        "award": "30000.00",
    },
]


def _users(*names: str) -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=names)}


def _body(ach: Organization, u: dict[str, User]) -> GoverningBody:
    body = GoverningBody.objects.filter(ach=ach, name=BODY_NAME).first()
    if body is not None:
        return body
    body = services.governing_body_create(
        actor=u["fundadmin"], ach=ach, name=BODY_NAME,
        quorum_rule=VotingRule.objects.get(code="majority-seated-not-recused", version=1),
        passing_rule=VotingRule.objects.get(code="majority-votes-cast", version=1),
    )
    seated = dt.date(2025, 1, 1)
    services.seat_add(actor=u["fundadmin"], body=body, member=u["chair"], seated_on=seated, is_chair=True,
                      title="Chair")
    for name, title in (("board1", "Clinic representative"), ("board2", "Public health representative"),
                        ("board3", "Medi-Cal member representative")):
        services.seat_add(actor=u["fundadmin"], body=body, member=u[name], seated_on=seated, title=title)
    return body


def _application(opportunity: FundingOpportunity, spec: dict[str, Any], u: dict[str, User], county: County,
                 *, submit: bool) -> Any:
    applicant = Organization.objects.get(code=spec["org"])
    app = services.application_start(
        actor=u[spec["user"]], opportunity=opportunity, applicant=applicant, requested_amount=spec["amount"],
        period_start=dt.date(2026, 7, 1), period_end=dt.date(2027, 6, 30), counties=[county],
        eligibility_answers={"1": "yes", "2": "yes"},
        budget_lines=[{"category": c, "description": d, "amount": a} for c, d, a in spec["budget"]],
        **spec["fields"],
    )
    if submit:
        services.application_submit(actor=u[spec["user"]], application=app)
    return app


def _decided_call(fund: WellnessFund, u: dict[str, User], county: County) -> None:
    now = timezone.now()
    general = Restriction.objects.get(fund=fund, code="general")
    opportunity = services.opportunity_create(
        actor=u["fundadmin"], fund=fund, restriction=general, title=DECIDED_TITLE,
        description="Prevention programs led by trusted community messengers: chronic disease education, "
                    "screenings and follow-up.",
        total_budget="100000.00", award_min="10000.00", award_max="50000.00",
        opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(hours=1),
        counties=[county], domains=["health_care", "food", "social_community"],
        eligibility_questions=QUESTIONS, rubric=RUBRIC, reporting=REPORTING,
    )
    services.opportunity_open(actor=u["fundadmin"], opportunity=opportunity)
    apps = [_application(opportunity, spec, u, county, submit=True) for spec in APPLICATIONS]
    for app, spec in zip(apps, APPLICATIONS, strict=True):
        for reviewer, scores in spec["scores"].items():
            assignment = services.reviewer_assign(actor=u["fundadmin"], application=app, reviewer=u[reviewer])
            if assignment.status == "assigned":
                services.review_submit(actor=u[reviewer], application=app,
                                       scores=dict(enumerate(scores, start=1)))
        services.application_recommend(actor=u["fundadmin"], application=app, recommended=True,
                                       note="Scores above the funding line.")
    # The call window, compressed into the loading moment, is moved to the past so it can close.
    FundingOpportunity.objects.filter(pk=opportunity.pk).update(
        opens_at=now - dt.timedelta(days=60), closes_at=now - dt.timedelta(seconds=1))
    opportunity.refresh_from_db()
    services.opportunity_close(actor=u["fundadmin"], opportunity=opportunity)

    body = _body(fund.ach, u)
    meeting = services.meeting_schedule(actor=u["fundadmin"], body=body, title="Commission regular meeting",
                                        scheduled_at=now, location="El Centro Community Center, Room A")
    slate = services.agenda_item_add(
        actor=u["fundadmin"], meeting=meeting, title="2026 Community Prevention Grants: recommended slate",
        entries=[(app, spec["award"]) for app, spec in zip(apps, APPLICATIONS, strict=True)],
        motion="Approve the recommended slate at the amounts listed.",
    )
    services.meeting_start(actor=u["chair"], meeting=meeting)
    services.attendance_record(actor=u["chair"], meeting=meeting,
                               members=[u["chair"], u["board1"], u["board2"], u["board3"]])
    services.vote_open(actor=u["chair"], item=slate, mover=u["board1"], seconder=u["board2"])
    for name in ("chair", "board1", "board2"):
        services.ballot_cast(actor=u[name], item=slate, choice="yes")
    services.vote_close(actor=u["chair"], item=slate)
    services.meeting_adjourn(actor=u["chair"], meeting=meeting,
                             notes="Public comment: two residents spoke in support of the promotores program.")
    services.minutes_certify(actor=u["chair"], meeting=meeting)

    for app, spec in zip(apps, APPLICATIONS, strict=True):
        decision = Decision.objects.get(application=app)
        try:
            with transaction.atomic():
                award = services.award_create(
                    actor=u["fundadmin"], decision=decision, amount=spec["award"],
                    period_start=dt.date(2026, 7, 1), period_end=dt.date(2027, 6, 30),
                    conditions="Report people served by county, race/ethnicity and preferred language.",
                    tranches=[
                        {"basis": "percent", "value": "50", "due_on": dt.date(2026, 7, 15)},
                        {"basis": "percent", "value": "40", "due_on": dt.date(2027, 1, 31), "requires_report": 1},
                        {"basis": "percent", "value": "10", "due_on": dt.date(2027, 8, 31), "requires_report": 2},
                    ],
                )
        except ValidationError:
            continue  # not enough money in the demo fund: the approval stays without an award
        if spec["user"] == "cbo":
            services.award_accept(actor=u["cbo"], award=award, name="María López", title="Program Director")
    services.opportunity_mark_decided(actor=u["fundadmin"], opportunity=opportunity)


def _open_call(fund: WellnessFund, u: dict[str, User], county: County) -> None:
    now = timezone.now()
    restriction = (Restriction.objects.filter(fund=fund, code="chw-training").first()
                   or Restriction.objects.get(fund=fund, code="general"))
    opportunity = services.opportunity_create(
        actor=u["fundadmin"], fund=fund, restriction=restriction, title=OPEN_TITLE,
        description="Stipends and mentoring for community health worker trainees in the pathway with "
                    "the community college.",
        total_budget="120000.00", award_min="15000.00", award_max="60000.00",
        opens_at=now - dt.timedelta(days=3), closes_at=now + dt.timedelta(days=60),
        counties=[county], domains=["education", "economic_stability", "health_care"],
        eligibility_questions=QUESTIONS, rubric=RUBRIC, reporting=REPORTING,
    )
    services.opportunity_open(actor=u["fundadmin"], opportunity=opportunity)
    services.application_start(
        actor=u["cbo"], opportunity=opportunity, applicant=Organization.objects.get(code="demo-cbo-promotores"),
        project_title="Promotores to CHW: a certified pathway", contact_name="María López",
        contact_email="cbo@demo.example", requested_amount="30000.00",
    )


def load(stdout: Any = None) -> dict[str, Any]:
    fund = WellnessFund.objects.filter(code="demo-fund-1").first()
    u = _users("fundadmin", "chair", "board1", "board2", "board3", "cbo", "cbo2", "admin")
    if fund is None or len(u) < 8:
        return {"skipped": "demo-fund-1 or the demo users do not exist"}
    county = County.objects.get(state="CA", name="Imperial")
    with transaction.atomic():
        promotores = Organization.objects.get(code="demo-cbo-promotores")
        if not Affiliation.objects.filter(user=u["board3"], organization=promotores).exists():
            affiliation_record(actor=u["fundadmin"], user=u["board3"], organization=promotores, kind="volunteer",
                               since=dt.date(2023, 5, 1), notes="Volunteer promotora trainer")
        if not FundingOpportunity.objects.filter(fund=fund, title=DECIDED_TITLE).exists():
            _decided_call(fund, u, county)
        if not FundingOpportunity.objects.filter(fund=fund, title=OPEN_TITLE).exists():
            _open_call(fund, u, county)
        if not Disbursement.objects.filter(award__fund=fund).exists():
            _after_award(fund, u)
    return {"fund": fund.code}


def _people(total: int, imperial: int, race: dict[str, int], language: dict[str, int], age: dict[str, int],
            gender: dict[str, int], ethnicity: dict[str, int] | None = None) -> dict[str, dict[str, int]]:
    """People served by county and by every dimension of the equity taxonomy (race counts a person
    in each race they gave, so it may add up to more than ``total``)."""
    no_disability, ambulatory = total * 7 // 10, total // 10
    straight, declined = total // 2, total // 10
    male, female = gender.get("man", 0), gender.get("woman", 0)
    return {"county": {"06025": imperial, "not_reported": total - imperial}, "race": race,
            "ethnicity": ethnicity or {"not_reported": total},
            "language": language, "age_band": age, "gender_identity": gender,
            "disability": {"no_disability": no_disability, "ambulatory": ambulatory,
                           "not_reported": total - no_disability - ambulatory},
            "sexual_orientation": {"straight_heterosexual": straight, "declined": declined,
                                   "not_reported": total - straight - declined},
            "sex": {"male": male, "female": female, "not_reported": total - male - female}}


def _report(award: Award, number: int, user: User, admin: User, *, spend: dict[int, str], total: int,
            people: dict[str, dict[str, int]], metrics: dict[str, tuple[str, str]], narrative: tuple[str, str, str]) -> None:
    schedule = award.reports.get(number=number)
    services.report_save_draft(
        actor=user, schedule=schedule, progress=narrative[0], successes=narrative[1], challenges=narrative[2],
        total_served=total, expenditures=spend, people=people,
        metrics={code: {"target": t, "actual": a} for code, (t, a) in metrics.items()},
    )
    services.report_submit(actor=user, schedule=schedule)
    services.report_accept(actor=admin, schedule=schedule, comment="Accepted: thank you for the detail.")


def _pay(award: Award, number: int, admin: User, reference: str) -> None:
    tranche = award.tranches.get(number=number)
    services.tranche_release(actor=admin, tranche=tranche)
    services.disbursement_record(actor=admin, tranche=tranche, paid_on=timezone.localdate(),
                                 amount=tranche.amount.amount, payment_reference=reference)


def _after_award(fund: WellnessFund, u: dict[str, User]) -> None:
    admin = u["fundadmin"]
    barbers = Award.objects.filter(fund=fund, grantee__code="demo-cbo-barbers").first()
    if barbers is not None and barbers.status == "offered":
        barbers = services.award_accept(actor=u["cbo2"], award=barbers, name="Marcus Reed", title="Executive Director")
        _pay(barbers, 1, admin, "ACH-2026-0412")
        _report(barbers, 1, u["cbo2"], admin, spend={1: "8000.00", 2: "2500.00", 3: "2000.00"}, total=96,
                people=_people(96, 90, {"black_african_american": 72, "hispanic_latino": 17, "white": 8,
                                        "not_reported": 7},
                               {"english": 81, "spanish": 15}, {"25-44": 22, "45-64": 51, "65+": 23},
                               {"man": 89, "woman": 7}),
                metrics={"sessions": ("40", "44"), "participants": ("90", "96"), "bp_screenings": ("200", "231")},
                narrative=("Pharmacists held blood pressure checks in six partner barbershops.",
                           "Clients with uncontrolled blood pressure were referred the same week.",
                           "One barbershop closed; its clients moved to a nearby partner."))
        _pay(barbers, 2, admin, "ACH-2027-0133")
        _report(barbers, 2, u["cbo2"], admin, spend={1: "7200.00", 2: "2250.00"}, total=214,
                people=_people(214, 201, {"black_african_american": 159, "hispanic_latino": 38,
                                          "white": 26, "not_reported": 8},
                               {"english": 176, "spanish": 29, "not_reported": 9},
                               {"25-44": 41, "45-64": 118, "65+": 49, "not_reported": 6},
                               {"man": 198, "woman": 12, "not_reported": 4}),
                metrics={"sessions": ("80", "91"), "participants": ("180", "214"), "bp_screenings": ("400", "498")},
                narrative=("Over the year 214 clients had checks; 61% of those uncontrolled at first reached "
                           "control.", "Barbers became trusted messengers for follow-up.",
                           "Pharmacist scheduling across shops was hard in summer."))
        services.award_closeout(actor=admin, award=barbers)
    promotores = Award.objects.filter(fund=fund, grantee__code="demo-cbo-promotores", status="accepted").first()
    if promotores is not None:
        _pay(promotores, 1, admin, "ACH-2026-0411")
        _report(promotores, 1, u["cbo"], admin, spend={1: "11000.00", 2: "4200.00", 3: "1700.00", 4: "1400.00"},
                total=312,
                people=_people(312, 301, {"hispanic_latino": 268, "white": 26,
                                          "american_indian_alaska_native": 20, "not_reported": 12},
                               {"spanish": 221, "english": 63, "mixteco": 19, "not_reported": 9},
                               {"18-24": 27, "25-44": 118, "45-64": 121, "65+": 39, "not_reported": 7},
                               {"woman": 224, "man": 81, "nonbinary": 2, "not_reported": 5},
                               {"mexican": 231, "guatemalan": 22, "another_hispanic_latino": 15, "not_reported": 44}),
                metrics={"sessions": ("50", "56"), "participants": ("250", "312"), "bp_screenings": ("100", "87")},
                narrative=("17 core promotores ran 56 sessions on asthma, diabetes, screenings and diet.",
                           "Participation was higher in sessions run with promotores than without.",
                           "Harvest season reduced evening attendance."))
        services.tranche_release(actor=admin, tranche=promotores.tranches.get(number=2))
