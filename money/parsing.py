"""The money grammar: what an amount may look like when it comes in.

``parse_amount`` accepts exactly one form of text: an optional leading minus (only
where negatives are allowed), 1 to 14 ASCII digits, and optionally a decimal point
followed by one or two digits (``AMOUNT_PATTERN``). No thousands separators, no
currency sign, no exponent, no underscores, no plus sign, no spaces, no other
digits than 0-9. A ``Decimal`` is checked for being finite, whole cents and at most
14 digits before the point; an ``int`` for its size; a ``float`` or ``bool`` is
refused. The text is checked by length and pattern before it ever becomes a
``Decimal``, so no input can make the conversion itself fail or run long.

``canonical_amount`` is for pages only: it turns what a person types in their
language (English ``$1,234.56``; Spanish ``1.234,56`` or ``1234,56``) into that one
form, refusing wrong grouping such as ``12,34,567.00`` or ``1,00`` in English.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NoReturn

from django.core.exceptions import ValidationError
from moneyed import Money

from .rounding import CENT

DEFAULT_CURRENCY = "USD"

#: Digits before the decimal point a ``MoneyField(max_digits=16, decimal_places=2)`` holds.
MAX_INTEGER_DIGITS = 14
#: The largest amount a money column holds.
MAX_AMOUNT = Decimal("99999999999999.99")
#: The one text form of an amount (``re.fullmatch``; negatives only where allowed).
AMOUNT_PATTERN = r"-?[0-9]{1,14}(\.[0-9]{1,2})?"
#: The longest text ``AMOUNT_PATTERN`` can match: sign, 14 digits, point, 2 decimals.
MAX_AMOUNT_LENGTH = 18
#: Longer text is refused without looking further (pages and files).
MAX_TYPED_LENGTH = 64

EXAMPLE = "Enter an amount like 1234.56."
MESSAGES = {
    "invalid": f"This is not an amount of money. {EXAMPLE}",
    "float": f"Give money as a string or Decimal, never a float. {EXAMPLE}",
    "cents": f"Amounts have at most two decimal places (cents). {EXAMPLE}",
    "too_large": f"The amount has more than {MAX_INTEGER_DIGITS} digits before the decimal point. {EXAMPLE}",
    "negative": f"The amount must not be negative. {EXAMPLE}",
    "zero": "The amount must be greater than zero.",
}

_AMOUNT = re.compile(AMOUNT_PATTERN)
# Only used to say what is wrong with text that does not match AMOUNT_PATTERN.
_DIGITS = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")
_BOUND = Decimal(10) ** MAX_INTEGER_DIGITS


def _refuse(field: str, code: str) -> NoReturn:
    raise ValidationError({field: ValidationError(MESSAGES[code], code=code)})


def _parse_text(text: str, *, field: str, allow_negative: bool) -> Decimal:
    if len(text) > MAX_AMOUNT_LENGTH or not _AMOUNT.fullmatch(text):
        shape = _DIGITS.fullmatch(text) if len(text) <= MAX_TYPED_LENGTH else None
        if shape is not None and len(shape.group(2)) > MAX_INTEGER_DIGITS:
            _refuse(field, "too_large")
        if shape is not None and len(shape.group(3) or "") > 2:
            _refuse(field, "cents")
        _refuse(field, "invalid")
    if text.startswith("-") and not allow_negative:
        _refuse(field, "negative")
    return Decimal(text)


def parse_amount(value: object, *, field: str = "amount", allow_zero: bool = False,
                 allow_negative: bool = False) -> Decimal:
    """An exact Decimal amount with two decimal places, from text, an int, a Decimal or Money.

    Text must match ``AMOUNT_PATTERN`` exactly. Raises ``ValidationError`` keyed by
    ``field`` (codes ``invalid``, ``float``, ``cents``, ``too_large``, ``negative``,
    ``zero``), each message giving an example of the expected form.
    """
    if isinstance(value, float | bool):
        _refuse(field, "float")
    if isinstance(value, Money):
        value = value.amount
    if isinstance(value, str):
        amount = _parse_text(value, field=field, allow_negative=allow_negative)
    elif isinstance(value, int):
        if abs(value) >= _BOUND:
            _refuse(field, "too_large")
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            _refuse(field, "invalid")
        if abs(value) >= _BOUND:
            _refuse(field, "too_large")
        if value != value.quantize(CENT):
            _refuse(field, "cents")
        amount = value
    else:
        _refuse(field, "invalid")
    if amount < 0 and not allow_negative:
        _refuse(field, "negative")
    if amount == 0:
        if not allow_zero:
            _refuse(field, "zero")
        amount = amount.copy_abs()
    return amount.quantize(CENT)


def money(amount: Decimal | str | int, currency: str = DEFAULT_CURRENCY) -> Money:
    """A ``Money`` in ``currency`` from an exact amount (floats refused)."""
    return Money(parse_amount(amount, allow_zero=True, allow_negative=True), currency)


# What a person may type on a page, by language. Decimals are not limited here so that
# parse_amount can say "at most two decimal places" rather than "not an amount".
_ENGLISH = re.compile(r"(-?)\$?([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?")
_SPANISH = re.compile(r"(-?)\$?([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,([0-9]+))?")
# In Spanish a point followed by three digits groups thousands; with one or two digits
# it can only be the decimal point of the plain form (``1234.56``, as forms show amounts).
_SPANISH_PLAIN = re.compile(r"(-?)\$?([0-9]+)\.([0-9]{1,2})")


def canonical_amount(text: str, *, language: str | None) -> str:
    """What a person typed (``language``'s grouping and decimal mark) as ``AMOUNT_PATTERN`` text.

    English (and any language other than Spanish): ``1234.56``, ``1,234.56``, ``$1,234.56``,
    ``-$1,234.56``; thousands groups must be exactly three digits. Spanish (``es*``):
    ``1.234,56``, ``1234,56``, ``$1.234,56`` and the plain ``1234.56``. Leading and
    trailing spaces are ignored. Anything else raises ``ValidationError`` (code ``invalid``).
    The result still has to pass ``parse_amount`` (cents, size, sign).
    """
    text = text.strip()
    if len(text) > MAX_TYPED_LENGTH:
        _refuse("amount", "invalid")
    if language and language.lower().startswith("es"):
        match = _SPANISH.fullmatch(text) or _SPANISH_PLAIN.fullmatch(text)
        group = "."
    else:
        match = _ENGLISH.fullmatch(text)
        group = ","
    if match is None:
        _refuse("amount", "invalid")
    sign, whole, decimals = match.groups()
    whole = whole.replace(group, "") if match.re is not _SPANISH_PLAIN else whole
    return sign + whole + (f".{decimals}" if decimals is not None else "")
