"""Money on pages: shown as $1,234,567.89, typed as text, never a float."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from djmoney.money import Money
from hypothesis import given, settings
from hypothesis import strategies as st

from money import format_usd, plain_amount
from web.money import MoneyAmountField


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1234567.89"), "$1,234,567.89"),
        (Money("1234567.89", "USD"), "$1,234,567.89"),
        (Decimal("-1"), "-$1.00"),
        (Money("-1234.5", "USD"), "-$1,234.50"),
        (0, "$0.00"),
        (12, "$12.00"),
        ("1000.10", "$1,000.10"),
        (Decimal("0.005"), "$0.01"),  # half up, the project's only rounding
        (Decimal("-0.005"), "-$0.01"),
        (None, ""),
    ],
)
def test_usd_filter_formats_amounts(value, shown):
    rendered = Template("{% load ui %}{{ v|usd }}").render(Context({"v": value}))
    assert rendered == shown


def test_usd_refuses_floats():
    with pytest.raises(TypeError):
        format_usd(1234.5)
    with pytest.raises(TypeError):
        Template("{% load ui %}{{ v|usd }}").render(Context({"v": 0.1}))


def test_usd_is_the_same_in_spanish():
    with translation.override("es"):
        rendered = Template("{% load ui %}{{ v|usd }}").render(Context({"v": Decimal("1234.5")}))
    assert rendered == "$1,234.50"


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=-10**14, max_value=10**14))
def test_usd_round_trips_every_cent_amount(cents):
    amount = Decimal(cents) / 100
    shown = format_usd(amount)
    assert shown.startswith("-$" if cents < 0 else "$")
    assert Decimal(shown.replace("$", "").replace(",", "")) == amount
    assert plain_amount(amount) == str(amount.quantize(Decimal("0.01")))


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [("1,234.50", Decimal("1234.50")), ("$5", Decimal("5.00")), (" 17.1 ", Decimal("17.10")),
     ("$1,000,000.00", Decimal("1000000.00"))],
)
def test_money_field_parses_exact_decimals(typed, cleaned):
    value = MoneyAmountField().clean(typed)
    assert value == cleaned and isinstance(value, Decimal)
    assert value.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Enter an amount in dollars and cents"),
        ("1.005", "at most two decimal places"),
        ("-3", "must not be negative"),
        ("0", "greater than zero"),
        ("", "This field is required"),
        ("1e400", "Enter an amount in dollars and cents"),
        ("100000000000000.00", "too large"),
        ("NaN", "Enter an amount"),
    ],
)
def test_money_field_rejects_bad_input_with_a_clear_message(typed, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        MoneyAmountField().clean(typed)
    assert message in " ".join(exc.value.messages)


def test_money_field_allows_zero_and_negative_when_asked():
    assert MoneyAmountField(allow_zero=True).clean("0") == Decimal("0.00")
    assert MoneyAmountField(allow_negative=True).clean("-2.5") == Decimal("-2.50")
    assert MoneyAmountField(required=False).clean("") is None


def test_money_field_errors_are_translated():
    from django.core.exceptions import ValidationError

    with translation.override("es"):
        with pytest.raises(ValidationError) as exc:
            MoneyAmountField().clean("1,001")  # in Spanish "1.001" is one thousand and one
        assert "como máximo dos decimales" in " ".join(exc.value.messages)


def test_money_field_shows_an_initial_amount_without_float_or_symbol():
    from django import forms

    class F(forms.Form):
        amount = MoneyAmountField()

    html = str(F(initial={"amount": Money("1234.5", "USD")})["amount"])
    assert 'value="1234.50"' in html and 'inputmode="decimal"' in html


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [("1,234.56", "1234.56"), ("$1,234.56", "1234.56"), ("1234.56", "1234.56"), ("1,234,567", "1234567.00")],
)
def test_money_field_reads_english_grouping(typed, cleaned):
    with translation.override("en"):
        assert MoneyAmountField().clean(typed) == Decimal(cleaned)


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [("1.234,56", "1234.56"), ("1234,56", "1234.56"), ("$1.234.567,5", "1234567.50"),
     ("1.001", "1001.00"), ("1234.56", "1234.56")],
)
def test_money_field_reads_spanish_grouping(typed, cleaned):
    with translation.override("es"):
        assert MoneyAmountField().clean(typed) == Decimal(cleaned)
    with translation.override("es"):
        assert MoneyAmountField(allow_negative=True).clean("-" + typed) == -Decimal(cleaned)


@pytest.mark.parametrize(
    "typed",
    ["1,00", "12,34,567.00", "1.234,56", "1 000", "5 000", "1e9", "1E3", "1_000", "+5.00", "５.００",
     "$-5", "0x10", "Infinity", "9" * 100],
)
def test_money_field_refuses_what_english_does_not_write(typed):
    from django.core.exceptions import ValidationError

    with translation.override("en"), pytest.raises(ValidationError) as exc:
        MoneyAmountField(allow_negative=True).clean(typed)
    assert exc.value.messages == ["Enter an amount in dollars and cents, for example 1,234.56."]


@pytest.mark.parametrize("typed", ["1,234.56", "12.34.567,00", "1.23,00", "1 234,56", "1e3", "1234.567"])
def test_money_field_refuses_what_spanish_does_not_write(typed):
    from django.core.exceptions import ValidationError

    with translation.override("es"):
        with pytest.raises(ValidationError) as exc:
            MoneyAmountField().clean(typed)
        assert exc.value.messages == ["Escriba una cantidad en dólares y centavos, por ejemplo 1.234,56."]


def test_money_field_passes_size_and_sign_errors_through_with_its_own_words():
    from django.core.exceptions import ValidationError

    for typed, message in [("100,000,000,000,000.00", "The amount is too large."),
                           ("1" * 40, "The amount is too large."),
                           ("1,234.567", "Amounts have at most two decimal places (cents)."),
                           ("-$1.00", "The amount must not be negative."),
                           ("-0", "The amount must not be negative.")]:
        with translation.override("en"), pytest.raises(ValidationError) as exc:
            MoneyAmountField(allow_zero=True).clean(typed)
        assert exc.value.messages == [message], typed
    assert MoneyAmountField().clean(Decimal("12.5")) == Decimal("12.50")
    with pytest.raises(ValidationError):
        MoneyAmountField().clean(Decimal("NaN"))
