"""Money on web pages: shown as ``$1,234,567.89`` and entered as text, never as a float.

``format_usd`` accepts ``Money``, ``Decimal``, ``int`` or a numeric string and refuses
``float`` (a float has already lost cents). Negative amounts read ``-$1.00``. Amounts with
more than two decimal places are rounded with ``money.round_cents`` (half up),
the project's only rounding.

``MoneyAmountField`` is a form field whose cleaned value is a ``Decimal`` with two places,
parsed by ``money.parse_amount`` (commas and a leading ``$`` allowed).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from moneyed import Money

from money import parse_amount, round_cents


def to_decimal(value: Any) -> Decimal:
    """An exact ``Decimal`` from ``Money``/``Decimal``/``int``/numeric string; ``float`` is refused."""
    if isinstance(value, float) or isinstance(value, bool):
        raise TypeError("Money is never a float; pass a Decimal, Money, int or string.")
    if isinstance(value, Money):
        return Decimal(value.amount)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip().replace(",", ""))
        except InvalidOperation as exc:
            raise ValueError(f"{value!r} is not an amount") from exc
    raise TypeError(f"Cannot show {type(value).__name__} as money.")


def format_usd(value: Any) -> str:
    """``$1,234,567.89``; negative ``-$1.00``; ``None`` or ``""`` gives ``""``."""
    if value is None or value == "":
        return ""
    amount = round_cents(to_decimal(value))
    if not amount.is_finite():
        raise ValueError("Not a finite amount")
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def plain_amount(value: Any) -> str:
    """The exact amount as a plain string for CSV and data attributes: ``1234567.89``."""
    if value is None or value == "":
        return ""
    return str(round_cents(to_decimal(value)))


class MoneyAmountInput(forms.TextInput):
    """A text box for money: numeric keypad on phones, no browser number spinner or float."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"inputmode": "decimal", "autocomplete": "off", "class": "money-input"}
        super().__init__(attrs=base | (attrs or {}))


#: The largest amount a ``MoneyField(max_digits=16, decimal_places=2)`` column holds.
MAX_AMOUNT = Decimal("99999999999999.99")


class MoneyAmountField(forms.Field):
    """A money amount typed as text (``1,234.50`` or ``$1,234.50``) cleaned to a ``Decimal``.

    ``allow_zero``/``allow_negative`` are passed to ``parse_amount``. Errors name the problem
    (not a number, fractions of a cent, zero, negative) and are translated.
    """

    widget = MoneyAmountInput
    default_error_messages = {
        "invalid": _("Enter an amount in dollars and cents, for example 1,234.56."),
        "cents": _("Amounts have at most two decimal places (cents)."),
        "negative": _("The amount must not be negative."),
        "zero": _("The amount must be greater than zero."),
        "too_large": _("The amount is too large."),
    }

    def __init__(self, *, allow_zero: bool = False, allow_negative: bool = False, **kwargs: Any) -> None:
        self.allow_zero = allow_zero
        self.allow_negative = allow_negative
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Money | Decimal | int) and not isinstance(value, bool):
            return plain_amount(value)
        return value

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, float) or not isinstance(value, str | int | Decimal):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        cleaned = str(value).strip().replace(" ", "")
        if cleaned == "":
            return None
        if len(cleaned) > 30:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            candidate = Decimal(cleaned.replace(",", "").removeprefix("$"))
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not candidate.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if abs(candidate) > MAX_AMOUNT:
            raise ValidationError(self.error_messages["too_large"], code="too_large")
        if candidate != candidate.quantize(Decimal("0.01")):
            raise ValidationError(self.error_messages["cents"], code="cents")
        if candidate < 0 and not self.allow_negative:
            raise ValidationError(self.error_messages["negative"], code="negative")
        if candidate == 0 and not self.allow_zero:
            raise ValidationError(self.error_messages["zero"], code="zero")
        try:
            return parse_amount(
                cleaned, allow_zero=self.allow_zero, allow_negative=self.allow_negative
            )
        except ValidationError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
