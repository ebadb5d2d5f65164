"""Money typed on web pages: a text box whose cleaned value is a ``Decimal`` with two places.

``MoneyAmountField`` accepts what a person writes in their language (``1,234.56`` or
``$1,234.56`` in English; ``1.234,56`` or ``1234,56`` in Spanish; the plain ``1234.56``
in both), turns it into the one money grammar with ``money.canonical_amount`` and parses
it with ``money.parse_amount``. Showing money is ``money.format_usd`` (the ``usd`` filter).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from moneyed import Money

from money import canonical_amount, parse_amount, plain_amount


class MoneyAmountInput(forms.TextInput):
    """A text box for money: numeric keypad on phones, no browser number spinner or float."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"inputmode": "decimal", "autocomplete": "off", "class": "money-input"}
        super().__init__(attrs=base | (attrs or {}))


class MoneyAmountField(forms.Field):
    """A money amount typed as text (``1,234.50``, ``$1,234.50``; ``1.234,50`` in Spanish)
    cleaned to a ``Decimal``.

    ``allow_zero``/``allow_negative`` are passed to ``parse_amount``. Errors name the problem
    (not an amount, fractions of a cent, too large, zero, negative) and are translated.
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
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if isinstance(value, str):
            if value.strip() == "":
                return None
            try:
                value = canonical_amount(value, language=get_language())
            except ValidationError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        try:
            return parse_amount(value, allow_zero=self.allow_zero, allow_negative=self.allow_negative)
        except ValidationError as exc:
            code = exc.error_dict["amount"][0].code or "invalid"
            code = code if code in self.error_messages else "invalid"
            raise ValidationError(self.error_messages[code], code=code) from None

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
