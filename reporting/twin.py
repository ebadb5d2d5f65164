"""The machine-readable twin of a PDF: the same figures as JSON and as CSV files in a zip.

Money and rates are exact decimal strings (never floats), dates ISO 8601. The
JSON holds the whole data the PDF was rendered from (``reporting.data.plain`` of the
document's dataclass); the zip holds one CSV per table of the document (its
``reporting.tables.Table`` specs) plus ``data.json``. ``build`` makes both at once and
lists each file's name, data rows and SHA-256, which a document may print.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from audit.services import to_jsonable

from .data import jsonable

#: Fixed timestamp for zip entries so the same data gives the same bytes.
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)

Tables = Mapping[str, tuple[Sequence[str], Sequence[Sequence[Any]]]]


@dataclass(frozen=True)
class TwinFile:
    """One file of the twin: its name, its data rows (None for the JSON file) and SHA-256."""

    name: str
    rows: int | None
    sha256: str


@dataclass(frozen=True)
class Twin:
    json: bytes  # the JSON twin (also ``data.json`` in the zip)
    zip: bytes
    files: tuple[TwinFile, ...]  # the zip's entries, then the zip itself


def canonical_json(data: Any) -> str:
    """Sorted, compact JSON of ``data`` with exact decimals: the basis of input hashes."""
    return json.dumps(jsonable(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def inputs_hash(data: Any) -> str:
    return hashlib.sha256(canonical_json(data).encode()).hexdigest()


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


def json_bytes(data: Any) -> bytes:
    """The JSON twin: sorted keys, one top-level key a line and one record a line (readable and
    diffable, and written by the C encoder: the pure-Python indenting one is ten times slower)."""
    plain_data = jsonable(data)
    if not isinstance(plain_data, dict):
        return (_compact(plain_data) + "\n").encode()
    lines = []
    for key in sorted(plain_data):
        value = plain_data[key]
        if isinstance(value, list) and value:
            body = ",\n".join(f"    {_compact(v)}" for v in value)
            text = f"[\n{body}\n  ]"
        else:
            text = _compact(value)
        lines.append(f"  {json.dumps(key)}: {text}")
    return ("{\n" + ",\n".join(lines) + "\n}\n").encode()


def _cells(row: Sequence[Any]) -> Sequence[Any]:
    """A CSV row: csv writes None as "", Decimal, date and record keys by ``str``; only a
    moment needs its ISO form (``str`` of a datetime has a space, not ``T``)."""
    if any(type(v) is dt.datetime for v in row):
        return ["" if v is None else to_jsonable(v) for v in row]
    return row


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(map(_cells, rows))
    return out.getvalue()


def build(data: Any, tables: Tables) -> Twin:
    """The twin of ``data``: its JSON and a zip with ``data.json`` and one ``<table>.csv`` per
    table, byte-for-byte repeatable, with the name, rows and SHA-256 of every file."""
    json_file = json_bytes(data)
    entries: dict[str, tuple[bytes, int | None]] = {"data.json": (json_file, None)}
    for name, (header, rows) in tables.items():
        entries[f"{name}.csv"] = (csv_text(header, rows).encode(), len(rows))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[name][0], compresslevel=1)
    archive_bytes = buffer.getvalue()
    files = [TwinFile(name, rows, hashlib.sha256(content).hexdigest())
             for name, (content, rows) in sorted(entries.items())]
    files.append(TwinFile("zip of the files above", None, hashlib.sha256(archive_bytes).hexdigest()))
    return Twin(json=json_file, zip=archive_bytes, files=tuple(files))


def zip_bytes(data: Any, tables: Tables) -> bytes:
    """A zip with ``data.json`` and one ``<table>.csv`` per table, byte-for-byte repeatable."""
    return build(data, tables).zip
