"""Worked examples of the obligation calculation, each checkable by hand."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from reinvestment.calculation import (
    Bracket,
    FinancialInputs,
    PolicyTerms,
    Threshold,
    compute_obligation,
    dollars,
)
from reinvestment.selectors import policy_for, policy_terms

CA = PolicyTerms(
    code="CA-DHCS", version=1, currency="USD", basis="net_income",
    brackets=(
        Bracket(D("0.05"), None, Threshold("revenue_share", D("0.075"))),
        Bracket(D("0.075"), Threshold("revenue_share", D("0.075")), None),
    ),
    quality_addon_rate=D("0.075"), mlr_minimum=D("0.85"), mlr_remittance_required=True,
)


def calc(code: str, year: int | None = None, **inputs):
    return compute_obligation(policy_terms(policy_for(code=code, year=year)), FinancialInputs(**inputs))


@pytest.mark.django_db
def test_california_worked_example_2_billion_revenue_200_million_net_income():
    # 7.5% of $2.0B = $150M; 5% x $150M = $7.5M; 7.5% x ($200M - $150M) = $3.75M.
    result = calc("CA-DHCS", revenue=D("2000000000.00"), net_income=D("200000000.00"))

    assert result.total == D("11250000.00")
    assert [line.as_json() for line in result.lines] == [
        {"text": "5% x $150,000,000.00 (net income up to 7.5% of revenue) = $7,500,000.00",
         "amount": "7500000.00"},
        {"text": "7.5% x $50,000,000.00 (net income above 7.5% of revenue) = $3,750,000.00",
         "amount": "3750000.00"},
    ]
    assert result.mlr_remittance == D("0.00")


@pytest.mark.django_db
def test_seeded_california_terms_are_the_published_ones():
    assert policy_terms(policy_for(code="CA-DHCS")) == CA


@pytest.mark.django_db
def test_california_quality_add_on_and_mlr_remittance():
    # Add-on 7.5% x $200M = $15M; MLR 82% < 85%: (0.85 - 0.82) x $1B = $30M remitted.
    result = calc("CA-DHCS", revenue=D("2000000000.00"), net_income=D("200000000.00"), quality_missed=True,
                  mlr_ratio=D("0.82"), mlr_denominator=D("1000000000.00"))

    assert result.total == D("7500000.00") + D("3750000.00") + D("15000000.00")
    assert result.lines[-1].text.startswith("7.5% x $200,000,000.00 (net income; minimum quality")
    assert result.mlr_remittance == D("30000000.00")
    assert result.mlr_lines[0].text == (
        "MLR remittance: (85% - 82%) x $1,000,000,000.00 (MLR denominator) = $30,000,000.00"
    )


@pytest.mark.django_db
def test_mlr_at_the_minimum_remits_nothing():
    result = calc("CA-DHCS", revenue=D("1000.00"), net_income=D("10.00"), mlr_ratio=D("0.85"),
                  mlr_denominator=D("900.00"))
    assert result.mlr_remittance == D("0.00")


@pytest.mark.django_db
def test_arizona_six_percent_of_net_income():
    assert calc("AZ", revenue=D("500000000.00"), net_income=D("25000000.00")).total == D("1500000.00")


@pytest.mark.django_db
def test_nevada_three_percent_of_pretax_profit_and_refuses_without_it():
    result = calc("NV", revenue=D("900000000.00"), net_income=D("30000000.00"), pretax_income=D("40000000.00"))
    assert result.total == D("1200000.00")
    with pytest.raises(ValidationError) as err:
        calc("NV", revenue=D("900000000.00"), net_income=D("30000000.00"))
    assert "pretax_income" in err.value.message_dict


@pytest.mark.django_db
def test_oregon_threshold_plus_rate():
    # Kept for solvency: 1.5% x $1B = $15M; 20% x ($50M - $15M) = $7M.
    result = calc("OR-SHARE", revenue=D("1000000000.00"), net_income=D("50000000.00"))
    assert result.total == D("7000000.00")
    assert "net income above 1.5% of revenue" in result.lines[0].text


@pytest.mark.django_db
def test_north_carolina_mlr_shortfall_reinvested():
    # (88% x $1B) - $800M numerator = $80M shortfall, 100% reinvested.
    result = calc("NC-MLR", revenue=D("1200000000.00"), net_income=D("10000000.00"),
                  mlr_numerator=D("800000000.00"), mlr_denominator=D("1000000000.00"))
    assert result.total == D("80000000.00")
    assert calc("NC-MLR", revenue=D("1200000000.00"), net_income=D("10000000.00"),
                mlr_ratio=D("0.90"), mlr_denominator=D("1000000000.00")).total == D("0.00")


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "year", "rate", "measures"), [
    ("CC-QTF", 2023, "0.008", 4), ("CC-QTF", 2024, "0.02", 4), ("CC-QTF", 2025, "0.03", 4),
    # CalPERS' Quality Alignment Measure Set has five measures (health equity roadmap, source 004).
    ("CALPERS", 2024, "0.01", 5), ("CALPERS", 2025, "0.02", 5), ("CALPERS", 2026, "0.03", 5),
    ("CALPERS", 2027, "0.04", 5),
])
def test_premium_at_risk_per_measurement_year(code, year, rate, measures):
    # One core measure missed forfeits its share (a quarter of four, a fifth of five) of the premium at risk.
    result = calc(code, year=year, revenue=D("0.00"), net_income=D("0.00"), gross_premium=D("10000000.00"),
                  measures_missed=1)
    assert result.total == (D("10000000.00") * D(rate) / measures).quantize(D("0.01"))
    assert result.version == policy_for(code=code, year=year).version


@pytest.mark.django_db
def test_premium_at_risk_all_measures_met_owes_nothing_and_too_many_missed_is_refused():
    assert calc("CC-QTF", year=2025, revenue=D("0"), net_income=D("0"), gross_premium=D("10000000.00"),
                measures_missed=0).total == D("0.00")
    with pytest.raises(ValidationError) as err:
        calc("CC-QTF", year=2025, revenue=D("0"), net_income=D("0"), gross_premium=D("1.00"), measures_missed=5)
    assert "measures_missed" in err.value.message_dict


def test_each_line_rounds_half_up_and_the_total_is_the_sum_of_the_lines():
    # Threshold 7.5% x $100.01 = $7.50075 (not rounded).
    # 5% x $7.50075 = 0.3750375 -> 0.38; 7.5% x $2.49925 = 0.18744375 -> 0.19; total 0.57
    # (rounding the exact sum 0.56248125 instead would print 0.56, which the lines don't add up to).
    result = compute_obligation(CA, FinancialInputs(revenue=D("100.01"), net_income=D("10.00")))

    assert [line.amount for line in result.lines] == [D("0.38"), D("0.19")]
    assert result.total == D("0.57")
    assert result.lines[0].text == "5% x $7.50075 (net income up to 7.5% of revenue) = $0.38"


def test_half_cent_rounds_up():
    # 5% x $10.10 = $0.505 -> $0.51
    result = compute_obligation(CA, FinancialInputs(revenue=D("1000.00"), net_income=D("10.10")))
    assert result.total == D("0.51")


@pytest.mark.parametrize("net_income", [D("0.00"), D("-5000000.00")])
def test_zero_when_the_basis_is_not_positive(net_income):
    result = compute_obligation(CA, FinancialInputs(revenue=D("1000000.00"), net_income=net_income,
                                                    quality_missed=True))
    assert result.total == D("0.00")
    assert result.lines[0].amount == D("0.00")
    assert "is not positive" in result.lines[0].text


def test_floor_and_cap_add_an_adjustment_line():
    flat = PolicyTerms(code="X", version=1, currency="USD", basis="net_income",
                       brackets=(Bracket(D("0.10")),), floor=D("500.00"), cap=D("1000.00"))
    low = compute_obligation(flat, FinancialInputs(revenue=D("100000.00"), net_income=D("1000.00")))
    high = compute_obligation(flat, FinancialInputs(revenue=D("100000.00"), net_income=D("50000.00")))
    assert (low.total, high.total) == (D("500.00"), D("1000.00"))
    assert [line.amount for line in low.lines] == [D("100.00"), D("400.00")]
    assert [line.amount for line in high.lines] == [D("5000.00"), D("-4000.00")]


@pytest.mark.parametrize(("inputs", "field"), [
    ({"revenue": D("-1.00"), "net_income": D("-5.00")}, "revenue"),
    ({"revenue": D("100.00"), "net_income": D("100.01")}, "net_income"),
    ({"revenue": D("100.00"), "net_income": D("1.00"), "currency": "EUR"}, "currency"),
    ({"revenue": D("100.00"), "net_income": D("1.00"), "mlr_ratio": D("-0.1"), "mlr_denominator": D("5")}, "mlr_ratio"),
    ({"revenue": D("100.00"), "net_income": D("1.00"), "mlr_ratio": D("0.8")}, "mlr_ratio"),
    ({"revenue": D("100.00"), "net_income": D("1.00"), "mlr_ratio": D("0.8"), "mlr_denominator": D("0")},
     "mlr_denominator"),
])
def test_bad_inputs_are_refused_with_the_field_named(inputs, field):
    with pytest.raises(ValidationError) as err:
        compute_obligation(CA, FinancialInputs(**inputs))
    assert field in err.value.message_dict


@pytest.mark.django_db
def test_a_year_no_version_covers_is_refused():
    with pytest.raises(ValidationError) as err:
        policy_for(code="CA-DHCS", year=2019)
    assert "2019" in err.value.message_dict["year"][0]
    with pytest.raises(ValidationError):
        policy_for(code="CC-QTF", year=2026)
    with pytest.raises(ValidationError):
        policy_for(code="NO-SUCH")


def test_dollars_never_rounds_for_display():
    assert dollars(D("1234567.5")) == "$1,234,567.50"
    assert dollars(D("7.50075")) == "$7.50075"
    assert dollars(D("-3")) == "-$3.00"
