"""Rounding to cents and splitting an amount into parts that add up exactly."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

CENT = Decimal("0.01")


def round_cents(value: Decimal) -> Decimal:
    """Round to cents, half up (away from zero at exactly half a cent): the only rounding rule."""
    if not isinstance(value, Decimal):
        raise TypeError(f"round_cents takes a Decimal, not {type(value).__name__}")
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def split_largest_remainder(total: Decimal, weights: Mapping[K, Decimal | int]) -> dict[K, Decimal]:
    """Split ``total`` (cents) by ``weights`` so the parts sum exactly to ``total``.

    Weights must be non-negative with a positive sum. Each part first gets its
    proportional share rounded down to the cent; the cents left over go one each
    to the parts with the largest remainders (ties: the larger weight, then the
    key whose ``str`` sorts first).
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
