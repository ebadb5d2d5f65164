"""The obligation calculation at its edges: inputs exactly on a limit, bases below a dollar,
subtotals equal to a floor or cap, and the exact explanation text of each kind of line.

Pure calculation (no database): the policy terms are built here.
"""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from reinvestment.calculation import (
    Bracket,
    FinancialInputs,
    PolicyTerms,
    Threshold,
    compute_obligation,
)

FLAT = PolicyTerms(code="FLAT", version=1, currency="USD", basis="net_income", brackets=(Bracket(D("0.10")),))
TWO = PolicyTerms(
    code="TWO", version=1, currency="USD", basis="net_income",
    brackets=(Bracket(D("0.05"), None, Threshold("amount", D("100.00"))),
              Bracket(D("0.10"), Threshold("amount", D("100.00")), None)),
)


def _inputs(**kw):
    return FinancialInputs(**({"revenue": D("1000.00"), "net_income": D("100.00")} | kw))


def _refused(terms, **kw):
    with pytest.raises(ValidationError) as err:
        compute_obligation(terms, _inputs(**kw))
    return err.value.message_dict


def _texts(result):
    return [line.text for line in result.lines]


@pytest.mark.parametrize("kw", [
    {"pretax_income": D("1000.00")},  # equal to revenue
    {"mlr_ratio": D("0"), "mlr_denominator": D("1.00")},
    {"mlr_ratio": D("2"), "mlr_denominator": D("1.00")},
    {"mlr_numerator": D("0"), "mlr_denominator": D("0.50")},
    {"mlr_numerator": D("0.50"), "mlr_denominator": D("1.00")},
    {"gross_premium": D("0")},
    {"gross_premium": D("0.50")},
])
def test_inputs_on_a_limit_are_accepted(kw):
    assert compute_obligation(FLAT, _inputs(**kw)).total == D("10.00")


@pytest.mark.parametrize(("kw", "field"), [
    ({"pretax_income": 5}, "pretax_income"),  # an int is not an exact decimal amount here
    ({"pretax_income": D("1000.01")}, "pretax_income"),
    ({"mlr_ratio": D("2.5"), "mlr_denominator": D("1.00")}, "mlr_ratio"),
    ({"mlr_ratio": D("-0.01"), "mlr_denominator": D("1.00")}, "mlr_ratio"),
    ({"mlr_ratio": D("0.8"), "mlr_denominator": D("0")}, "mlr_denominator"),
    ({"mlr_numerator": D("-0.01"), "mlr_denominator": D("1.00")}, "mlr_numerator"),
    ({"gross_premium": D("-0.01")}, "gross_premium"),
])
def test_inputs_past_a_limit_are_refused(kw, field):
    assert field in _refused(FLAT, **kw)


def test_missing_inputs_are_named_in_words():
    pretax = PolicyTerms(code="PT", version=1, currency="USD", basis="pretax_income", brackets=(Bracket(D("0.1")),))
    mlr = PolicyTerms(code="MS", version=1, currency="USD", basis="mlr_shortfall", brackets=(Bracket(D("1")),),
                      mlr_minimum=D("0.85"))
    risk = PolicyTerms(code="PR", version=1, currency="USD", basis="premium_at_risk", brackets=(Bracket(D("1")),),
                       quality_measures=("A", "B"))
    assert _refused(pretax)["pretax_income"] == ["Pre-tax income is required for PT (rate on pre-tax profit)."]
    assert _refused(mlr)["mlr_denominator"] == ["The MLR denominator is required for MS (MLR shortfall)."]
    assert _refused(risk)["gross_premium"] == ["Gross premium is required for PR (premium at risk)."]
    assert _refused(risk, gross_premium=D("10.00"))["measures_missed"] == [
        "The number of core quality measures missed is required for PR (premium at risk)."]


def test_premium_at_risk_with_one_measure_and_every_measure_missed():
    one = PolicyTerms(code="ONE", version=1, currency="USD", basis="premium_at_risk",
                      brackets=(Bracket(D("0.5")),), quality_measures=("W30",))
    result = compute_obligation(one, _inputs(gross_premium=D("200.00"), measures_missed=1))
    assert result.total == D("100.00")
    assert _texts(result) == ["50% x $200.00 gross premium x 1/1 core measures missed = $100.00"]
    assert "measures_missed" in _refused(one, gross_premium=D("200.00"), measures_missed=2)


