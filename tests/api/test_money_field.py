"""Money in the API is an object with a string amount; numbers and fractions of cents are refused."""

from decimal import Decimal

import pytest
from moneyed import Money
from rest_framework import serializers

from api.fields import MoneyField
from api.serializers import StrictSerializer


class PaymentIn(StrictSerializer):
    amount = MoneyField()
    adjustment = MoneyField(allow_negative=True, allow_zero=True, required=False)


def _errors(data):
    s = PaymentIn(data=data)
    assert not s.is_valid()
    return s.errors


def test_string_amount_is_parsed_exactly():
    s = PaymentIn(data={"amount": {"amount": "1234.56", "currency": "USD"}})
    assert s.is_valid(), s.errors
    assert s.validated_data["amount"] == Money(Decimal("1234.56"), "USD")


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ({"amount": 1234.56, "currency": "USD"}, "never a JSON number"),
        ({"amount": 1234, "currency": "USD"}, "never a JSON number"),
        ({"amount": "12.345", "currency": "USD"}, "two decimal places"),
        ({"amount": "abc", "currency": "USD"}, "not an amount"),
        ({"amount": "0", "currency": "USD"}, "greater than zero"),
        ({"amount": "-5", "currency": "USD"}, "negative"),
        ({"amount": "1" * 15, "currency": "USD"}, "14 digits"),
        ({"amount": "5", "currency": "EUR"}, "Currency must be"),
        ({"amount": "5", "currency": "USD", "rate": "1"}, "Unknown keys"),
        ({"currency": "USD"}, "required"),
        ({"amount": None, "currency": "USD"}, "must be a string"),
        ("1234.56", "Give money as an object"),
        (1234.56, "Give money as an object"),
    ],
)
def test_bad_money_is_refused_with_a_clear_message(value, fragment):
    errors = _errors({"amount": value})
    assert fragment in str(errors["amount"][0])


def test_negative_and_zero_allowed_only_when_declared():
    s = PaymentIn(data={"amount": {"amount": "1.00", "currency": "USD"},
                        "adjustment": {"amount": "-0.01", "currency": "USD"}})
    assert s.is_valid(), s.errors
    assert s.validated_data["adjustment"].amount == Decimal("-0.01")


def test_unknown_fields_are_refused():
    errors = _errors({"amount": {"amount": "1", "currency": "USD"}, "memo": "x"})
    assert errors["memo"][0].code == "unknown_field"


def test_money_is_rendered_as_string_with_cents():
    class Out(serializers.Serializer):
        total = MoneyField()

    assert Out({"total": Money(Decimal("5"), "USD")}).data["total"] == {"amount": "5.00", "currency": "USD"}
    assert Out({"total": Decimal("-1.5")}).data["total"] == {"amount": "-1.50", "currency": "USD"}
