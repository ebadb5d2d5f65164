"""The edges of the money grammar, rounding and formatting: lengths, signs, ties.

Each case sits exactly on a limit the code compares against (64 characters typed, 14 digits,
two decimals, zero), so moving a limit by one or flipping a comparison changes an answer here.
"""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from moneyed import Money

from money import (
    MAX_AMOUNT,
    canonical_amount,
    format_usd,
    money,
    parse_amount,
    plain_amount,
    split_largest_remainder,
    to_decimal,
)
from money.parsing import MAX_AMOUNT_LENGTH, MAX_TYPED_LENGTH


def _code(value, **kw):
    with pytest.raises(ValidationError) as err:
        parse_amount(value, **kw)
    return err.value.error_dict["amount"][0].code


def test_the_largest_amount_is_the_largest_text_the_grammar_accepts():
    assert parse_amount("99999999999999.99") == MAX_AMOUNT
    assert parse_amount("-99999999999999.99", allow_negative=True) == -MAX_AMOUNT
    assert len("-99999999999999.99") == MAX_AMOUNT_LENGTH
    assert _code("100000000000000.00") == "too_large"


def test_typed_text_at_the_length_limit_is_still_diagnosed():
    assert MAX_TYPED_LENGTH == 64
    assert _code("1" * 64) == "too_large"  # 64 characters: looked at, too many digits
    assert _code("1" * 65) == "invalid"  # longer: refused without looking further


def test_fourteen_digits_with_three_decimals_is_about_cents_not_size():
    assert _code("12345678901234.567") == "cents"
    assert _code("123456789012345.5") == "too_large"


def test_money_builds_zero_negative_and_other_currencies():
    assert money("0") == Money("0.00", "USD")
    assert money("-1.50") == Money("-1.50", "USD")
    assert money(D("12.5"), "EUR") == Money("12.50", "EUR")
    assert str(money("0").amount) == "0.00"


def test_canonical_amount_reads_text_up_to_the_length_limit():
    assert canonical_amount("1" * 64, language="en") == "1" * 64
    assert canonical_amount(" 1,234.56 ", language="en") == "1234.56"
    with pytest.raises(ValidationError):
        canonical_amount("1" * 65, language="en")


def test_to_decimal_reads_display_text_up_to_the_length_limit():
    assert to_decimal("1" * 64) == D("1" * 64)
    with pytest.raises(ValueError, match="not an amount"):
        to_decimal("1" * 65)


def test_splitting_zero_gives_plain_zeros_not_negative_zeros():
    parts = split_largest_remainder(D("0.00"), {"a": 1, "b": 3})
    assert [str(v) for v in parts.values()] == ["0.00", "0.00"]
    assert [plain_amount(v) for v in parts.values()] == ["0.00", "0.00"]


def test_a_tie_goes_to_the_key_whose_text_sorts_first():
    # 9 and 10 tie on remainder and weight; "10" sorts before "9" as text (not as a number).
    assert split_largest_remainder(D("0.01"), {9: 1, 10: 1}) == {9: D("0.00"), 10: D("0.01")}


def test_exact_amounts_below_a_dollar_keep_their_sign():
    assert format_usd(D("0.005"), exact=True) == "$0.005"
    assert format_usd(D("-0.005"), exact=True) == "-$0.005"
    assert format_usd(D("0.5"), cents=False) == "$1"


def test_plain_amount_of_text_and_of_nothing():
    assert plain_amount("") == ""
    assert plain_amount(None) == ""
    assert plain_amount("1,234.5") == "1234.50"
    assert plain_amount("-0.005") == "-0.01"
