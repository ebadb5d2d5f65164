from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from money import parse_amount, round_cents, split_largest_remainder


def test_round_cents_is_half_up():
    assert round_cents(Decimal("0.005")) == Decimal("0.01")
    assert round_cents(Decimal("2.675")) == Decimal("2.68")
    assert round_cents(Decimal("-0.005")) == Decimal("-0.01")
    with pytest.raises(TypeError):
        round_cents(0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [0.1, "abc", "NaN", "Infinity", "1.001", True])
def test_parse_amount_refuses_floats_and_non_amounts(bad):
    with pytest.raises(ValidationError):
        parse_amount(bad)


def test_parse_amount_refuses_zero_and_negative_unless_allowed():
    with pytest.raises(ValidationError):
        parse_amount("0")
    with pytest.raises(ValidationError):
        parse_amount("-5")
    assert parse_amount("0", allow_zero=True) == Decimal("0.00")
    assert parse_amount("1234567.8") == Decimal("1234567.80")
    with pytest.raises(ValidationError):
        parse_amount("$1,234,567.8")  # grouping and the dollar sign are for pages only


def test_split_worked_example():
    parts = split_largest_remainder(Decimal("100.00"), {"a": 1, "b": 1, "c": 1})
    assert parts == {"a": Decimal("33.34"), "b": Decimal("33.33"), "c": Decimal("33.33")}


@given(
    st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False, allow_infinity=False),
    st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=58).filter(lambda w: sum(w) > 0),
)
def test_split_always_adds_up_and_stays_within_a_cent_of_proportional(total, weights):
    parts = split_largest_remainder(total, dict(enumerate(weights)))
    assert sum(parts.values()) == total
    s = sum(weights)
    for k, w in enumerate(weights):
        assert abs(parts[k] - total * w / s) < Decimal("0.01")
        assert parts[k] >= 0
