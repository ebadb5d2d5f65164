"""Obligation summary (fulfilment per county and earmark, status), list selectors, access scoping."""

import datetime
from decimal import Decimal as D

import pytest

from organizations import access
from organizations.actors import SETUP
from reinvestment import selectors, services
from reinvestment.models import Obligation, ObligationCredit, PlanFinancialYear
from tests.organizations.factories import OrganizationFactory, member
from tests.reinvestment.factories import (
    CBOFactory,
    PlanFactory,
    county,
    financial_year,
    member_months,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def obligation():
    plan = PlanFactory()
    member_months(plan, 2024, {"Imperial": 100, "Riverside": 300})
    year = financial_year(plan, 2024, revenue="1000000.00", net_income="40000.00")  # 5% x 40,000 = 2,000.00
    return services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CA-DHCS")


def credit(obligation, name, amount, on, ref, **kw):
    return services.obligation_credit_record(
        actor=SETUP, plan=obligation.plan, county_amounts={county(name): D(amount)}, credited_on=on,
        source="fund_contribution", reference=ref, income_year=obligation.income_year, **kw,
    )


def test_summary_per_county_fulfilled_remaining_and_as_of(obligation):
    credit(obligation, "Imperial", "200.00", datetime.date(2027, 2, 1), "r1")
    credit(obligation, "Riverside", "700.00", datetime.date(2027, 8, 1), "r2")
    credit(obligation, "San Diego", "50.00", datetime.date(2027, 8, 1), "r3")  # not allocated there

    s = selectors.obligation_summary(obligation, datetime.date(2027, 12, 31))

    assert (s["total"], s["fulfilled"], s["remaining"], s["percent"]) == (
        D("2000.00"), D("950.00"), D("1050.00"), D("47.50"))
    assert [(c["county"], c["allocated"], c["fulfilled"], c["remaining"]) for c in s["counties"]] == [
        ("Imperial", D("500.00"), D("200.00"), D("300.00")),
        ("Riverside", D("1500.00"), D("700.00"), D("800.00")),
        ("San Diego", D("0.00"), D("50.00"), D("0.00")),
    ]
    assert s["deadline"] == datetime.date(2029, 12, 31)
    assert s["lines"] == [{"text": "5% x $40,000.00 (net income up to 7.5% of revenue) = $2,000.00",
                           "amount": D("2000.00")}]
    early = selectors.obligation_summary(obligation, datetime.date(2027, 3, 1))
    assert early["fulfilled"] == D("200.00")


@pytest.mark.parametrize(("fulfilled", "as_of", "status"), [
    ("0.00", datetime.date(2026, 12, 31), "on_track"),     # before the window opens
    ("0.00", datetime.date(2027, 1, 1), "at_risk"),        # window open, nothing paid
    ("300.00", datetime.date(2027, 12, 31), "on_track"),   # a third of 3 years elapsed x 0.8 pace = 266.67
    ("200.00", datetime.date(2027, 12, 31), "at_risk"),
    ("999.99", datetime.date(2030, 1, 1), "shortfall"),    # deadline passed
    ("1000.00", datetime.date(2027, 1, 2), "met"),
])
def test_status_rule(fulfilled, as_of, status):
    assert selectors.obligation_status(
        total=D("1000.00"), fulfilled=D(fulfilled), as_of=as_of, window_start=datetime.date(2027, 1, 1),
        window_end=datetime.date(2029, 12, 31), pace=D("0.8"),
    ) == status


def test_earmarks_count_matching_credits():
    plan = PlanFactory(jurisdiction="OR")
    member_months(plan, 2024, {"Imperial": 10})
    # OR-SHARE: 20% x ($1,000,000 - 1.5% x $10,000,000) = 20% x $850,000 = $170,000
    year = financial_year(plan, 2024, revenue="10000000.00", net_income="1000000.00")
    obligation = services.obligation_compute(actor=SETUP, financial_year=year, policy_code="OR-SHARE")
    cbo = CBOFactory()
    services.direct_investment_record(
        actor=SETUP, plan=plan, payee=cbo, purpose="Rental assistance", county=county("Imperial"),
        domain="housing", paid_on=datetime.date(2025, 3, 1), amount=D("20000.00"), cha_chip_aligned=True,
        cac_consulted=True, income_year=2024)
    services.direct_investment_record(
        actor=SETUP, plan=plan, payee=cbo, purpose="Food boxes", county=county("Imperial"),
        domain="food", paid_on=datetime.date(2025, 4, 1), amount=D("5000.00"), cha_chip_aligned=False,
        cac_consulted=True, income_year=2024)

    s = selectors.obligation_summary(obligation, datetime.date(2025, 12, 31))

    earmarks = {e["code"]: (e["required"], e["fulfilled"], e["remaining"], e["met"]) for e in s["earmarks"]}
    assert s["total"] == D("170000.00")
    assert earmarks == {
        "housing": (D("17000.00"), D("20000.00"), D("0.00"), True),
        "chp-aligned": (D("170000.00"), D("20000.00"), D("150000.00"), False),
        "equity-partners": (D("17000.00"), D("25000.00"), D("0.00"), True),  # both paid to a CBO
    }


def test_credits_tagged_for_another_policy_do_not_count(obligation):
    credit(obligation, "Imperial", "100.00", datetime.date(2027, 2, 1), "r1", policy_code="CC-QTF")
    credit(obligation, "Imperial", "40.00", datetime.date(2027, 2, 1), "r2", policy_code="CA-DHCS")
    assert selectors.obligation_summary(obligation, datetime.date(2027, 12, 31))["fulfilled"] == D("40.00")
    assert [c.reference for c in selectors.credits_for_obligation(obligation)] == ["r2"]


def make_plan_with_years(n):
    plan = PlanFactory()
    member_months(plan, 2024, {"Imperial": 10, "Riverside": 20}, months=1)
    for i in range(n):
        year = financial_year(plan, 2023 + i, revenue="1000000.00", net_income="40000.00")
        services.obligation_compute(actor=SETUP, financial_year=year, policy_code="CA-DHCS")
        services.obligation_credit_record(
            actor=SETUP, plan=plan, county_amounts={county("Imperial"): D("5.00")}, credited_on=datetime.date(2027, 1, 1),
            source="fund_contribution", reference=f"q{plan.pk}:{i}", income_year=2023 + i)
    return plan


@pytest.mark.parametrize("n", [1, 4])
def test_obligations_for_plan_takes_one_query(django_assert_num_queries, n):
    plan = make_plan_with_years(n)
    with django_assert_num_queries(1):  # obligations + policy + year, fulfilled by subquery
        rows = list(selectors.obligations_for_plan(plan))
    assert len(rows) == n
    assert all(r.fulfilled_amount == D("5.00") for r in rows)


@pytest.mark.parametrize("n", [1, 6])
def test_summary_and_credit_list_take_fixed_queries(django_assert_num_queries, obligation, n):
    for i in range(n):
        credit(obligation, ["Imperial", "Riverside", "San Diego"][i % 3], "1.00", datetime.date(2027, 1, 1), f"s{i}")
    obligation = Obligation.objects.select_related("plan").get(pk=obligation.pk)
    with django_assert_num_queries(2):  # allocations with counties; credits with counties and payees
        s = selectors.obligation_summary(obligation, datetime.date(2028, 1, 1))
    assert s["fulfilled"] == D(n)
    with django_assert_num_queries(1):
        assert len([c.county.name for c in selectors.credits_for_obligation(obligation)]) == n
    with django_assert_num_queries(1):
        list(selectors.direct_investments_for_plan(obligation.plan))


def test_access_plan_staff_see_their_plan_regulators_their_jurisdiction(obligation):
    plan = obligation.plan
    other_state_plan = PlanFactory(jurisdiction="NV")
    credit(obligation, "Imperial", "1.00", datetime.date(2027, 1, 1), "acc")
    finance, compliance = member("plan_finance", plan), member("plan_compliance", plan)
    ca_regulator = member("regulator", OrganizationFactory(kind="regulator", jurisdiction="CA"))
    nv_regulator = member("regulator", OrganizationFactory(kind="regulator", jurisdiction="NV"))
    outsider = member("plan_finance", other_state_plan)
    cbo_staff = member("cbo_staff", CBOFactory())

    for model in (Obligation, PlanFinancialYear, ObligationCredit):
        qs = model.objects.all()
        assert access.scoped(finance, "view", qs).count() == 1
        assert access.scoped(compliance, "view", qs).count() == 1
        assert access.scoped(ca_regulator, "view", qs).count() == 1
        for nobody in (nv_regulator, outsider, cbo_staff):
            assert access.scoped(nobody, "view", qs).count() == 0
    assert access.can(finance, "change", obligation)
    assert not access.can(compliance, "change", obligation)
    assert not access.can(ca_regulator, "change", obligation)
