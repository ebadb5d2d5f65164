"""``money.canonical_amount``: what a person types on a page, in English or Spanish, as the one grammar."""

import pytest
from django.core.exceptions import ValidationError

from money import canonical_amount


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("1234.56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("$1,234.56", "1234.56"),
        ("-$1,234.56", "-1234.56"),
        ("-1,234.56", "-1234.56"),
        ("1,234,567", "1234567"),
        ("$5", "5"),
        ("  17.1 ", "17.1"),
        ("999", "999"),
        ("1.005", "1.005"),  # parse_amount then refuses the fraction of a cent
    ],
)
def test_english(typed, canonical):
    assert canonical_amount(typed, language="en") == canonical
    assert canonical_amount(typed, language=None) == canonical


@pytest.mark.parametrize(
    "typed",
    [
        "1,00",  # not a thousands group: was read as 100.00
        "12,34,567.00",  # groups of two
        "1,2345.00",
        "1234,567.00",
        ",123.00",
        "1,234,56",
        "1.234,56",  # Spanish form on an English page
        "1 000",
        "$ 5",
        "5$",
        "$-5",
        "+5",
        "1e3",
        "１２",
        "5.",
        ".5",
        "",
        "9" * 65,
    ],
)
def test_english_refuses(typed):
    with pytest.raises(ValidationError) as exc:
        canonical_amount(typed, language="en-us")
    assert exc.value.message_dict == {"amount": ["This is not an amount of money. Enter an amount like 1234.56."]}


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("$1.234,56", "1234.56"),
        ("-1.234,56", "-1234.56"),
        ("1.234.567,5", "1234567.5"),
        ("1.001", "1001"),  # a point before three digits groups thousands
        ("1234.56", "1234.56"),  # the plain form, as forms show an amount
        ("12.5", "12.5"),
        ("1,001", "1.001"),  # parse_amount then refuses the fraction of a cent
    ],
)
def test_spanish(typed, canonical):
    assert canonical_amount(typed, language="es") == canonical
    assert canonical_amount(typed, language="es-mx") == canonical


@pytest.mark.parametrize(
    "typed",
    ["1,234.56", "12.34.567,00", "1.23,00", "1.2345,00", "1 234,56", "1,2,3", "1.234.56", ",5", "1e3"],
)
def test_spanish_refuses(typed):
    with pytest.raises(ValidationError):
        canonical_amount(typed, language="es")
