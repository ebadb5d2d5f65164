import datetime as dt

import pytest

from organizations import demo as org_demo
from reinvestment import demo as reinvestment_demo
from wellness_fund import demo
from wellness_fund.models import ContributionPayment, ContributionStatement, LedgerLeg, WellnessFund
from wellness_fund.selectors import fund_statement, statements_due
from wellness_fund.selectors.integrity import ledger_violations


@pytest.mark.django_db
def test_demo_loads_two_funds_a_year_of_contributions_and_is_idempotent():
    org_demo.load()
    reinvestment_demo.load()
    demo.load()
    counts = (ContributionPayment.objects.count(), LedgerLeg.objects.count(), ContributionStatement.objects.count())
    demo.load()

    assert counts == (ContributionPayment.objects.count(), LedgerLeg.objects.count(),
                      ContributionStatement.objects.count())
    f1 = WellnessFund.objects.get(code="demo-fund-1")
    f2 = WellnessFund.objects.get(code="demo-fund-2")
    assert (f1.ach.code, [c.name for c in f1.counties.all()]) == ("demo-ach-1", ["Imperial"])
    assert (f2.ach.code, sorted(c.name for c in f2.counties.all())) == ("demo-ach-2", ["Riverside", "San Diego"])
    assert ContributionStatement.objects.filter(agreement__fund=f1).count() == 4
    assert ContributionStatement.objects.filter(agreement__fund=f2).count() == 12
    st = fund_statement(fund=f1, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    assert {r["kind"] for r in st["inflows"]} == {"plan_contribution", "public_health", "philanthropy"}
    assert st["closing_balance"] == st["inflows_total"]
    assert any(r["overdue"] for r in statements_due(fund=f2, today=dt.date(2026, 3, 1)))
    assert ledger_violations() == []
