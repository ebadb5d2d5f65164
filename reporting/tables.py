"""Each table of a document, declared once: its columns feed both the PDF and the data twin.

A ``Column`` names its twin CSV header (``name``), its PDF header (``label``), how to
read its value from a row (``value``: a function of the row, or the name of its attribute,
which lets a table of many rows read them at C speed) and what the value is (``kind``: money, number,
percent, date, yes_no or text), which decides how the PDF shows it and whether it is
right-aligned. ``width`` (a fraction of the frame) puts it in the PDF; ``twin=False``
leaves it out of the CSV. ``show`` overrides the PDF text of a cell (e.g. words for a
record reference whose key the twin keeps).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Generic, Literal, TypeVar

from reportlab.platypus import Flowable

from .pdf import flowables as f

R = TypeVar("R")
ColumnKind = Literal["money", "number", "percent", "date", "yes_no", "text"]
NUMERIC: frozenset[str] = frozenset({"money", "number", "percent"})


def _number(value: Any) -> str:
    return value if isinstance(value, str) else f"{value:,}"


FORMATS: dict[str, Callable[[Any], Any]] = {
    "money": f.money, "number": _number, "percent": f.percent, "date": f.date, "yes_no": f.yes_no,
    "text": lambda v: v,
}


@dataclass(frozen=True)
class Column(Generic[R]):
    name: str
    label: str
    value: Callable[[R], Any] | str  # a function of the row, or the name of its attribute
    kind: ColumnKind = "text"
    width: float | None = None  # fraction of the frame width; None: not in the PDF
    twin: bool = True
    show: Callable[[R], Any] | None = None

    @property
    def read(self) -> Callable[[R], Any]:
        return attrgetter(self.value) if isinstance(self.value, str) else self.value

    def text(self, row: R) -> Any:
        """The PDF cell of ``row``."""
        return self.show(row) if self.show is not None else FORMATS[self.kind](self.read(row))


@dataclass(frozen=True)
class Table(Generic[R]):
    """A document table: ``name`` is its twin file (``<name>.csv``)."""

    name: str
    columns: tuple[Column[R], ...]

    @property
    def pdf_columns(self) -> tuple[Column[R], ...]:
        return tuple(c for c in self.columns if c.width is not None)

    @property
    def twin_columns(self) -> tuple[Column[R], ...]:
        return tuple(c for c in self.columns if c.twin)

    def pdf(self, rows: Sequence[R], *, total: Mapping[str, Any] | None = None,
            labels: Mapping[str, str] | None = None) -> list[Flowable]:
        """The PDF table (chunked); ``total`` maps column names to the bold last row's cells
        (already formatted); ``labels`` overrides headers by column name."""
        columns = self.pdf_columns
        cells = [c.show or _formatted(FORMATS[c.kind], c.read) for c in columns]
        out = f.chunked_table(
            [(labels or {}).get(c.name, c.label) for c in columns],
            [[cell(r) for cell in cells] for r in rows],
            widths=[c.width or 0.0 for c in columns],
            numeric=[i for i, c in enumerate(columns) if c.kind in NUMERIC],
            total=None if total is None else [total.get(c.name, "") for c in columns],
        )
        for flowable in out:
            flowable.table_name = self.name  # type: ignore[attr-defined]  # which table a chunk is of
        return out

    def twin(self, rows: Sequence[R]) -> tuple[list[str], Sequence[Sequence[Any]]]:
        """(header, rows) of the twin's CSV file: raw values (Decimal, date, bool, text)."""
        columns = self.twin_columns
        header = [c.name for c in columns]
        if len(columns) > 1 and all(isinstance(c.value, str) for c in columns):
            row_of = attrgetter(*(str(c.value) for c in columns))  # one C call a row
            return header, [row_of(r) for r in rows]
        reads = [c.read for c in columns]
        return header, [[read(r) for read in reads] for r in rows]


def _formatted(fmt: Callable[[Any], Any], read: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda row: fmt(read(row))


def twin_tables(*pairs: tuple[Table[Any], Sequence[Any]]) -> dict[str, tuple[list[str], Sequence[Sequence[Any]]]]:
    """The twin's CSV tables of a document, from (table, rows) pairs."""
    return {table.name: table.twin(rows) for table, rows in pairs}
