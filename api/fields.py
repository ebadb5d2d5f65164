"""Money and dates in the API.

Money is ``{"amount": "1234.56", "currency": "USD"}``, the amount a string. A JSON number
for an amount is refused (a float cannot carry cents exactly and an integer would be
ambiguous); so are fractions of a cent, more digits than the database holds (14 before the
point) and currencies the product does not use. Parsing goes through ``money.parse_amount``,
the one place amounts are parsed; text longer than any amount (``MAX_AMOUNT_LENGTH``) is
refused before it is parsed at all, and no input makes the field fail with anything but a
validation error (400), whatever the text (``1e30``, forty digits, ``NaN``).

Dates in requests (``DateField``) lie between ``EARLIEST_DATE`` and ``LATEST_DATE``: the
services compute with them (an award's report due dates after its end, a fiscal year's
bounds), and a date at the edge of the calendar, 9999-12-31, would overflow there.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from moneyed import Money
from rest_framework import serializers

from money import parse_amount

AMOUNT_PATTERN = r"^-?\d{1,14}(\.\d{1,2})?$"
MAX_INTEGER_DIGITS = 14
#: The longest amount text AMOUNT_PATTERN matches: a sign, 14 digits, the point and 2 decimals.
MAX_AMOUNT_LENGTH = 18
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2200, 12, 31)


def money_schema(*, allow_negative: bool) -> dict[str, Any]:
    pattern = AMOUNT_PATTERN if allow_negative else AMOUNT_PATTERN.replace("^-?", "^")
    return {
        "type": "object",
        "properties": {
            "amount": {"type": "string", "pattern": pattern, "example": "1234.56",
                       "description": "Decimal amount as a string (never a JSON number), at most 2 decimals."},
            "currency": {"type": "string", "enum": list(settings.CURRENCIES), "example": "USD"},
        },
        "required": ["amount", "currency"],
        "additionalProperties": False,
    }


def money_json(value: Money | None) -> dict[str, str] | None:
    if value is None:
        return None
    return {"amount": f"{value.amount:.2f}", "currency": str(value.currency)}


class MoneyField(serializers.Field):
    """Money in and out; refuses zero and negative amounts unless allowed (schema: api/schema.py)."""

    default_error_messages = {
        "not_object": 'Give money as an object: {{"amount": "1234.56", "currency": "USD"}}.',
        "number": 'Give the amount as a string, e.g. "1234.56", never a JSON number.',
        "not_string": "The amount must be a string.",
        "required_amount": "The amount is required.",
        "unknown_keys": "Unknown keys in money: {keys}. Only 'amount' and 'currency'.",
        "currency": "Currency must be one of: {currencies}.",
        "too_many_digits": "The amount has more than 14 digits before the decimal point.",
        "too_long": 'The amount is too long: at most 14 digits before the decimal point and 2 after, '
                    'e.g. "1234.56".',
        "invalid": 'This is not an amount of money: give it like "1234.56".',
    }

    def __init__(self, *, allow_zero: bool = False, allow_negative: bool = False, **kwargs: Any) -> None:
        self.allow_zero = allow_zero
        self.allow_negative = allow_negative
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> dict[str, str] | None:
        if isinstance(value, Decimal):
            value = Money(value, settings.DEFAULT_CURRENCY)
        return money_json(value)

    def to_internal_value(self, data: Any) -> Money:
        if not isinstance(data, dict):
            self.fail("not_object")
        extra = set(data) - {"amount", "currency"}
        if extra:
            self.fail("unknown_keys", keys=", ".join(sorted(map(str, extra))))
        if "amount" not in data:
            self.fail("required_amount")
        amount, currency = data["amount"], data.get("currency", settings.DEFAULT_CURRENCY)
        if isinstance(amount, int | float | Decimal) and not isinstance(amount, bool):
            self.fail("number")
        if not isinstance(amount, str):
            self.fail("not_string")
        if currency not in settings.CURRENCIES:
            self.fail("currency", currencies=", ".join(settings.CURRENCIES))
        if len(amount) > MAX_AMOUNT_LENGTH:
            self.fail("too_long")
        try:
            parsed = parse_amount(amount, field="amount", allow_zero=self.allow_zero,
                                  allow_negative=self.allow_negative)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["amount"], code="invalid") from exc
        except (ArithmeticError, ValueError):  # decimal.InvalidOperation, OverflowError: never a 500
            self.fail("invalid")
        if abs(parsed) >= Decimal(10) ** MAX_INTEGER_DIGITS:
            self.fail("too_many_digits")
        return Money(parsed, currency)


def line_amounts(value: dict[str, Money]) -> dict[int, Decimal]:
    """``{"1": Money, ...}`` keyed by budget line number, as ``{1: Decimal, ...}``."""
    out: dict[int, Decimal] = {}
    for key, amount in value.items():
        if not str(key).isdigit() or len(str(key)) > 4:
            raise serializers.ValidationError(f"{key!r} is not a budget line number.")
        out[int(key)] = amount.amount
    return out


class DateField(serializers.DateField):
    """An ISO 8601 date between EARLIEST_DATE and LATEST_DATE (see the module docstring)."""

    default_error_messages = {
        "out_of_range": f"Give a date between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}.",
    }

    def to_internal_value(self, value: Any) -> dt.date:
        parsed: dt.date = super().to_internal_value(value)
        if not EARLIEST_DATE <= parsed <= LATEST_DATE:
            self.fail("out_of_range")
        return parsed


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date-time that must carry its offset (``Z`` or ``+hh:mm``): a meeting or a
    deadline without one would be read in the server's zone, silently."""

    default_error_messages = {
        "naive": "Give the date-time with its offset, e.g. 2026-11-23T18:00:00-08:00.",
        "out_of_range": DateField.default_error_messages["out_of_range"],
    }

    def to_internal_value(self, value: Any) -> Any:
        from django.utils.dateparse import parse_datetime

        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        aware = super().to_internal_value(value)
        if not EARLIEST_DATE <= aware.date() <= LATEST_DATE:
            self.fail("out_of_range")
        return aware


class WholeNumberField(serializers.IntegerField):
    """A count of people: a JSON integer only (``12.0``, ``"12"`` and ``true`` are refused)."""

    default_error_messages = {"whole": "Give a whole number (a JSON integer)."}

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("whole")
        return super().to_internal_value(data)
