"""The demo data: an open call, a decided one, certified minutes; loading twice changes nothing."""

import pytest

from grants.models import Application, Award, FundingOpportunity, Meeting
from grants.selectors import meeting_minutes
from tests.helpers import load_demo

pytestmark = pytest.mark.django_db


def _load_up_to_grants():
    load_demo(through="grants.")


def test_demo_has_open_and_decided_calls_and_certified_minutes():
    _load_up_to_grants()
    counts = (FundingOpportunity.objects.count(), Application.objects.count(), Award.objects.count(),
              Meeting.objects.count())
    assert FundingOpportunity.objects.filter(fund__code="demo-fund-1", status="open").exists()
    assert FundingOpportunity.objects.filter(fund__code="demo-fund-1", status="decided").exists()
    meeting = Meeting.objects.get(status="certified")
    minutes = meeting_minutes(meeting=meeting)
    votes = {v["name"]: v["vote"] for v in minutes["items"][0]["votes"]}
    assert "recused" in votes.values() and minutes["items"][0]["outcome"] == "passed"
    assert Award.objects.filter(status="accepted", grantee__code="demo-cbo-promotores").exists()

    _load_up_to_grants()
    assert (FundingOpportunity.objects.count(), Application.objects.count(), Award.objects.count(),
            Meeting.objects.count()) == counts
