"""Small-cell suppression of people counts (the threshold is data: ``DisclosureRule``).

A count from 1 to ``threshold - 1`` is suppressed (``None``, shown as "<threshold").
When exactly one cell of a breakdown is suppressed, the total would reveal it, so
the smallest other non-zero cell is suppressed too (complementary suppression).
Zero is published (it identifies no one). The total is always published.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def suppress(rows: Sequence[tuple[str, int]], threshold: int) -> list[dict[str, Any]]:
    """``[(label, count)]`` -> ``[{"label", "count"}]`` with small cells set to None."""
    if threshold < 1:
        raise ValueError("The suppression threshold is at least 1 person.")
    out: list[dict[str, Any]] = [{"label": label, "count": count} for label, count in rows]
    small = [r for r in out if 0 < r["count"] < threshold]
    for r in small:
        r["count"] = None
    if len(small) == 1:
        others = [r for r in out if r["count"]]
        if others:
            min(others, key=lambda r: (r["count"], r["label"]))["count"] = None
    return out
