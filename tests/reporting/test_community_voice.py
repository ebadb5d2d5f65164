"""The whole path of community voice into the compliance report: a CAC meets, the plan drafts a
reinvestment plan citing that meeting and the county CHIP, the regulator returns it, the plan
resubmits, the regulator approves; investments are made; the Community Reinvestment Report (PDF text
and data twin) shows plan vs actual, the CHIP earmark met, the advisory meeting and stratified
outcomes with small cells suppressed. Query count constant in the size of that data."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from community import services as cs
from community.models import (
    AdvisoryBodyType,
    Constituency,
    OutcomeMeasure,
    PlanStatus,
    ReinvestmentPlanVersion,
)
from grants.services import priorities as grant_priorities
from organizations.access import AccessDenied
from organizations.actors import SETUP
from organizations.models import OrganizationKind
from reinvestment import services as rs
from reinvestment.models import Obligation
from reporting.documents.community_reinvestment import tables
from reporting.kinds import render_pdf, render_twin
from reporting.selectors.community_reinvestment import community_reinvestment_data
from tests.organizations.factories import OrganizationFactory, member
from tests.reporting import pdf_text
from tests.reporting.grants_world import grants_world
from tests.wellness_fund import factories as wf

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2030, 1, 1)
GENERATED = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)


def _voice_world(code: str):
    gw = grants_world(code=code)
    plan, fund, admin = gw.plan, gw.world.fund, gw.world.admin
    imperial, riverside = wf.county("Imperial"), wf.county("Riverside")
    compliance = member("plan_compliance", plan, f"{code}-compliance")
    regulator = member("regulator", OrganizationFactory.create(code=f"{code}-dmhc", kind=OrganizationKind.REGULATOR,
                                                        jurisdiction="CA"), f"{code}-regulator")
    # a CAC meets
    cac = cs.advisory_body_create(actor=compliance, organization=plan, code=f"{code}-cac",
                                  body_type=AdvisoryBodyType.objects.get(code="cac"), name="Golden Valley CAC")
    rosa = cs.advisory_member_add(actor=compliance, body=cac, name="Rosa Delgado", email="rosa@private.example",
                                  constituency=Constituency.objects.get(code="medi-cal-member"),
                                  joined_on=dt.date(2024, 1, 1))
    meeting = cs.advisory_meeting_schedule(actor=compliance, body=cac, meets_on=dt.date(2025, 5, 6),
                                           agenda="1. Asthma programs", topics=["Asthma home visits in Imperial"])
    meeting = cs.advisory_meeting_record(actor=compliance, meeting=meeting, notes="Members asked for home visits.",
                                         attendees=[rosa], public_attendees=7)
    # the county CHIP
    chip = cs.health_plan_create(actor=SETUP, title="Imperial County CHIP", publisher="Imperial Public Health",
                                 counties=[imperial], period_start=2022, period_end=2027,
                                 priorities=["Asthma and air quality", "Healthy food access"])
    asthma = chip.priorities.get(title="Asthma and air quality")
    # the plan drafts a reinvestment plan citing the meeting and the CHIP
    rp = cs.reinvestment_plan_create(actor=compliance, plan=plan, income_year=2024, narrative="Asthma first.")
    cs.reinvestment_plan_line_add(actor=compliance, reinvestment_plan=rp, county=imperial, domain="health_care",
                                  amount="50000.00", description="Asthma home visits", priority=asthma)
    cs.reinvestment_plan_line_add(actor=compliance, reinvestment_plan=rp, county=riverside, domain="food",
                                  amount="20000.00", description="Food pantry")
    cs.reinvestment_plan_update(actor=compliance, reinvestment_plan=rp, meetings=[meeting])
    cs.reinvestment_plan_submit(actor=compliance, reinvestment_plan=rp)
    # the regulator returns it, the plan resubmits, the regulator approves
    cs.reinvestment_plan_decide(actor=regulator, reinvestment_plan=rp, decision="returned",
                                comments="Say how the CAC's input shaped the food line.")
    cs.reinvestment_plan_update(actor=compliance, reinvestment_plan=rp, narrative="Asthma first; food per the CAC.")
    cs.reinvestment_plan_submit(actor=compliance, reinvestment_plan=rp)
    rp = cs.reinvestment_plan_decide(actor=regulator, reinvestment_plan=rp, decision="approved")
    # investments are made and tagged with the priority they serve
    payee = OrganizationFactory.create(code=f"{code}-promotores", kind=OrganizationKind.CBO, legal_name="Promotores Unidos")
    investment = rs.direct_investment_record(
        actor=SETUP, plan=plan, payee=payee, purpose="Asthma home visits", county=imperial, domain="health_care",
        paid_on=dt.date(2026, 4, 1), amount=Decimal("30000.00"), cha_chip_aligned=False, cac_consulted=True,
        income_year=2024)
    cs.priority_tag_investment(actor=compliance, priority=asthma, investment=investment)
    cs.priority_tag_fund(actor=admin, priority=asthma, fund=fund)
    grant_priorities.award_priority_tag(actor=admin, award=gw.award, priority=asthma)
    # the policy's CHIP-aligned earmark (Oregon-style), in the obligation's snapshot
    obligation = Obligation.objects.get(plan=plan, income_year=2024)
    snapshot = dict(obligation.policy_snapshot)
    snapshot["earmarks"] = [{"code": "chp-aligned", "label": "Aligned with the community health improvement plan",
                             "minimum_share": "0.03", "domains": [], "requires_cha_chip_alignment": True}]
    Obligation.objects.filter(pk=obligation.pk).update(policy_snapshot=snapshot)
    # stratified outcomes: well-child visits completed / infants due, by race (one small cell)
    measure = OutcomeMeasure.objects.create(code=f"{code}-wcv", name="Well-child visits completed",
                                            source_citation="Test measure.", suppress_below=11)
    period = {"period_start": dt.date(2026, 1, 1), "period_end": dt.date(2026, 12, 31)}
    cs.outcomes_record(actor=admin, fund=fund, measure=measure, dimension="race",
                       period_start=period["period_start"], period_end=period["period_end"],
                       counts={"hispanic_latino": 84, "white": 60, "middle_eastern_north_african": 4, "asian": 30},
                       denominators={"hispanic_latino": 120, "white": 75, "middle_eastern_north_african": 9,
                                     "asian": 40})
    cs.disparity_target_set(actor=admin, fund=fund, measure=measure, dimension="race", group="hispanic_latino",
                            reference="overall", reduction="0.5", baseline_start=period["period_start"],
                            baseline_end=period["period_end"], target_start=dt.date(2027, 1, 1),
                            target_end=dt.date(2027, 12, 31))
    return gw, rp, meeting, obligation, measure, compliance, regulator


def test_the_compliance_report_carries_plan_vs_actual_the_chip_earmark_meetings_and_suppressed_rates():
    gw, rp, meeting, obligation, measure, compliance, regulator = _voice_world("voice")
    assert rp.status == PlanStatus.APPROVED
    assert list(ReinvestmentPlanVersion.objects.filter(reinvestment_plan=rp).values_list("number", "decision")) == [
        (1, "returned"), (2, "approved")]
    data = community_reinvestment_data({"plan": gw.plan.code, "year": 2024}, as_of=AS_OF)
    voice = data.voice
    assert voice is not None
    assert voice.plan_status.startswith("Approved by the regulator on ") and "(version 2)" in voice.plan_status
    rows = {(r.dimension, r.label): (r.planned, r.actual) for r in voice.plan_vs_actual}
    assert rows[("County", "Imperial")][0] == Decimal("50000.00")
    assert rows[("County", "Riverside")][0] == Decimal("20000.00")
    assert rows[("CHIP priority", "Asthma and air quality")][0] == Decimal("50000.00")
    assert rows[("CHIP priority", "Asthma and air quality")][1] >= Decimal("30000.00")
    assert rows[("Domain", "Food")][0] == Decimal("20000.00")
    assert sum(r.actual for r in voice.plan_vs_actual if r.dimension == "County") == data.fulfilled
    assert sum(r.actual for r in voice.plan_vs_actual if r.dimension == "CHIP priority") == data.fulfilled
    [earmark] = data.earmarks
    assert earmark.met and earmark.actual >= earmark.required_amount
    assert voice.chip_earmark.startswith("Met: ")
    [cited] = voice.meetings
    assert (cited.date, cited.body, cited.topics, cited.members_present, cited.public_attendees) == (
        meeting.meets_on, "Golden Valley CAC", "Asthma home visits in Imperial", 1, 7)
    rates = {r.group: r for r in voice.rates}
    assert rates["Middle Eastern or North African"].suppressed  # 4 of 9: a small cell
    assert sum(r.suppressed for r in voice.rates) == 2  # and one more, so it cannot be derived
    assert rates["Hispanic or Latino"].rate == Decimal(84) / Decimal(120)
    assert (rates["Overall"].numerator, rates["Overall"].denominator) == (178, 244)

    pdf = render_pdf("community-reinvestment", data, report_id="CRR-voice-2024-v1", version=1,
                     generated_at=GENERATED, draft=True)
    text = pdf_text.text(pdf)
    squashed = pdf_text.squash(text)
    titles = pdf_text.outline_titles(pdf)
    for section in ("Reinvestment plan: planned and actual", "Outcomes by equity dimension"):
        assert section in titles
    for words in ("Approved by the regulator on", "Planned and actual by CHIP priority", "Asthma and air quality",
                  "Advisory meetings where investments were discussed", "Golden Valley CAC",
                  "Asthma home visits in Imperial", "Alignment with the community health improvement plan (CHIP)",
                  "Met: ", "Middle Eastern or North African", "<11", "Well-child visits completed", "Overall"):
        assert pdf_text.squash(words) in squashed, words
    assert pdf_text.squash("1 January 2026 to 31 December 2026") in squashed  # periods in words
    for code in ("health_care", "middle_eastern_north_african", "hispanic_latino", "chp-aligned"):
        assert code not in text, code
    assert "rosa@private.example" not in text
    # the data twin carries the same records, suppressed cells empty
    twin = tables(data)
    header, body = twin["stratified_outcomes"]
    cells = [dict(zip(header, row, strict=True)) for row in body]
    mena = next(c for c in cells if c["group"] == "Middle Eastern or North African")
    assert mena["numerator"] is None and mena["denominator"] is None and mena["suppressed"] is True
    assert any(dict(zip(twin["plan_vs_actual"][0], r, strict=True))["label"] == "Asthma and air quality"
               for r in twin["plan_vs_actual"][1])
    assert len(twin["advisory_meetings"][1]) == 1
    json_bytes, zip_bytes = render_twin("community-reinvestment", data)
    assert "Golden Valley CAC" in json_bytes.decode() and "rosa@private.example" not in json_bytes.decode()
    names = zipfile.ZipFile(io.BytesIO(zip_bytes)).namelist()
    assert {"plan_vs_actual.csv", "advisory_meetings.csv", "stratified_outcomes.csv",
            "disparity_targets.csv"} <= {n.rsplit("/", 1)[-1] for n in names}
    assert json.loads(json_bytes)  # valid JSON


def test_bad_inputs_on_the_path_are_refused_and_write_nothing():
    gw, rp, meeting, obligation, measure, compliance, regulator = _voice_world("voice-bad")
    events = AuditEvent.objects.count()
    versions = ReinvestmentPlanVersion.objects.count()
    with pytest.raises(ValidationError):  # submitted twice (already approved)
        cs.reinvestment_plan_submit(actor=compliance, reinvestment_plan=rp)
    nv = member("regulator", OrganizationFactory.create(code="voice-bad-nv", kind=OrganizationKind.REGULATOR,
                                                 jurisdiction="NV"), "voice-bad-nv-regulator")
    with pytest.raises(AccessDenied):  # approved by a regulator of another jurisdiction
        cs.reinvestment_plan_decide(actor=nv, reinvestment_plan=rp, decision="approved")
    with pytest.raises(ValidationError):  # a stratified count larger than its denominator
        cs.outcomes_record(actor=gw.world.admin, fund=gw.world.fund, measure=measure, dimension="language",
                           period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31),
                           counts={"spanish": 30}, denominators={"spanish": 20})
    with pytest.raises(ValidationError):  # a disparity target without a reference group
        cs.disparity_target_set(actor=gw.world.admin, fund=gw.world.fund, measure=measure, dimension="race",
                                group="hispanic_latino", reference="group", reduction="0.5",
                                baseline_start=dt.date(2026, 1, 1), baseline_end=dt.date(2026, 12, 31),
                                target_start=dt.date(2027, 1, 1), target_end=dt.date(2027, 12, 31))
    assert AuditEvent.objects.count() == events and ReinvestmentPlanVersion.objects.count() == versions


def test_the_report_query_count_does_not_grow_with_community_records():
    gw, rp, meeting, obligation, measure, compliance, regulator = _voice_world("voice-q")
    params = {"plan": gw.plan.code, "year": 2024}
    community_reinvestment_data(params, as_of=AS_OF)  # warm caches
    with CaptureQueriesContext(connection) as before:
        community_reinvestment_data(params, as_of=AS_OF)
    # more of everything: meetings cited, tagged investments, outcome cells, disparity targets
    imperial = wf.county("Imperial")
    cac = meeting.body
    more = []
    for day in (7, 8, 9):
        m = cs.advisory_meeting_schedule(actor=compliance, body=cac, meets_on=dt.date(2025, 5, day), topics=["Food"])
        more.append(cs.advisory_meeting_record(actor=compliance, meeting=m, notes="Held."))
    payee = OrganizationFactory.create(code="voice-q-cbo", kind=OrganizationKind.CBO)
    asthma = rp.lines.exclude(priority=None).first().priority
    for i in range(4):
        inv = rs.direct_investment_record(
            actor=SETUP, plan=gw.plan, payee=payee, purpose=f"Program {i}", county=imperial, domain="food",
            paid_on=dt.date(2026, 5, 1 + i), amount=Decimal("1000.00"), cha_chip_aligned=False, cac_consulted=True,
            income_year=2024)
        cs.priority_tag_investment(actor=compliance, priority=asthma, investment=inv)
    cs.outcomes_record(actor=gw.world.admin, fund=gw.world.fund, measure=measure, dimension="language",
                       period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31),
                       counts={"spanish": 30, "english": 50}, denominators={"spanish": 40, "english": 60})
    cs.disparity_target_set(actor=gw.world.admin, fund=gw.world.fund, measure=measure, dimension="race",
                            group="asian", reference="group", reference_category="white", reduction="0.5",
                            baseline_start=dt.date(2026, 1, 1), baseline_end=dt.date(2026, 12, 31),
                            target_start=dt.date(2027, 1, 1), target_end=dt.date(2027, 12, 31))
    with CaptureQueriesContext(connection) as after:
        data = community_reinvestment_data(params, as_of=AS_OF)
    assert data.voice is not None and len(data.voice.disparities) == 2
    assert len(data.voice.meetings) == 1  # the approved version cites the one meeting
    assert len(after.captured_queries) == len(before.captured_queries)
