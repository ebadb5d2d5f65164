"""Parts of pages kept across requests under stamps the database keeps.

A page part that costs queries and rendering proportional to the data (a plan's county figures,
chart and tables; the report versions waiting for attestation) is cached under stamps that the
database replaces, by trigger, in the same transaction as any change to the rows behind them
(``reinvestment.PlanFiguresStamp``, ``reporting.ReportsStamp``). A change is a new stamp, so a
new key and a fresh computation; nothing is ever invalidated by hand, and a write from any
client (a service, the admin, raw SQL) counts. An organization with no such records yet has the
stamp ``NOTHING_WRITTEN`` until its first one is written. Where the database keeps no stamps
(SQLite, which has no triggers) the part is computed every time.

The key also names what else the part depends on (the day, the language, the chosen year, the
reader), so a key means exactly one content. Values are copied in and out of the cache
(pickled), so a caller may change what it gets.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import cache
from typing import TypeVar
from uuid import UUID

from django.core.cache import cache as shared_cache
from django.db import connection
from django.db.models import Model

T = TypeVar("T")

#: Seconds a part is kept (a changed record makes a new key: old keys are simply never read).
TIMEOUT = 24 * 60 * 60

Stamps = tuple[UUID | None, ...]


@cache
def _read_sql(stamp_models: tuple[type[Model], ...]) -> str:
    """One query selecting the stamp of a key in each table (names from the models, no input)."""
    quote = connection.ops.quote_name
    lookups = [f"(SELECT {quote('stamp')} FROM {quote(m._meta.db_table)} "  # noqa: S608
               f"WHERE {quote(m._meta.pk.column)} = %s)" for m in stamp_models]
    return "SELECT " + ", ".join(lookups)


#: The stamp of an organization none of whose records of a kind was ever written. On PostgreSQL
#: the triggers (and the migrations that installed them, for records already there) give a stamp
#: to every organization with records, so a missing stamp means none: a state like any other.
NOTHING_WRITTEN = UUID(int=0)


def kept_by_database() -> bool:
    """Whether the database keeps stamps (PostgreSQL's triggers; SQLite has none)."""
    return connection.vendor == "postgresql"


def read(key: int, *stamp_models: type[Model]) -> Stamps:
    """The stamps of ``key`` (an organization's id) in each of ``stamp_models`` (one query);
    ``NOTHING_WRITTEN`` where there is none; None for each where the database keeps no stamps."""
    if not kept_by_database():
        return (None,) * len(stamp_models)
    with connection.cursor() as cursor:
        cursor.execute(_read_sql(stamp_models), [key] * len(stamp_models))
        row = cursor.fetchone()
    return tuple(NOTHING_WRITTEN if v is None else v if isinstance(v, UUID) else UUID(str(v)) for v in row)


def cached(name: str, stamps: Stamps, parts: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """``compute()``, kept under ``name``, ``stamps`` and ``parts``; computed every time without
    stamps."""
    if not stamps or any(s is None for s in stamps):
        return compute()
    key = ":".join(["stamped", name, *(s.hex for s in stamps if s is not None), *map(str, parts)])
    found = shared_cache.get(key)
    if found is None:
        found = compute()
        shared_cache.set(key, found, TIMEOUT)
    return found
