"""The compliance report's community voice section: for each advisory meeting, the direct investments
and awards discussed there (PDF and data twin)."""

from __future__ import annotations

import datetime as dt

import pytest

from community import services as cs
from community.models import AdvisoryBodyType, ReinvestmentPlanVersion
from grants.services import advisory
from organizations.actors import SETUP
from reinvestment.models import DirectInvestment
from reporting.documents.community_reinvestment import tables
from reporting.kinds import render_pdf
from reporting.selectors.community_reinvestment import community_reinvestment_data
from tests.reporting import pdf_text
from tests.reporting.test_community_voice import AS_OF, GENERATED, _voice_world

pytestmark = pytest.mark.django_db


def test_each_meeting_lists_the_investments_and_awards_discussed_there():
    gw, rp, meeting, obligation, measure, compliance, regulator = _voice_world("voice-disc")
    investment = DirectInvestment.objects.get(plan=gw.plan, payee__code="voice-disc-promotores")
    # a later CAC meeting, not cited by the plan, where the credited investment was discussed too
    later = cs.advisory_meeting_schedule(actor=compliance, body=meeting.body, meets_on=dt.date(2026, 6, 2),
                                         topics=["Follow-up"])
    later = cs.advisory_meeting_record(actor=compliance, meeting=later, notes="Follow-up.")
    cs.investment_meeting_link(actor=compliance, investment=investment, meeting=meeting)
    cs.investment_meeting_link(actor=compliance, investment=investment, meeting=later)
    # the fund's steering council discussed the award; the approved plan cites that meeting as well
    council = cs.advisory_body_create(actor=SETUP, organization=gw.world.ach, code="voice-disc-council",
                                      name="Fund steering council",
                                      body_type=AdvisoryBodyType.objects.get(code="cac"))
    ach_meeting = cs.advisory_meeting_schedule(actor=SETUP, body=council, meets_on=dt.date(2026, 3, 3))
    ach_meeting = cs.advisory_meeting_record(actor=SETUP, meeting=ach_meeting, notes="Awards reviewed.")
    advisory.award_meeting_link(actor=gw.world.admin, award=gw.award, meeting=ach_meeting)
    ReinvestmentPlanVersion.objects.filter(reinvestment_plan=rp, decision="approved").update(
        meeting_ids=[meeting.pk, ach_meeting.pk])

    data = community_reinvestment_data({"plan": gw.plan.code, "year": 2024}, as_of=AS_OF)
    assert data.voice is not None
    grantee = gw.award.grantee.display_name or gw.award.grantee.legal_name
    by_date = {m.date: m for m in data.voice.meetings}
    assert set(by_date) == {meeting.meets_on, ach_meeting.meets_on, later.meets_on}
    assert by_date[meeting.meets_on].discussed == "Direct investment in Promotores Unidos ($30,000.00)"
    assert by_date[meeting.meets_on].cited_by == "Reinvestment plan for income year 2024"
    assert by_date[later.meets_on].discussed == "Direct investment in Promotores Unidos ($30,000.00)"
    assert by_date[later.meets_on].cited_by == "A direct investment credited to this obligation"
    assert by_date[ach_meeting.meets_on].discussed == f"Award to {grantee} ($20,000.00)"

    text = pdf_text.squash(pdf_text.text(render_pdf("community-reinvestment", data, report_id="CRR-disc-2024-v1",
                                                    version=1, generated_at=GENERATED, draft=True)))
    for words in ("Investments and awards discussed", "Direct investment in Promotores Unidos ($30,000.00)",
                  f"Award to {grantee} ($20,000.00)", "Fund steering council"):
        assert pdf_text.squash(words) in text, words
    header, rows = tables(data)["advisory_meetings"]
    discussed = {dict(zip(header, row, strict=True))["body"]: dict(zip(header, row, strict=True))["discussed"]
                 for row in rows}
    assert discussed["Fund steering council"] == f"Award to {grantee} ($20,000.00)"
    assert len(rows) == 3


def test_a_meeting_where_nothing_was_linked_says_so():
    gw, rp, meeting, *_ = _voice_world("voice-none")
    data = community_reinvestment_data({"plan": gw.plan.code, "year": 2024}, as_of=AS_OF)
    assert data.voice is not None
    [cited] = data.voice.meetings
    assert cited.discussed == "—"
