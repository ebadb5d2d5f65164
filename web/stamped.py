"""Parts of pages kept across requests under a stamp the database keeps.

A page part that costs queries and rendering proportional to the data (a plan's county figures,
chart and tables) is cached under a stamp that the database replaces, by trigger, in the same
transaction as any change to the rows behind it (``reinvestment.PlanFiguresStamp``). A change is
a new stamp, so a new key and a fresh computation; nothing is ever invalidated by hand, and a
write from any client (a service, the admin, raw SQL) counts. Without a stamp (SQLite, which has
no triggers, or a plan with no figures yet) the part is computed every time.

The key also names what else the part depends on (the day, the language, the chosen year),
so a key means exactly one content. Values are copied in and out of the cache (pickled), so a
caller may change what it gets.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar
from uuid import UUID

from django.core.cache import cache

T = TypeVar("T")

#: Seconds a part is kept (the keys name the day, so a part is not read after it anyway).
TIMEOUT = 24 * 60 * 60


def cached(name: str, stamp: UUID | None, parts: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """``compute()``, kept under ``name``, ``stamp`` and ``parts``; computed every time without a stamp."""
    if stamp is None:
        return compute()
    key = ":".join(["stamped", name, stamp.hex, *map(str, parts)])
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, TIMEOUT)
    return found
