"""``round_cents`` (half up, away from zero) and ``split_largest_remainder`` (ties pinned)."""

from decimal import Decimal

import pytest

from money import round_cents, split_largest_remainder

D = Decimal


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        ("0.004", "0.00"),
        ("0.005", "0.01"),
        ("-0.005", "-0.01"),  # half away from zero
        ("-0.004", "0.00"),
        ("0.015", "0.02"),
        ("0.025", "0.03"),  # half up, not half even (which gives 0.02)
        ("2.675", "2.68"),
        ("1.2349999", "1.23"),
        ("7", "7.00"),
    ],
)
def test_round_cents_is_half_up_away_from_zero(value, rounded):
    result = round_cents(D(value))
    assert result == D(rounded)
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize("value", [0.005, 1, "0.005"])
def test_round_cents_takes_only_a_decimal(value):
    with pytest.raises(TypeError):
        round_cents(value)


def test_equal_remainders_go_to_the_larger_weight():
    # 2 cents at 1:3 is 0.5 and 1.5 cents: both remainders are half a cent
    assert split_largest_remainder(D("0.02"), {"a": 1, "b": 3}) == {"a": D("0.00"), "b": D("0.02")}
    assert split_largest_remainder(D("0.02"), {"b": 3, "a": 1}) == {"a": D("0.00"), "b": D("0.02")}


def test_equal_remainders_and_weights_go_to_the_key_that_sorts_first():
    assert split_largest_remainder(D("0.01"), {"a": 1, "b": 1}) == {"a": D("0.01"), "b": D("0.00")}
    assert split_largest_remainder(D("0.01"), {"b": 1, "a": 1}) == {"a": D("0.01"), "b": D("0.00")}


def test_a_third_each():
    assert split_largest_remainder(D("1.00"), {"a": 1, "b": 1, "c": 1}) == {
        "a": D("0.34"), "b": D("0.33"), "c": D("0.33")}
    assert split_largest_remainder(D("1.00"), {"c": 1, "b": 1, "a": 1}) == {
        "a": D("0.34"), "b": D("0.33"), "c": D("0.33")}


def test_the_largest_remainder_wins_over_the_larger_weight():
    # 4 cents at 1:4 is 0.8 and 3.2 cents: the 0.8 remainder takes the spare cent
    assert split_largest_remainder(D("0.04"), {"a": 1, "b": 4}) == {"a": D("0.01"), "b": D("0.03")}


def test_negative_totals_split_the_same_way_with_the_sign():
    assert split_largest_remainder(D("-0.02"), {"a": 1, "b": 3}) == {"a": D("0.00"), "b": D("-0.02")}
    assert split_largest_remainder(D("-1.00"), {"a": 1, "b": 1, "c": 1}) == {
        "a": D("-0.34"), "b": D("-0.33"), "c": D("-0.33")}


def test_a_total_finer_than_a_cent_is_rounded_half_up_first_and_zero_weights_get_nothing():
    assert split_largest_remainder(D("0.005"), {"a": 1, "z": 0}) == {"a": D("0.01"), "z": D("0.00")}
    assert split_largest_remainder(D("10.00"), {"a": D("0.5"), "b": D("1.5")}) == {"a": D("2.50"), "b": D("7.50")}


@pytest.mark.parametrize("weights", [{}, {"a": -1, "b": 2}, {"a": 0, "b": 0}])
def test_bad_weights_are_refused(weights):
    with pytest.raises(ValueError):
        split_largest_remainder(D("1.00"), weights)
