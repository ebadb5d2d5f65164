"""One dollar counts toward one obligation: the defects fulfilment by allocation fixes.

* an untagged payment (every wellness fund contribution) counted toward every obligation of
  its plan-year, so a second obligation doubled the money credited;
* reversing a contribution payment left its credits counting;
* premium-at-risk obligations (paid to the purchaser) were "fulfilled" by community payments.
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from organizations.actors import SETUP
from reinvestment import selectors, services
from reinvestment.models import PlanFinancialYear, PolicyBracket, ReinvestmentPolicy
from tests.reinvestment.factories import PlanFactory, county, financial_year, member_months
from tests.wellness_fund import factories as wf
from wellness_fund import services as fund_services
from wellness_fund.models import ContributionPayment

pytestmark = pytest.mark.django_db
IN_WINDOW = dt.date(2027, 2, 1)  # CA-DHCS 2024: 2027..2029; CC-QTF 2024: 2025


def _line(code):
    """The line-of-business argument where financial years are kept per line of business."""
    fields = {f.name for f in PlanFinancialYear._meta.get_fields()}
    return {"line_of_business": code} if "line_of_business" in fields else {}


def total_credited(plan):
    return sum((o.fulfilled_amount for o in selectors.obligations_for_plan(plan)), D("0"))


@pytest.fixture
def plan():
    p = PlanFactory()
    member_months(p, 2024, {"Imperial": 100, "Riverside": 300})
    return p


@pytest.fixture
def dhcs(plan):
    # 5% x 40,000 = 2,000.00
    year = financial_year(plan, 2024, revenue="1000000.00", net_income="40000.00", **_line("medi-cal"))
    return services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CA-DHCS")


@pytest.fixture
def qtf(plan, dhcs):
    # Covered California QTF, measurement year 2024: 2% x 400,000 x 1 of 4 measures missed = 2,000.00
    if _line("x"):
        year = financial_year(plan, 2024, revenue="1000000.00", net_income="40000.00",
                              gross_premium=D("400000.00"), quality_standards_met=False, quality_measures_missed=["col"],
                              **_line("covered-california"))
    else:
        year = dhcs.financial_year
        services.financial_year_update(actor=SETUP, financial_year=year, gross_premium=D("400000.00"),
                                       quality_standards_met=False, quality_measures_missed=["col"])
    return services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CC-QTF")


def pay(plan, amount, ref, on=IN_WINDOW, **kw):
    return services.obligation_credit_record(
        actor=SETUP, plan=plan, county_amounts={county("Imperial"): D(amount)}, credited_on=on,
        source=kw.pop("source", "fund_contribution"), reference=ref, **kw)


def test_one_payment_is_credited_once_across_two_obligations_of_a_plan_year(plan, dhcs, qtf):
    assert qtf.total.amount == D("2000.00") == dhcs.total.amount
    pay(plan, "2000.00", "wellness_fund.contributionpayment:1", income_year=2024)

    rows = {r["policy"]: r for r in selectors.obligation_rows(plan=plan, as_of=IN_WINDOW)}

    assert total_credited(plan) == D("2000.00")  # was 4,000.00: the payment counted twice
    assert rows["CA-DHCS"]["status"] == "met"
    assert rows["CC-QTF"]["status"] != "met"  # was "met" after the one community payment


def test_premium_at_risk_is_not_fulfilled_by_community_payments(plan, dhcs, qtf):
    pay(plan, "500.00", "wellness_fund.contributionpayment:2", income_year=2024)
    pay(plan, "300.00", "reinvestment.directinvestment:3", source="direct_investment", income_year=2024)

    assert selectors.obligation_summary(qtf, IN_WINDOW)["fulfilled"] == D("0.00")
    assert selectors.obligation_summary(dhcs, IN_WINDOW)["fulfilled"] == D("800.00")


def test_a_second_community_obligation_does_not_raise_what_is_credited(plan, dhcs):
    pay(plan, "1500.00", "wellness_fund.contributionpayment:4", income_year=2024)
    before = total_credited(plan)
    _second_community_policy(plan)

    services.obligation_compute(actor=SETUP, financial_year=dhcs.financial_year, policy_code="CA-TEST")

    assert before == D("1500.00")
    assert total_credited(plan) == before


def _second_community_policy(plan):
    """A second net-income policy applying to the same year (a test variant of CA-DHCS)."""
    base = ReinvestmentPolicy.objects.get(code="CA-DHCS", version=1)
    policy = ReinvestmentPolicy.objects.create(
        code="CA-TEST", version=1, jurisdiction="CA", name="Test variant", currency="USD",
        effective_from_year=2020, basis="net_income", window_start_offset=3, window_end_offset=5,
        source_citation="Test variant.")
    PolicyBracket.objects.create(policy=policy, position=1, rate=D("0.01"))
    applies = getattr(base, "applicability", None)
    if applies is not None:
        for row in applies.all():
            row.pk = None
            row.policy = policy
            row.save()
    return policy


def _fund_payment(plan, amount="300.00"):
    fund = wf.fund(counties=("Imperial", "Riverside"))
    for month in (dt.date(2027, 1, 1),):
        wf.member_months(plan, "Imperial", month, 1)
        wf.member_months(plan, "Riverside", month, 3)
    agreement = wf.agreement(fund, plan, pmpm_rate="100.0000", starts_on=dt.date(2027, 1, 1))
    fund_services.statement_issue(actor=SETUP, agreement=agreement, period_start=dt.date(2027, 1, 1))
    payment = fund_services.contribution_payment_record(
        actor=SETUP, agreement=agreement, amount=D(amount), received_on=dt.date(2027, 2, 10),
        bank_reference="WIRE-1", income_year=2024)
    return fund, payment


def test_reversing_a_contribution_payment_removes_what_it_credited(plan, dhcs):
    fund, payment = _fund_payment(plan)
    assert selectors.obligation_summary(dhcs, dt.date(2027, 12, 31))["fulfilled"] == D("300.00")

    fund_services.transaction_reverse(actor=SETUP, transaction_to_reverse=payment.transaction,
                                      on=dt.date(2027, 3, 1))

    assert ContributionPayment.objects.filter(pk=payment.pk).exists()
    assert selectors.obligation_summary(dhcs, dt.date(2027, 12, 31))["fulfilled"] == D("0.00")
    assert total_credited(plan) == D("0.00")
