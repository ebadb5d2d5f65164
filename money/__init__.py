"""Money helpers: the one place amounts are parsed, rounded, split and formatted.

* Amounts are ``Decimal`` (or django-money ``Money``), never ``float``.
* ``parse_amount`` accepts one grammar only (``AMOUNT_PATTERN``: ``-?`` then 1 to 14
  digits, optionally a point and one or two decimals) and refuses everything else with a
  ``ValidationError`` that gives an example; ``canonical_amount`` turns what a person
  types on a page in their language (``$1,234.56``, ``1.234,56``) into that grammar.
* ``round_cents`` is the only rounding in the project: to cents, half up.
* ``split_largest_remainder`` divides an amount in proportion to weights so the
  parts add up exactly to the whole (largest-remainder method; ties go to the
  larger weight, then to the key that sorts first, so results are repeatable).
* ``format_usd`` is the only formatter: ``$1,234,567.89``, negative ``-$1.00``;
  ``plain_amount`` gives ``1234567.89`` for CSV and inputs.

This package imports nothing from the project.
"""

from .formatting import format_usd, plain_amount, to_decimal
from .parsing import (
    AMOUNT_PATTERN,
    DEFAULT_CURRENCY,
    EXAMPLE,
    MAX_AMOUNT,
    MAX_INTEGER_DIGITS,
    MESSAGES,
    canonical_amount,
    money,
    parse_amount,
)
from .rounding import CENT, round_cents, split_largest_remainder

__all__ = [
    "AMOUNT_PATTERN",
    "CENT",
    "DEFAULT_CURRENCY",
    "EXAMPLE",
    "MAX_AMOUNT",
    "MAX_INTEGER_DIGITS",
    "MESSAGES",
    "canonical_amount",
    "format_usd",
    "money",
    "parse_amount",
    "plain_amount",
    "round_cents",
    "split_largest_remainder",
    "to_decimal",
]
