"""Properties of fulfilment by allocation over random payments, direct investments, reversals,
obligations and re-allocations (hypothesis, modest example counts)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from organizations.actors import SETUP
from reinvestment import services
from reinvestment.models import FulfilmentAllocation, Obligation, ObligationCredit
from tests.reinvestment.factories import (
    CBOFactory,
    PlanFactory,
    county,
    financial_year,
    member_months,
)
from tests.reinvestment.test_allocations_defects import _line

pytestmark = pytest.mark.django_db
CENT = D("0.01")

amounts = st.integers(min_value=1, max_value=150_000).map(lambda c: D(c) * CENT)  # up to $1,500.00
days = st.integers(min_value=0, max_value=6 * 365).map(lambda n: dt.date(2025, 1, 1) + dt.timedelta(days=n))
years = st.one_of(st.none(), st.sampled_from([2023, 2024, 2025]))
operations = st.lists(st.one_of(
    st.tuples(st.just("compute"), st.sampled_from([2023, 2024, 2025])),
    st.tuples(st.just("pay"), amounts, days, years),
    st.tuples(st.just("invest"), amounts, days, years),
    st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=30)),
    st.tuples(st.just("allocate"), st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=5),
              amounts),
    st.tuples(st.just("move"), st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=5),
              amounts),
    # a second line of business: Covered California's premium at risk, paid only to the purchaser
    st.tuples(st.just("compute_qtf")),
    st.tuples(st.just("purchaser"), amounts, days),
), min_size=1, max_size=14)


def run(plan, ops):
    cbo = CBOFactory()
    years_ = {}
    payments: list[str] = []
    for n, op in enumerate(ops):
        kind = op[0]
        try:
            if kind == "compute":
                income_year = op[1]
                if income_year not in years_:
                    years_[income_year] = financial_year(plan, income_year, revenue="1000000.00",
                                                         net_income=str(10000 * (income_year - 2021)),
                                                         **_line("medi-cal"))
                services.obligation_compute(actor=SETUP, financial_year=years_[income_year],
                                            policy_code="CA-DHCS")
            elif kind == "pay":
                ref = f"wellness_fund.contributionpayment:{plan.pk}-{n}"
                services.obligation_credit_record(
                    actor=SETUP, plan=plan, county_amounts={county("Imperial"): op[1] / 2, county("Riverside"):
                                                            op[1] - (op[1] / 2).quantize(CENT)}
                    if op[1] > CENT else {county("Imperial"): op[1]},
                    credited_on=op[2], source="fund_contribution", reference=ref, income_year=op[3])
                payments.append(ref)
            elif kind == "invest":
                services.direct_investment_record(
                    actor=SETUP, plan=plan, payee=cbo, purpose="Food boxes", county=county("Imperial"),
                    domain="food", paid_on=op[2], amount=op[1], cha_chip_aligned=False, cac_consulted=True,
                    income_year=op[3])
            elif kind == "compute_qtf":
                if "qtf" not in years_:
                    years_["qtf"] = financial_year(plan, 2024, revenue="1000000.00", net_income="10000.00",
                                                   gross_premium=D("200000.00"), quality_standards_met=False,
                                                   quality_measures_missed=["col", "cbp"],
                                                   **_line("covered-california"))
                services.obligation_compute(actor=SETUP, financial_year=years_["qtf"], policy_code="CC-QTF")
            elif kind == "purchaser":
                qtf = Obligation.objects.filter(plan=plan, policy_code="CC-QTF", status="current").first()
                if qtf is not None:
                    services.purchaser_payment_record(actor=SETUP, obligation=qtf, amount=op[1], paid_on=op[2],
                                                      reference=f"invoice-{n}", county=county("Imperial"))
            elif kind == "reverse" and payments:
                services.credits_reverse(actor=SETUP, source="fund_contribution",
                                         references=[payments[op[1] % len(payments)]], on=dt.date(2031, 1, 1))
            elif kind == "allocate":
                credits = list(ObligationCredit.objects.filter(plan=plan).order_by("pk"))
                obligations = list(Obligation.objects.filter(plan=plan).order_by("pk"))
                if credits and obligations:
                    services.allocation_create(
                        actor=SETUP, credit=credits[op[1] % len(credits)],
                        obligation=obligations[op[2] % len(obligations)], amount=op[3], reason="test")
            elif kind == "move":
                allocations = list(FulfilmentAllocation.objects.filter(plan=plan).order_by("pk"))
                obligations = list(Obligation.objects.filter(plan=plan).order_by("pk"))
                if allocations and obligations:
                    services.allocation_move(
                        actor=SETUP, allocation=allocations[op[1] % len(allocations)],
                        obligation=obligations[op[2] % len(obligations)], amount=op[3], reason="test")
        except ValidationError:
            pass  # refused input writes nothing; the invariants below must still hold


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(ops=operations)
def test_money_credited_never_exceeds_money_paid(ops):
    plan = PlanFactory()
    member_months(plan, 2023, {"Imperial": 100, "Riverside": 300}, months=2)
    run(plan, ops)

    credits = list(ObligationCredit.objects.filter(plan=plan).annotate(allocated=Sum("allocations__amount")))
    paid = sum((c.amount.amount for c in credits if c.reversed_on is None), D("0"))
    credited = FulfilmentAllocation.objects.filter(plan=plan).aggregate(s=Sum("amount"))["s"] or D("0")
    # for every plan, money credited across all obligations <= money paid
    assert credited <= paid
    for c in credits:
        # each source's allocations <= its amount; a reversed one keeps nothing allocated
        assert (c.allocated or D("0")) <= c.amount.amount
        if c.reversed_on is not None:
            assert c.allocated is None
    for o in Obligation.objects.filter(plan=plan).annotate(got=Sum("fulfilments__amount")):
        # no obligation is credited beyond its total, and only live ones hold allocations
        assert (o.got or D("0")) <= o.total.amount
        assert o.got is None or o.status != "superseded"
    assert not FulfilmentAllocation.objects.exclude(plan=plan).filter(credit__plan=plan).exists()
    # premium at risk is settled only by payments to the purchaser, and those count toward nothing else
    for a in FulfilmentAllocation.objects.filter(plan=plan).select_related("credit", "obligation__policy"):
        purchaser = a.credit.source == "purchaser_payment"
        assert purchaser == (a.obligation.policy.basis == "premium_at_risk"), (a.credit.source, a.obligation)
