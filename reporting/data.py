"""The typed data of documents: frozen dataclasses, and their plain form for JSON and hashes.

Each document kind has a frozen dataclass (``reporting/documents``) filled by its
selector and read by its renderer. ``plain`` turns one into the dict of lists,
Decimals, dates and strings the data twin, the inputs snapshot and the inputs hash
are made of (record references as their ``"<kind>:<id>"`` keys).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from functools import cache
from typing import Any

from reinvestment.references import SourceRef


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


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def jsonable(value: Any) -> Any:
    """``audit.services.to_jsonable(plain(value))`` in one pass, for the document dataclasses:
    dicts, lists, exact decimal strings, ISO dates and record keys (the twin and the inputs hash)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):  # and datetime
        return value.isoformat()
    if isinstance(value, SourceRef):
        return str(value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: jsonable(getattr(value, name)) for name in _field_names(type(value))}
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
