"""Documents that read the grants and wellness fund parts: grants in the community reinvestment
report, award letters, minutes, fund statements."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.models import Application
from reinvestment.models import SocialDriverDomain
from reporting.kinds import KINDS, render_pdf
from reporting.pdf import flowables
from reporting.selectors.community_reinvestment import community_reinvestment_data
from tests.reporting import pdf_text
from tests.reporting.grants_world import clone_awards, grants_world

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)


def _pdf(kind, data):
    return pdf_text.squash(pdf_text.text(render_pdf(kind, data, report_id="X-1", version=1, generated_at=NOW,
                                                    draft=False)))


def test_grants_are_attributed_by_the_plans_share_of_fund_receipts():
    gw = grants_world()
    data = community_reinvestment_data({"plan": gw.plan.code, "year": 2024})
    # the plan paid 400,000 of the fund's 500,000 receipts: 80% of each award
    assert [g.attributed for g in data.grants] == [Decimal("16000.00")]
    assert data.grants[0].share == Decimal("0.800000")
    assert data.community_input[0].body == gw.meeting.body.name
    text = _pdf("community-reinvestment", data)
    assert pdf_text.squash(flowables.money(Decimal("16000.00"))) in text


def test_report_queries_do_not_grow_with_the_number_of_grants():
    gw = grants_world()
    params = {"plan": gw.plan.code, "year": 2024}
    community_reinvestment_data(params)
    with CaptureQueriesContext(connection) as few:
        small = community_reinvestment_data(params)
    clone_awards(gw, 60)
    with CaptureQueriesContext(connection) as many:
        large = community_reinvestment_data(params)
    assert len(large.grants) == len(small.grants) + 60
    assert len(many.captured_queries) == len(few.captured_queries)


def test_award_letter_shows_amount_tranches_and_conditions():
    gw = grants_world(code="plan-al")
    params = {"award": gw.award.pk}
    assert KINDS["award-letter"].resolve(params) == gw.world.ach
    data = KINDS["award-letter"].collect(params)
    text = _pdf("award-letter", data)
    assert pdf_text.squash("$20,000.00") in text
    assert pdf_text.squash("Tranche 2") in text and pdf_text.squash("Quarterly check-ins.") in text
    assert pdf_text.squash(str(gw.award.grantee)) in text


def test_minutes_of_a_certified_meeting():
    gw = grants_world(code="plan-mi")
    data = KINDS["minutes"].collect({"meeting": gw.meeting.pk})
    text = _pdf("minutes", data)
    assert pdf_text.squash(str(gw.world.chair)) in text
    assert data.items[0].votes_for == 4 and data.quorum.met


def test_minutes_of_an_uncertified_or_unknown_meeting_are_refused():
    with pytest.raises(ValidationError, match="No meeting with id 999999"):
        KINDS["minutes"].resolve({"meeting": 999999})


def test_fund_statement_sources_and_uses():
    gw = grants_world(code="plan-fs")
    fund = gw.world.fund
    data = KINDS["fund-statement"].collect({"fund": fund.code, "year": 2025})
    assert sum(s.amount for s in data.sources) == Decimal("500000.00")
    assert data.closing_balance == data.opening_balance + sum(s.amount for s in data.sources) - sum(
        u.amount for u in data.uses)
    committed = gw.award.committed_on
    award_year = committed.year if committed.month >= fund.fiscal_year_start_month else committed.year - 1
    awards = KINDS["fund-statement"].collect({"fund": fund.code, "year": award_year}).awards
    assert [(str(a.award), a.amount) for a in awards] == [(gw.award.commitment_reference, Decimal("20000.00"))]
    text = _pdf("fund-statement", data)
    assert pdf_text.squash(flowables.money(data.closing_balance)) in text


def test_fund_statement_queries_do_not_grow_with_the_number_of_awards():
    gw = grants_world(code="plan-fq")
    committed = gw.award.committed_on
    year = committed.year if committed.month >= gw.world.fund.fiscal_year_start_month else committed.year - 1
    params = {"fund": gw.world.fund.code, "year": year}
    KINDS["fund-statement"].collect(params)
    with CaptureQueriesContext(connection) as few:
        small = KINDS["fund-statement"].collect(params)
    clone_awards(gw, 40)
    with CaptureQueriesContext(connection) as many:
        large = KINDS["fund-statement"].collect(params)
    assert len(large.awards) == len(small.awards) + 40
    assert len(many.captured_queries) == len(few.captured_queries)


def test_compliance_report_prints_every_grant_domain_in_words():
    # given an award whose application names every social-driver domain
    gw = grants_world(code="plan-dom")
    codes = list(SocialDriverDomain.values)
    Application.objects.filter(pk=gw.award.application_id).update(domains=codes)
    # when the compliance report is read and rendered
    data = community_reinvestment_data({"plan": gw.plan.code, "year": 2024})
    # then each domain is its label, never its code
    labels = [str(SocialDriverDomain(code).label) for code in codes]
    assert [g.domain for g in data.grants] == [", ".join(labels)]
    text = _pdf("community-reinvestment", data)
    for label in labels:
        assert pdf_text.squash(label) in text, label
    for code in ("economic_stability", "health_care", "social_community"):
        assert code not in text
    # and records are named in words, not by their internal keys
    assert pdf_text.squash(f"Award #{gw.award.pk}") in text
    assert "grants.award:" not in text and "contributionpayment:" not in text
