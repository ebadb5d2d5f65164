"""The community reinvestment selector on real records: figures, query counts, bad input."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.actors import SETUP
from reinvestment.models import Obligation, ObligationCredit
from reporting.kinds import KINDS
from reporting.models import ReportArtifact, ReportRun
from reporting.selectors.community_reinvestment import community_reinvestment_data
from reporting.services import report_request
from tests.reporting.factories import plan_year

pytestmark = pytest.mark.django_db


def test_figures_match_the_obligation_and_credits():
    plan = plan_year(counties=3, credits=5)
    data = community_reinvestment_data({"plan": plan.code, "year": 2024})
    obligation = Obligation.objects.get(plan=plan, income_year=2024)
    credits = ObligationCredit.objects.filter(plan=plan, income_year=2024)
    assert data.total_obligation == obligation.total.amount
    assert data.fulfilled == sum(c.amount.amount for c in credits)
    assert data.remaining == data.total_obligation - data.fulfilled
    assert sum(c.allocated for c in data.counties) == data.total_obligation
    assert sum(c.fulfilled for c in data.counties) == data.fulfilled
    assert len(data.investments) == 5
    assert all(i.advisory_committee_consulted is True for i in data.investments)
    assert data.policy.version == str(obligation.policy_version)


def test_query_count_does_not_grow_with_records(django_assert_num_queries):
    small = plan_year(code="plan-small", counties=2, credits=2)
    large = plan_year(code="plan-large", counties=12, credits=40)
    community_reinvestment_data({"plan": small.code, "year": 2024})  # warm caches
    with CaptureQueriesContext(connection) as small_ctx:
        community_reinvestment_data({"plan": small.code, "year": 2024})
    # plan, financial year, obligation, allocations, credits, direct investments, officer,
    # disclosure rule, contribution payments behind the credits
    with django_assert_num_queries(len(small_ctx.captured_queries)):
        community_reinvestment_data({"plan": large.code, "year": 2024})


def _counts():
    return ReportRun.objects.count(), ReportArtifact.objects.count()


def test_plan_year_without_financials_is_refused_and_nothing_stored():
    plan = plan_year(code="plan-nofin")
    before = _counts()
    with pytest.raises(ValidationError, match="no financials for income year 2023"):
        report_request(actor=SETUP, kind="community-reinvestment", params={"plan": plan.code, "year": 2023})
    assert _counts() == before


def test_plan_year_without_obligation_is_refused_and_nothing_stored():
    plan = plan_year(code="plan-noobl", obligation=False, credits=0)
    before = _counts()
    with pytest.raises(ValidationError, match="no obligation computed for income year 2024"):
        report_request(actor=SETUP, kind="community-reinvestment", params={"plan": plan.code, "year": 2024})
    assert _counts() == before


def test_year_whose_policy_is_missing_is_refused_and_nothing_stored():
    # given a plan regulated in a state with no reinvestment policy
    plan = plan_year(code="plan-tx", jurisdiction="TX", obligation=False, credits=0)
    before = _counts()
    with pytest.raises(ValidationError, match="No reinvestment policy of TX covers income year 2024"):
        report_request(actor=SETUP, kind="community-reinvestment", params={"plan": plan.code, "year": 2024})
    with pytest.raises(ValidationError):
        KINDS["community-reinvestment"].collect({"plan": plan.code, "year": 2024})
    assert _counts() == before


def test_unknown_plan_is_refused():
    with pytest.raises(ValidationError, match="No health plan with code 'nope'"):
        report_request(actor=SETUP, kind="community-reinvestment", params={"plan": "nope", "year": 2024})
    assert _counts() == (0, 0)
