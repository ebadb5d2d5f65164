"""The one money formatter: ``$1,234,567.89``, negative ``-$1.00``, never from a float.

``format_usd`` is used by pages (filters, tables, charts), PDFs, report data and the
obligation calculation's explanation lines. It rounds to cents with ``round_cents``
(half up) unless ``exact=True``, which shows an amount finer than a cent with all of
its digits (``$7.50075``) for explanations that must not round for display.
``plain_amount`` is the same amount for CSV cells and form inputs (``1234567.89``).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from moneyed import Money

from .rounding import CENT, round_cents

# Text a template or report may hand over for display (not user input: that is parse_amount).
_DISPLAY_TEXT = re.compile(r"-?[0-9][0-9,]*(\.[0-9]+)?")
_MAX_DISPLAY_TEXT = 64
DOLLAR = Decimal(1)


def to_decimal(value: Any) -> Decimal:
    """An exact ``Decimal`` from ``Money``/``Decimal``/``int``/numeric string; ``float`` is refused."""
    if isinstance(value, float | bool):
        raise TypeError("Money is never a float; pass a Decimal, Money, int or string.")
    if isinstance(value, Money):
        return Decimal(value.amount)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        text = value.strip()
        if len(text) > _MAX_DISPLAY_TEXT or not _DISPLAY_TEXT.fullmatch(text):
            raise ValueError(f"{value[:_MAX_DISPLAY_TEXT]!r} is not an amount")
        return Decimal(text.replace(",", ""))
    raise TypeError(f"Cannot show {type(value).__name__} as money.")


def format_usd(value: Any, *, exact: bool = False, cents: bool = True, blank: str = "") -> str:
    """``$1,234,567.89``; negative ``-$1.00``; ``None`` or ``""`` gives ``blank``.

    Rounded to cents (half up) unless ``exact``, which keeps digits finer than a cent;
    ``cents=False`` rounds half up to whole dollars (``$1,250,000``, for chart axes).
    """
    if value is None or (isinstance(value, str) and value == ""):
        return blank
    amount = to_decimal(value)
    if not amount.is_finite():
        raise ValueError("Not a finite amount")
    if not cents:
        dollars = amount.quantize(DOLLAR, rounding=ROUND_HALF_UP)
        sign = "-" if dollars < 0 else ""
        return f"{sign}${abs(dollars):,.0f}"
    if exact and amount != amount.quantize(CENT):
        sign = "-" if amount < 0 else ""
        whole, _, decimals = format(abs(amount).normalize(), "f").partition(".")
        return f"{sign}${int(whole):,}.{decimals}"
    amount = round_cents(amount)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def plain_amount(value: Any) -> str:
    """The exact amount as a plain string for CSV and data attributes: ``1234567.89``."""
    if value is None or (isinstance(value, str) and value == ""):
        return ""
    return str(round_cents(to_decimal(value)))
