"""The machine-readable twin of a PDF: the same figures as JSON and as CSV files in a zip.

Money and rates are exact decimal strings (never floats), dates ISO 8601. The
JSON holds the whole data the PDF was rendered from; the zip holds one CSV per
table of the document (``Document.tables``) plus ``data.json``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

from audit.services import to_jsonable

#: Fixed timestamp for zip entries so the same data gives the same bytes.
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)

Tables = Mapping[str, tuple[Sequence[str], Sequence[Sequence[Any]]]]


def canonical_json(data: Any) -> str:
    """Sorted, compact JSON of ``data`` with exact decimals: the basis of input hashes."""
    return json.dumps(to_jsonable(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def inputs_hash(data: Any) -> str:
    return hashlib.sha256(canonical_json(data).encode()).hexdigest()


def json_bytes(data: Any) -> bytes:
    return json.dumps(to_jsonable(data), sort_keys=True, indent=2, ensure_ascii=False).encode()


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else to_jsonable(v) for v in row])
    return out.getvalue()


def zip_bytes(data: Any, tables: Tables) -> bytes:
    """A zip with ``data.json`` and one ``<table>.csv`` per table, byte-for-byte repeatable."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        entries = {"data.json": json_bytes(data)}
        for name, (header, rows) in tables.items():
            entries[f"{name}.csv"] = csv_text(header, rows).encode()
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[name])
    return buffer.getvalue()
