"""The demo data: a second obligation for the same plan-year does not raise what is credited."""

import datetime as dt
from decimal import Decimal as D

import pytest

from organizations import demo as org_demo
from organizations.actors import SETUP
from reinvestment import demo, selectors, services
from reinvestment.models import Obligation, PlanFinancialYear
from tests.reinvestment.test_allocations_defects import _second_community_policy, total_credited
from wellness_fund import demo as fund_demo

pytestmark = pytest.mark.django_db


def test_second_obligation_for_the_demo_plan_year_credits_nothing_twice(capsys):
    org_demo.load()
    demo.load()
    fund_demo.load()
    plan = Obligation.objects.filter(income_year=2025).select_related("plan").first().plan
    before = total_credited(plan)
    paid = selectors.fulfilment_totals_for_plan(plan)["paid"]
    _second_community_policy(plan)
    year = PlanFinancialYear.objects.filter(plan=plan, income_year=2025).exclude(status="superseded").first()

    second = services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CA-TEST")

    after = total_credited(plan)
    with capsys.disabled():
        print(f"\ndemo-plan: paid {paid}, credited before {before}, after a second 2025 obligation "
              f"({second.total.amount}) {after}")
    assert before > D("0")
    assert after == before <= paid
    assert selectors.obligation_summary(second, dt.date(2026, 11, 23))["fulfilled"] == D("0.00")
