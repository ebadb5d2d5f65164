"""Demo data after the award: an award at each stage, a closed one with money returned, reports with people."""

from decimal import Decimal

import pytest

from grants.models import Award, Disbursement, GranteeReport, PeopleServed
from grants.selectors import rollups
from tests.helpers import load_demo
from wellness_fund import commitments

pytestmark = pytest.mark.django_db


def _load_up_to_grants():
    load_demo(through="grants.")


def _counts():
    return (Award.objects.count(), Disbursement.objects.count(), GranteeReport.objects.count(),
            PeopleServed.objects.count())


def test_demo_awards_at_each_stage_and_loading_twice_changes_nothing():
    _load_up_to_grants()
    stages = dict(Award.objects.values_list("grantee__code", "status"))
    assert stages == {"demo-cbo-promotores": "accepted", "demo-cbo-barbers": "closed",
                      "demo-cbo-wellchild": "offered"}
    closed = Award.objects.get(status="closed")
    parts = commitments.committed_for(reference=closed.commitment_reference)
    assert parts.amount == Decimal("21950.00")  # 22,500 paid less 550 returned
    accepted = GranteeReport.objects.filter(schedule__status="accepted")
    assert accepted.count() == 3 and all(r.total_served for r in accepted)
    data = rollups.fund_rollup(fund=closed.fund)
    assert data["returned"] == Decimal("550.00") and data["people"]["total"] == 214
    counts = _counts()
    _load_up_to_grants()
    assert _counts() == counts
