"""Money helpers: the one place amounts are parsed, rounded and split.

* Amounts are ``Decimal`` (or django-money ``Money``), never ``float``: ``parse_amount``
  refuses floats outright, so a float can't slip in from JSON or a form.
* ``round_cents`` is the only rounding in the project: to cents, half up.
* ``split_largest_remainder`` divides an amount in proportion to weights so the
  parts add up exactly to the whole (largest-remainder method; ties go to the
  larger weight, then to the key that sorts first, so results are repeatable).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypeVar

from django.core.exceptions import ValidationError
from moneyed import Money

K = TypeVar("K", bound=Hashable)

CENT = Decimal("0.01")
DEFAULT_CURRENCY = "USD"


def round_cents(value: Decimal) -> Decimal:
    """Round to cents, half up (the only rounding rule for money)."""
    if not isinstance(value, Decimal):
        raise TypeError(f"round_cents takes a Decimal, not {type(value).__name__}")
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(value: object, *, field: str = "amount", allow_zero: bool = False,
                 allow_negative: bool = False) -> Decimal:
    """An exact Decimal amount with at most two decimal places, from a string, int or Decimal.

    Raises ``ValidationError`` (keyed by ``field``) for floats, non-numbers,
    fractions of a cent, and zero or negative amounts unless allowed.
    """
    if isinstance(value, float) or isinstance(value, bool):
        raise ValidationError({field: "Give money as a string or Decimal, never a float."})
    if isinstance(value, Money):
        value = value.amount
    try:
        amount = Decimal(str(value).strip().replace(",", "").lstrip("$")) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: f"{value!r} is not an amount of money."}) from exc
    if not amount.is_finite():
        raise ValidationError({field: f"{value!r} is not an amount of money."})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: "Amounts have at most two decimal places (cents)."})
    if amount < 0 and not allow_negative:
        raise ValidationError({field: "The amount must not be negative."})
    if amount == 0 and not allow_zero:
        raise ValidationError({field: "The amount must be greater than zero."})
    return amount.quantize(CENT)


def money(amount: Decimal | str | int, currency: str = DEFAULT_CURRENCY) -> Money:
    """A ``Money`` in ``currency`` from an exact amount (floats refused)."""
    return Money(parse_amount(amount, allow_zero=True, allow_negative=True), currency)


def split_largest_remainder(total: Decimal, weights: Mapping[K, Decimal | int]) -> dict[K, Decimal]:
    """Split ``total`` (cents) by ``weights`` so the parts sum exactly to ``total``.

    Weights must be non-negative with a positive sum. Each part first gets its
    proportional share rounded down to the cent; the cents left over go one each
    to the parts with the largest remainders.
    """
    total = round_cents(total) if total != total.quantize(CENT) else total
    if not weights:
        raise ValueError("Nothing to split across: no weights.")
    if any(Decimal(w) < 0 for w in weights.values()):
        raise ValueError("Weights must not be negative.")
    weight_sum = sum((Decimal(w) for w in weights.values()), Decimal(0))
    if weight_sum <= 0:
        raise ValueError("Weights must add up to more than zero.")
    sign = -1 if total < 0 else 1
    cents_total = int((abs(total) / CENT).to_integral_value())
    floors: dict[K, int] = {}
    remainders: list[tuple[Decimal, Decimal, str, K]] = []
    for key, w in weights.items():
        exact = Decimal(cents_total) * Decimal(w) / weight_sum
        floor = int(exact.to_integral_value(rounding=ROUND_DOWN))
        floors[key] = floor
        remainders.append((exact - floor, Decimal(w), str(key), key))
    left = cents_total - sum(floors.values())
    remainders.sort(key=lambda r: (-r[0], -r[1], r[2]))
    for _, _, _, key in remainders[:left]:
        floors[key] += 1
    return {key: sign * Decimal(c) * CENT for key, c in floors.items()}
