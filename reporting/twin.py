"""The machine-readable twin of a PDF: the same figures as JSON and as CSV files in a zip.

Money and rates are exact decimal strings (never floats), dates ISO 8601. The
JSON holds the whole data the PDF was rendered from (``reporting.data.plain`` of the
document's dataclass); the zip holds one CSV per table of the document (its
``reporting.tables.Table`` specs) plus ``data.json``. ``build`` makes both at once and
lists each file's name, data rows and SHA-256, which a document may print.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from itertools import chain
from json.encoder import encode_basestring  # type: ignore[attr-defined]  # the C encoder's string writer
from operator import attrgetter
from typing import Any

from audit.services import to_jsonable
from reinvestment.references import SourceRef

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


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


def _compact(value: Any) -> str:
    return _ENCODER.encode(value)


#: How the JSON twin writes a value of exactly this type, as the C encoder writes its ``jsonable``
#: form (decimals, dates and record keys as strings).
_JSON_SCALARS: dict[type, Callable[[Any], str]] = {
    str: encode_basestring, int: int.__repr__, bool: {True: "true", False: "false"}.__getitem__,
    type(None): lambda v: "null", Decimal: '"%s"'.__mod__, dt.date: '"%s"'.__mod__,
    dt.datetime: lambda v: f'"{v.isoformat()}"', SourceRef: lambda v: encode_basestring(str(v)),
}
_TEXTS = frozenset({str, SourceRef})  # written as the JSON string of their ``str``
#: Types whose equal values have the same text (not Decimal: 1.0 == 1.00), so a column of
#: repeated values (county, fund, date) is written value by value.
_REPEATING = frozenset({str, dt.date})
_FLAGS = {True: "true", False: "false", None: "null"}


def _json_column(values: list[Any]) -> list[str]:
    """The JSON text of each value of one field of a record set, in one C-level pass for the
    usual fields (one scalar type, text or record keys, yes/no/unknown)."""
    kinds = set(map(type, values))
    if len(kinds) == 1:
        kind = next(iter(kinds))
        scalar = _JSON_SCALARS.get(kind)
        if scalar is not None and kind in _REPEATING:  # counties, funds, dates: each written once
            texts = {v: scalar(v) for v in set(values)}
            return list(map(texts.__getitem__, values))
        if scalar is not None:
            return list(map(scalar, values))
    if kinds <= _TEXTS:
        return list(map(encode_basestring, map(str, values)))
    if kinds <= {bool, type(None)}:
        return list(map(_FLAGS.__getitem__, values))

    def one(value: Any) -> str:
        scalar = _JSON_SCALARS.get(type(value))
        return scalar(value) if scalar is not None else _compact(jsonable(value))

    return list(map(one, values))


@cache
def _record_template(cls: type) -> tuple[tuple[str, ...], str]:
    """The sorted field names of a record dataclass and its JSON line with a ``%s`` per value."""
    names = tuple(sorted(f.name for f in dataclasses.fields(cls)))
    return names, "    {" + ", ".join(f"{encode_basestring(n)}: %s" for n in names) + "}"


def _record_lines(records: Sequence[Any]) -> list[str]:
    """One JSON line per record, as ``_compact(jsonable(record))`` writes it. A record set of one
    dataclass is written field by field (each field's values converted in one pass), not record
    by record through the encoder: tens of thousands of credits go through here."""
    kinds = set(map(type, records))
    cls = next(iter(kinds))
    if len(kinds) != 1 or not dataclasses.is_dataclass(cls) or cls is SourceRef:
        return [f"    {_compact(jsonable(v))}" for v in records]
    names, template = _record_template(cls)
    columns = [_json_column(list(map(attrgetter(name), records))) for name in names]
    return [template % row for row in zip(*columns, strict=True)]


def json_bytes(data: Any) -> bytes:
    """The JSON twin: sorted keys, one top-level key a line and one record a line (readable and
    diffable, and written by the C encoder: the pure-Python indenting one is ten times slower)."""
    if dataclasses.is_dataclass(data) and not isinstance(data, type) and type(data) is not SourceRef:
        items: dict[str, Any] = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
    elif isinstance(data, dict):
        items = {str(k): v for k, v in data.items()}
    else:
        items = jsonable(data)
        if not isinstance(items, dict):
            return (_compact(items) + "\n").encode()
    lines = []
    for key in sorted(items):
        value = items[key]
        if isinstance(value, list | tuple) and value:
            body = ",\n".join(_record_lines(value))
            text = f"[\n{body}\n  ]"
        else:
            value = jsonable(value)
            if isinstance(value, list) and value:
                body = ",\n".join(f"    {_compact(v)}" for v in value)
                text = f"[\n{body}\n  ]"
            else:
                text = _compact(value)
        lines.append(f"  {json.dumps(key)}: {text}")
    return ("{\n" + ",\n".join(lines) + "\n}\n").encode()


#: Characters that may make the csv module quote a field (``_csv_field``).
_CSV_MARKS = (",", '"', "\n", "\r")
#: Types whose equal values have the same ``str`` (not Decimal: 1.0 == 1.00), so a column of
#: repeated values is converted value by value.
_CSV_REPEATING = frozenset({dt.date, bool})


def _csv_field(text: str) -> str:
    """``text`` as a field of a row of several, quoted as the csv module quotes it: a field holding
    the delimiter, the quote or a line end in quotes, its quotes doubled; one holding a carriage
    return goes to the module itself (whether it quotes that one differs between versions)."""
    if "\r" not in text:
        return '"' + text.replace('"', '""') + '"' if ("," in text or '"' in text or "\n" in text) else text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([text, ""])
    return out.getvalue()[:-2]  # less the empty last field's "," and the line end


def _csv_value(value: Any) -> Any:
    """What the csv writer is given for a cell: None as "", a moment in ISO form (``str`` of a
    datetime has a space, not ``T``), any other value as it is."""
    return "" if value is None else to_jsonable(value) if type(value) is dt.datetime else value


def _csv_column(values: Sequence[Any]) -> list[str]:
    """The CSV fields of one column as ``csv.writer`` writes them: None as "", a moment in ISO form
    (``str`` of a datetime has a space, not ``T``), other values by ``str``, quoted where needed.
    A column of one type is converted in one C-level pass and searched for quoting in one."""
    kinds = set(map(type, values))
    if kinds <= {str}:
        texts = list(values)
    elif len(kinds) == 1 and next(iter(kinds)) in _CSV_REPEATING:  # dates, yes/no: each written once
        text_of = {v: str(v) for v in set(values)}
        texts = list(map(text_of.__getitem__, values))
    elif dt.datetime in kinds:
        texts = [str(_csv_value(v)) for v in values]
    elif type(None) in kinds:
        texts = ["" if v is None else str(v) for v in values]
    else:
        texts = list(map(str, values))
    joined = "\x00".join(texts)
    if any(mark in joined for mark in _CSV_MARKS):
        texts = [_csv_field(t) if any(mark in t for mark in _CSV_MARKS) else t for t in texts]
    return texts


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """One CSV file, the bytes ``csv.writer`` (minimal quoting, "\\n" line ends) would write. Written
    column by column: each column's values converted in one pass and its rows joined, which takes
    half the time of the writer's cell-by-cell work on tens of thousands of credits. A file of one
    column goes to the writer (a row of one empty field is written ``""``)."""
    if len(header) < 2 or not rows:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([[_csv_value(v) for v in row] for row in rows])
        return out.getvalue()
    columns = [_csv_column(column) for column in zip(*rows, strict=True)]
    lines = chain((",".join(_csv_column(header)),), map(",".join, zip(*columns, strict=True)))
    return "\n".join(lines) + "\n"


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
