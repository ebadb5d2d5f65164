"""The typed data of documents: frozen dataclasses, and their plain form for JSON and hashes.

Each document kind has a frozen dataclass (``reporting/documents``) filled by its
selector and read by its renderer. ``plain`` turns one into the dict of lists,
Decimals, dates and strings the data twin, the inputs snapshot and the inputs hash
are made of (record references as their ``"<kind>:<id>"`` keys).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import cache, wraps
from typing import Any, ParamSpec, TypeVar

from reinvestment.references import SourceRef

P = ParamSpec("P")
T = TypeVar("T")


def plain(value: Any) -> Any:
    """Dataclasses as dicts (field order), tuples as lists, references as their keys; the rest as is."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if isinstance(value, SourceRef):
            return str(value)
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a document's data, twin or PDF is built.

    A report at scale makes hundreds of thousands of small objects that hold no cycles (rows,
    tuples, cells); each collection pass walks every live one, which costs a third of the
    selector's and the twin's time. Reference counting still frees everything; the collector
    resumes (if it was on) when the block ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def without_gc(fn: Callable[P, T]) -> Callable[P, T]:
    """``fn`` run with the garbage collector paused (``gc_paused``)."""
    @wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        with gc_paused():
            return fn(*args, **kwargs)
    return run


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


#: How ``jsonable`` writes a value of exactly this type (None: as it is).
_SCALARS: dict[type, Callable[[Any], Any] | None] = {
    str: None, int: None, bool: None, type(None): None, Decimal: str,
    dt.date: dt.date.isoformat, dt.datetime: dt.datetime.isoformat, SourceRef: str,
}
_OTHER = object()


def jsonable(value: Any) -> Any:
    """``audit.services.to_jsonable(plain(value))`` in one pass, for the document dataclasses:
    dicts, lists, exact decimal strings, ISO dates and record keys (the twin and the inputs hash).
    Tens of thousands of records go through it, so scalars are looked up by their exact type."""
    convert = _SCALARS.get(type(value), _OTHER)
    if convert is None:
        return value
    if convert is not _OTHER:
        return convert(value)  # type: ignore[operator]
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for name in _field_names(type(value)):
            v = getattr(value, name)
            convert = _SCALARS.get(type(v), _OTHER)
            out[name] = v if convert is None else jsonable(v) if convert is _OTHER else convert(v)  # type: ignore[operator]
        return out
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    from audit.services import to_jsonable

    return to_jsonable(plain(value))


@dataclasses.dataclass(frozen=True)
class Period:
    """A span of days, both ends included."""

    start: dt.date
    end: dt.date


@dataclasses.dataclass(frozen=True)
class Signer:
    """A person named on a document (compliance officer, signatory)."""

    name: str
    title: str


@dataclasses.dataclass(frozen=True)
class Attestation:
    """The compliance officer's signature on a final report."""

    name: str
    title: str
    attested_at: dt.datetime


def reference_label(reference: SourceRef | str, name: str = "") -> str:
    """Words for a record reference, e.g. ``Award #1 — Niños Sanos``; other text as given."""
    ref = reference if isinstance(reference, SourceRef) else SourceRef.try_parse(reference)
    text = ref.label if ref is not None else str(reference)
    return f"{text} — {name}" if name else text
