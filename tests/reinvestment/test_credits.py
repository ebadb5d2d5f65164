"""Credits toward obligations: the interface the wellness fund calls, and direct investments."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from audit.models import AuditEvent
from organizations.access import AccessDenied
from organizations.actors import SETUP
from reinvestment import services
from reinvestment.models import DirectInvestment, ObligationCredit
from tests.helpers import race
from tests.organizations.factories import member
from tests.reinvestment.factories import (
    CBOFactory,
    PlanFactory,
    county,
    financial_year,
    member_months,
)

pytestmark = pytest.mark.django_db


def state():
    return ObligationCredit.objects.count(), DirectInvestment.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def plan():
    p = PlanFactory()
    member_months(p, 2024, {"Imperial": 100, "Riverside": 300})
    return p


def record(plan, amounts, reference="wellness_fund.contributionpayment:1", on=datetime.date(2027, 3, 1), **kw):
    return services.obligation_credit_record(
        actor=SETUP, plan=plan, county_amounts={county(n): a for n, a in amounts.items()}, credited_on=on,
        source=kw.pop("source", "fund_contribution"), reference=reference, **kw,
    )


def test_records_one_credit_per_county_and_is_idempotent(plan):
    financial_year(plan, 2024)
    first = record(plan, {"Imperial": D("100.00"), "Riverside": D("300.00")})
    before = state()

    again = record(plan, {"Imperial": D("100.00"), "Riverside": D("300.00")})

    assert [c.pk for c in again] == [c.pk for c in first]
    assert state() == before
    assert {(c.county.name, c.amount.amount, c.income_year) for c in first} == {
        ("Imperial", D("100.00"), 2024), ("Riverside", D("300.00"), 2024)}


def test_income_year_rule_oldest_unmet_year_whose_window_contains_the_date(plan):
    # CA-DHCS windows: 2024 -> 2027..2029, 2025 -> 2028..2030.
    y24 = financial_year(plan, 2024, revenue="1000000.00", net_income="10000.00")  # 5% x 10,000 = 500.00
    y25 = financial_year(plan, 2025, revenue="1000000.00", net_income="20000.00")
    for y in (y24, y25):
        services.obligation_compute(actor=SETUP, financial_year=y, policy_code="CA-DHCS")

    in_both = datetime.date(2028, 6, 1)
    assert record(plan, {"Imperial": D("400.00")}, "ref:1", on=in_both)[0].income_year == 2024
    assert record(plan, {"Imperial": D("100.00")}, "ref:2", on=in_both)[0].income_year == 2024  # now met
    assert record(plan, {"Imperial": D("100.00")}, "ref:3", on=in_both)[0].income_year == 2025
    # Outside every window: the newest year with financials.
    assert record(plan, {"Imperial": D("1.00")}, "ref:4", on=datetime.date(2026, 1, 1))[0].income_year == 2025
    # Explicit year wins.
    assert record(plan, {"Imperial": D("1.00")}, "ref:5", income_year=2024)[0].income_year == 2024


def test_plan_without_financials_needs_an_income_year(plan):
    before = state()
    with pytest.raises(ValidationError) as err:
        record(plan, {"Imperial": D("1.00")})
    assert "income_year" in err.value.message_dict
    assert state() == before


@pytest.mark.parametrize(("amounts", "kw", "field"), [
    ({"Imperial": D("0.00")}, {}, "county_amounts"),
    ({"Imperial": D("-5.00")}, {}, "county_amounts"),
    ({"Imperial": 5.0}, {}, "county_amounts"),
    ({"Imperial": D("1.005")}, {}, "county_amounts"),
    ({}, {}, "county_amounts"),
    ({"Imperial": D("1.00")}, {"source": "gift"}, "source"),
    ({"Imperial": D("1.00")}, {"currency": "EUR"}, "currency"),
    ({"Imperial": D("1.00")}, {"domain": "astrology"}, "domain"),
    ({"Imperial": D("1.00")}, {"reference": " "}, "reference"),
])
def test_bad_credits_write_nothing(plan, amounts, kw, field):
    financial_year(plan, 2024)
    before = state()
    with pytest.raises(ValidationError) as err:
        record(plan, amounts, **kw)
    assert field in err.value.message_dict
    assert state() == before


def test_same_reference_for_another_plan_is_refused(plan):
    financial_year(plan, 2024)
    record(plan, {"Imperial": D("1.00")}, income_year=2024)
    other = PlanFactory()
    before = state()
    with pytest.raises(ValidationError) as err:
        record(other, {"Imperial": D("1.00")}, income_year=2024)
    assert "already credited to another plan" in " ".join(err.value.message_dict["reference"])
    assert state() == before
    assert not ObligationCredit.objects.filter(plan=other).exists()


def test_direct_investment_records_its_credit(plan):
    finance = member("plan_finance", plan)
    financial_year(plan, 2024)
    cbo = CBOFactory()
    investment = services.direct_investment_record(
        actor=finance, plan=plan, payee=cbo, purpose="Mobile vaccination units", county=county("Imperial"),
        domain="health_care", paid_on=datetime.date(2027, 2, 1), amount=D("2500.00"), cha_chip_aligned=True,
        cac_consulted=True,
    )
    credit = ObligationCredit.objects.get(source="direct_investment")
    assert credit.reference == f"reinvestment.directinvestment:{investment.pk}"
    assert (credit.amount.amount, credit.payee, credit.cha_chip_aligned, credit.income_year) == (
        D("2500.00"), cbo, True, 2024)


@pytest.mark.parametrize(("change", "error", "field"), [
    ({"amount": D("0")}, ValidationError, "amount"),
    ({"domain": "astrology"}, ValidationError, "domain"),
    ({"purpose": ""}, ValidationError, "purpose"),
    ({"payee": "plan"}, ValidationError, "payee"),
    ({"actor": "compliance"}, AccessDenied, None),
])
def test_bad_or_unauthorised_direct_investment_writes_nothing(plan, change, error, field):
    financial_year(plan, 2024)
    args = {"actor": member("plan_finance", plan), "plan": plan, "payee": CBOFactory(), "purpose": "Food bank",
                "county": county("Imperial"), "domain": "food", "paid_on": datetime.date(2027, 2, 1), "amount": D("10.00"),
                "cha_chip_aligned": False, "cac_consulted": False}
    if change.get("payee") == "plan":
        change = {"payee": plan}
    if change.get("actor") == "compliance":
        change = {"actor": member("plan_compliance", plan)}
    before = state()
    with pytest.raises(error) as err:
        services.direct_investment_record(**(args | change))
    if field is not None:
        assert field in err.value.message_dict
    assert state() == before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_credits_are_append_only_in_the_database():
    plan = PlanFactory()
    financial_year(plan, 2024)
    credit = record(plan, {"Imperial": D("10.00")})[0]
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE reinvestment_obligationcredit SET amount = 1 WHERE id = %s", [credit.pk])
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM reinvestment_obligationcredit WHERE id = %s", [credit.pk])
    credit.refresh_from_db()
    assert credit.amount.amount == D("10.00")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_recording_of_the_same_payment_writes_it_once():
    plan = PlanFactory()
    financial_year(plan, 2024)
    outcomes = race(lambda: record(plan, {"Imperial": D("10.00"), "Riverside": D("5.00")}, "ref:race"), [()] * 4)
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    results = [o for o in outcomes if not isinstance(o, BaseException)]

    assert errors == []
    assert ObligationCredit.objects.filter(reference="ref:race").count() == 2
    assert len({tuple(sorted(c.pk for c in r)) for r in results}) == 1
