"""The demo data: demo-plan's 2024 and 2025 with member months in three counties and an obligation in progress."""

import datetime

import pytest

from organizations import demo as org_demo
from reinvestment import demo, selectors
from reinvestment.models import (
    DirectInvestment,
    MemberMonth,
    Obligation,
    ObligationCredit,
    PlanFinancialYear,
)

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_has_an_obligation_in_progress():
    org_demo.load()
    demo.load()
    counts = [m.objects.count() for m in (PlanFinancialYear, MemberMonth, Obligation, ObligationCredit,
                                          DirectInvestment)]
    demo.load()
    assert [m.objects.count() for m in (PlanFinancialYear, MemberMonth, Obligation, ObligationCredit,
                                        DirectInvestment)] == counts

    years = {y.income_year: y.status for y in PlanFinancialYear.objects.filter(plan__code="demo-plan")}
    assert years == {2024: "locked", 2025: "submitted"}
    counties = set(MemberMonth.objects.filter(plan__code="demo-plan").values_list("county__name", flat=True))
    assert counties == {"Imperial", "Riverside", "San Diego"}
    assert MemberMonth.objects.filter(plan__code="demo-plan", month__year=2025).count() == 36

    obligation = Obligation.objects.get(plan__code="demo-plan", income_year=2024)
    summary = selectors.obligation_summary(obligation, datetime.date(2026, 11, 23))
    assert 0 < summary["fulfilled"] < summary["total"]
    assert sum(c["allocated"] for c in summary["counties"]) == summary["total"]
    o25 = Obligation.objects.get(plan__code="demo-plan", income_year=2025)
    assert o25.mlr_remittance.amount > 0 and o25.status == "current"
