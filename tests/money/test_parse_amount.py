"""``money.parse_amount``: one grammar, ``-?[0-9]{1,14}(\\.[0-9]{1,2})?``; everything else is refused
with a message that shows the expected form."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from moneyed import Money

from money import AMOUNT_PATTERN, parse_amount

EXAMPLE = "Enter an amount like 1234.56."
NOT_AN_AMOUNT = "This is not an amount of money. Enter an amount like 1234.56."
CENTS = "Amounts have at most two decimal places (cents). Enter an amount like 1234.56."
TOO_LARGE = "The amount has more than 14 digits before the decimal point. Enter an amount like 1234.56."
NEGATIVE = "The amount must not be negative. Enter an amount like 1234.56."
FLOAT = "Give money as a string or Decimal, never a float. Enter an amount like 1234.56."

REFUSED_TEXT = [
    ("1e9", NOT_AN_AMOUNT),  # exponent
    ("1E3", NOT_AN_AMOUNT),
    ("1e30", NOT_AN_AMOUNT),
    ("1e400", NOT_AN_AMOUNT),
    ("1_000", NOT_AN_AMOUNT),  # underscore grouping
    ("+5.00", NOT_AN_AMOUNT),  # plus sign
    ("５.００", NOT_AN_AMOUNT),  # full-width digits
    ("٣٤", NOT_AN_AMOUNT),  # Arabic-Indic digits
    ("$5.00", NOT_AN_AMOUNT),  # currency sign
    ("5 000", NOT_AN_AMOUNT),  # space grouping
    ("5\u00a0000", NOT_AN_AMOUNT),  # no-break space grouping
    ("1,00", NOT_AN_AMOUNT),  # was read as 100.00
    ("1,234.56", NOT_AN_AMOUNT),  # grouping is for pages only
    ("1.234,56", NOT_AN_AMOUNT),
    (" 5.00", NOT_AN_AMOUNT),
    ("5.00 ", NOT_AN_AMOUNT),
    ("5.00\n", NOT_AN_AMOUNT),
    ("", NOT_AN_AMOUNT),
    (".5", NOT_AN_AMOUNT),
    ("5.", NOT_AN_AMOUNT),
    ("1.2.3", NOT_AN_AMOUNT),
    ("--5", NOT_AN_AMOUNT),
    ("-", NOT_AN_AMOUNT),
    ("0x10", NOT_AN_AMOUNT),
    ("NaN", NOT_AN_AMOUNT),
    ("sNaN", NOT_AN_AMOUNT),
    ("Infinity", NOT_AN_AMOUNT),
    ("-inf", NOT_AN_AMOUNT),
    ("abc", NOT_AN_AMOUNT),
    ("1" * 1_000_000, NOT_AN_AMOUNT),  # refused by its length, never converted
    ("1.001", CENTS),
    ("0.005", CENTS),
    ("1" * 15, TOO_LARGE),
    ("1" * 40, TOO_LARGE),  # used to raise InvalidOperation (a 500)
    ("1" * 40 + ".00", TOO_LARGE),
    ("100000000000000.00", TOO_LARGE),
]


@pytest.mark.parametrize(("text", "message"), REFUSED_TEXT)
def test_refused_text_gets_a_message_with_an_example_keyed_by_the_field(text, message):
    with pytest.raises(ValidationError) as exc:
        parse_amount(text, field="total_budget", allow_zero=True, allow_negative=True)
    assert exc.value.message_dict == {"total_budget": [message]}
    assert message.endswith(EXAMPLE)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("0.01", Decimal("0.01")),
        ("5", Decimal("5.00")),
        ("1.5", Decimal("1.50")),
        ("1234.56", Decimal("1234.56")),
        ("007.10", Decimal("7.10")),
        ("99999999999999.99", Decimal("99999999999999.99")),  # 14 digits: the largest column value
    ],
)
def test_the_canonical_form_is_parsed_exactly_to_two_places(text, amount):
    parsed = parse_amount(text)
    assert parsed == amount
    assert parsed.as_tuple().exponent == -2


def test_a_minus_sign_only_where_negatives_are_allowed():
    for text in ("-5", "-0.01", "-0"):
        with pytest.raises(ValidationError) as exc:
            parse_amount(text, allow_zero=True)
        assert exc.value.message_dict == {"amount": [NEGATIVE]}
    assert parse_amount("-5", allow_negative=True) == Decimal("-5.00")
    assert parse_amount("-99999999999999.99", allow_negative=True) == Decimal("-99999999999999.99")
    with pytest.raises(ValidationError) as exc:
        parse_amount("-100000000000000", allow_negative=True)
    assert exc.value.message_dict == {"amount": [TOO_LARGE]}


def test_zero_only_when_allowed_and_never_negative_zero():
    with pytest.raises(ValidationError) as exc:
        parse_amount("0")
    assert exc.value.message_dict == {"amount": ["The amount must be greater than zero."]}
    zero = parse_amount("-0.00", allow_zero=True, allow_negative=True)
    assert zero == 0 and not zero.is_signed() and str(zero) == "0.00"
    assert str(parse_amount(Decimal("-0"), allow_zero=True)) == "0.00"


@pytest.mark.parametrize("value", [1.5, 0.1, 1e9, True, False])
def test_floats_and_booleans_are_refused(value):
    with pytest.raises(ValidationError) as exc:
        parse_amount(value, allow_zero=True)
    assert exc.value.message_dict == {"amount": [FLOAT]}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("NaN"), NOT_AN_AMOUNT),
        (Decimal("sNaN"), NOT_AN_AMOUNT),
        (Decimal("Infinity"), NOT_AN_AMOUNT),
        (Decimal("-Infinity"), NOT_AN_AMOUNT),
        (Decimal("1E+30"), TOO_LARGE),
        (Decimal("1E+999999"), TOO_LARGE),
        (Decimal("100000000000000"), TOO_LARGE),
        (Decimal("1.001"), CENTS),
        (Decimal("1E-999999"), CENTS),
        (10**14, TOO_LARGE),
        (-(10**14), TOO_LARGE),
        (10**100, TOO_LARGE),
        (None, NOT_AN_AMOUNT),
        (b"5.00", NOT_AN_AMOUNT),
        (["5"], NOT_AN_AMOUNT),
    ],
)
def test_decimals_ints_and_other_types_are_checked(value, message):
    with pytest.raises(ValidationError) as exc:
        parse_amount(value, allow_negative=True)
    assert exc.value.message_dict == {"amount": [message]}


def test_decimals_ints_and_money_in_range_are_accepted():
    assert parse_amount(Decimal("5.000")) == Decimal("5.00")
    assert parse_amount(Decimal("1E+2")) == Decimal("100.00")
    assert parse_amount(Decimal("99999999999999.99")) == Decimal("99999999999999.99")
    assert parse_amount(10**14 - 1) == Decimal("99999999999999.00")
    assert parse_amount(Money("12.3", "USD")) == Decimal("12.30")
    assert parse_amount(Decimal("12.3")).as_tuple().exponent == -2


def test_the_api_schema_pattern_is_the_same_grammar():
    from api.fields import AMOUNT_PATTERN as API_PATTERN

    assert API_PATTERN.strip("^$").replace("\\d", "[0-9]") == AMOUNT_PATTERN