def test_premium_at_risk_in_brackets_names_the_bracket_and_the_basis():
    terms = PolicyTerms(code="PRB", version=1, currency="USD", basis="premium_at_risk",
                        brackets=(Bracket(D("0.5"), Threshold("amount", D("10.00")), None),),
                        quality_measures=("A", "B"))
    result = compute_obligation(terms, _inputs(gross_premium=D("200.00"), measures_missed=1))
    assert _texts(result) == [
        "50% x $90.00 (gross premium at risk above $10.00) = $45.00 "
        "[$200.00 gross premium x 1/2 core measures missed]"]


def test_bracket_labels_without_bounds_and_between_two_bounds():
    between = PolicyTerms(code="B", version=1, currency="USD", basis="net_income",
                          brackets=(Bracket(D("0.10"), Threshold("amount", D("10.00")),
                                            Threshold("amount", D("50.00"))),))
    assert _texts(compute_obligation(between, _inputs())) == [
        "10% x $40.00 (net income between $10.00 and $50.00) = $4.00"]
    assert _texts(compute_obligation(FLAT, _inputs())) == ["10% x $100.00 (net income) = $10.00"]


def test_a_basis_below_one_dollar_still_owes_its_share():
    result = compute_obligation(FLAT, _inputs(net_income=D("0.50")))
    assert result.total == D("0.05")
    zero_rate = PolicyTerms(code="Z", version=1, currency="USD", basis="net_income", brackets=(Bracket(D("0")),))
    assert _texts(compute_obligation(zero_rate, _inputs(net_income=D("0.50")))) == [
        "No rate applies to net income $0.50 = $0.00"]
    assert _texts(compute_obligation(zero_rate, _inputs(net_income=D("0")))) == [
        "Net income $0.00 is not positive: no obligation = $0.00"]


def test_a_basis_exactly_at_a_bracket_edge_adds_no_empty_line():
    result = compute_obligation(TWO, _inputs(net_income=D("100.00")))
    assert [line.amount for line in result.lines] == [D("5.00")]


def test_quality_add_on_of_zero_adds_no_line():
    result = compute_obligation(FLAT, _inputs(quality_missed=True))
    assert len(result.lines) == 1


def test_subtotal_equal_to_the_floor_or_the_cap_is_left_alone():
    floor = PolicyTerms(code="F", version=1, currency="USD", basis="net_income", brackets=(Bracket(D("0.10")),),
                        floor=D("10.00"))
    cap = PolicyTerms(code="C", version=1, currency="USD", basis="net_income", brackets=(Bracket(D("0.10")),),
                      cap=D("10.00"))
    assert len(compute_obligation(floor, _inputs()).lines) == 1
    assert len(compute_obligation(cap, _inputs()).lines) == 1


def test_mlr_remittance_only_when_the_policy_requires_it():
    not_required = PolicyTerms(code="N", version=1, currency="USD", basis="net_income",
                               brackets=(Bracket(D("0.10")),), mlr_minimum=D("0.85"))
    result = compute_obligation(not_required, _inputs())
    assert result.mlr_remittance == D("0.00") and result.mlr_lines == ()


def test_mlr_shortfall_of_less_than_a_dollar_is_remitted_and_none_meets_the_minimum():
    terms = PolicyTerms(code="R", version=1, currency="USD", basis="net_income", brackets=(Bracket(D("0.10")),),
                        mlr_minimum=D("0.85"), mlr_remittance_required=True)
    small = compute_obligation(terms, _inputs(mlr_numerator=D("84.50"), mlr_denominator=D("100.00")))
    assert small.mlr_remittance == D("0.50")
    exact = compute_obligation(terms, _inputs(mlr_numerator=D("85.00"), mlr_denominator=D("100.00")))
    assert exact.mlr_remittance == D("0.00")
    assert [line.text for line in exact.mlr_lines] == ["MLR meets the 85% minimum: no remittance = $0.00"]


def test_result_as_json_carries_the_total_and_lines():
    body = compute_obligation(FLAT, _inputs()).as_json()
    assert body["total"] == "10.00" and body["policy"] == "FLAT"
    assert body["lines"] == [{"text": "10% x $100.00 (net income) = $10.00", "amount": "10.00"}]
