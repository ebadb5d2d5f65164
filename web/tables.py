"""Sortable, filterable, paginated tables with a CSV export of the same rows.

A view gets its rows from a selector (already filtered and scoped to the user), then::

    table = tables.build(request, rows, columns=COLUMNS, default_sort="-occurred_at",
                         filter_form=form, page_size=50)
    if table.wants_csv:
        return table.csv_response("events.csv")
    return render(request, "...", {"table": table})

and the template renders ``{% include "includes/table.html" %}`` (with ``table`` in the
context). Only the sort keys named by the columns are accepted from the query string
(``?sort=amount`` or ``?sort=-amount``); anything else falls back to ``default_sort``, so a
crafted URL cannot order by an arbitrary field. Ordering always ends with the primary key,
so pages never overlap or skip rows.

Queries: a page costs two (the count and the page's rows) plus whatever the selector's
``select_related`` avoids, whatever the page size. The CSV export streams every matching
row (``iterator``), money as exact decimal strings (``1234.50``), never floats.

A ``rows`` that is a plain list (a selector returning computed rows) is sorted in Python
by the column's value and paginated the same way.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from moneyed import Money

from money import format_usd, plain_amount

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

#: The cell class of the columns whose figures align right.
_NUMERIC = {"money": ' class="num"', "number": ' class="num"'}
#: The formats a column may use.
KINDS = ("text", "money", "number", "date", "datetime")
#: Characters that make a spreadsheet treat a text cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One column: ``key`` is a dotted attribute path (or dict key) on each row.

    ``sort`` is the ORM ordering field for that column (``None``: not sortable);
    ``value`` computes the cell from the row instead of ``key``.
    """

    key: str
    label: _StrOrPromise
    sort: str | None = None
    kind: str = "text"
    value: Callable[[Any], Any] | None = None
    link: Callable[[Any], str] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown column kind {self.kind!r}; use one of {KINDS}")

    def raw(self, row: Any) -> Any:
        if self.value is not None:
            return self.value(row)
        current = row
        for part in self.key.split("."):
            if current is None:
                return None
            current = current.get(part) if isinstance(current, dict) else getattr(current, part)
            if callable(current) and not isinstance(current, Money):
                current = current()
        return current

    def display(self, row: Any) -> str:
        value = self.raw(row)
        if value is None:
            return ""
        if self.kind == "money":
            return format_usd(value)
        if self.kind == "datetime" and isinstance(value, datetime.datetime):
            return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
        if self.kind == "date" and isinstance(value, datetime.date):
            return formats.date_format(value, "DATE_FORMAT")
        if self.kind == "number" and isinstance(value, int | Decimal):
            return formats.number_format(value, use_l10n=True, force_grouping=True)
        return str(value)

    def csv_value(self, row: Any) -> str:
        value = self.raw(row)
        if value is None:
            return ""
        if self.kind == "money":
            return plain_amount(value)
        if isinstance(value, float):
            raise TypeError(f"Column {self.key!r} gave a float; money and counts are never floats.")
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).isoformat()
        if isinstance(value, datetime.date | Decimal | int):
            return str(value) if not isinstance(value, datetime.date) else value.isoformat()
        text = str(value)
        return "'" + text if text.startswith(FORMULA_START) else text


@dataclass(frozen=True)
class HeaderCell:
    column: Column
    sortable: bool
    active: bool
    descending: bool
    href: str

    @property
    def aria_sort(self) -> str:
        if not self.active:
            return "none"
        return "descending" if self.descending else "ascending"


@dataclass(frozen=True)
class Row:
    cells: list[tuple[Column, str, str]]  # (column, text, link)
    obj: Any = None  # the row's object (for a page's extra cell: ``row_template`` in includes/table.html)


@dataclass
class Table:
    columns: Sequence[Column]
    page: Page[Any]
    sort: str
    rows_source: Any
    query: dict[str, Any] = field(default_factory=dict)
    filter_form: forms.Form | None = None
    wants_csv: bool = False
    table_id: str = "results"
    caption: str = ""

    def _qs(self, **changes: Any) -> str:
        params = {k: v for k, v in self.query.items() if k not in ("page", "sort", "format")}
        params.update({k: v for k, v in changes.items() if v not in (None, "")})
        from django.utils.http import urlencode

        return "?" + urlencode(params, doseq=True)

    @property
    def headers(self) -> list[HeaderCell]:
        cells = []
        active_key = self.sort.lstrip("-")
        descending = self.sort.startswith("-")
        for col in self.columns:
            active = col.sort is not None and col.key == active_key
            next_sort = ("" if descending else "-") + col.key if active else col.key
            cells.append(
                HeaderCell(col, col.sort is not None, active, active and descending,
                           self._qs(sort=next_sort) if col.sort else "")
            )
        return cells

    @property
    def rows(self) -> Iterator[Row]:
        for obj in self.page.object_list:
            yield Row([(c, c.display(obj), c.link(obj) if c.link else "") for c in self.columns], obj)

    @property
    def body_html(self) -> SafeString:
        """The page's rows as ``<tr>`` markup (empty when there are none), written here rather
        than by a template loop: a page of 25 rows of 8 cells is 200 cells, each of which the
        template language would resolve lookup by lookup. Texts and links are escaped as
        ``{{ text }}`` would escape them; the cells are those of ``includes/table.html``."""
        heads = [f'<td data-label="{conditional_escape(c.label)}"{_NUMERIC.get(c.kind, "")}>' for c in self.columns]
        lines = []
        for row in self.rows:
            cells = "".join(
                f'{head}<a href="{conditional_escape(link)}">{conditional_escape(text)}</a></td>' if link
                else f"{head}{conditional_escape(text)}</td>"
                for head, (_, text, link) in zip(heads, row.cells, strict=True))
            lines.append(f"<tr>{cells}</tr>")
        return mark_safe("\n      ".join(lines))  # noqa: S308  # every text and link is escaped above

    def page_href(self, number: int) -> str:
        return self._qs(sort=self.sort, page=number)

    @property
    def previous_href(self) -> str:
        return self.page_href(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_href(self) -> str:
        return self.page_href(self.page.next_page_number()) if self.page.has_next() else ""

    @property
    def csv_href(self) -> str:
        return self._qs(sort=self.sort, format="csv")

    def csv_rows(self) -> Iterator[list[str]]:
        yield [str(c.label) for c in self.columns]
        source = self.rows_source
        items: Iterable[Any] = source.iterator(chunk_size=500) if isinstance(source, QuerySet) else source
        for obj in items:
            yield [c.csv_value(obj) for c in self.columns]

    def csv_response(self, filename: str) -> StreamingHttpResponse:
        """Every matching row (not just this page), in the table's order, as CSV."""

        class Echo:
            def write(self, value: str) -> str:
                return value

        writer = csv.writer(Echo())
        response = StreamingHttpResponse(
            (writer.writerow(r) for r in self.csv_rows()), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def _sort_key_for_list(column: Column) -> Callable[[Any], tuple[int, Any]]:
    def key(row: Any) -> tuple[int, Any]:
        value = column.raw(row)
        if isinstance(value, Money):
            value = value.amount
        return (value is None, value if value is not None else 0)

    return key


def build(
    request: HttpRequest,
    rows: QuerySet[Any] | Sequence[Any],
    *,
    columns: Sequence[Column],
    default_sort: str,
    filter_form: forms.Form | None = None,
    page_size: int = 25,
    table_id: str = "results",
    caption: str = "",
) -> Table:
    """The table for this request: sort from ``?sort=`` (allowed keys only), page from ``?page=``."""
    by_key = {c.key: c for c in columns if c.sort}
    if default_sort.lstrip("-") not in by_key:
        raise ValueError(f"default_sort {default_sort!r} is not a sortable column")
    requested = request.GET.get("sort", "")
    sort = requested if requested.lstrip("-") in by_key else default_sort
    column = by_key[sort.lstrip("-")]
    descending = sort.startswith("-")
    if isinstance(rows, QuerySet):
        order = ("-" if descending else "") + str(column.sort)
        ordered: Any = rows.order_by(order, "-pk" if descending else "pk")
    else:
        ordered = sorted(rows, key=_sort_key_for_list(column), reverse=descending)
    page = Paginator(ordered, page_size).get_page(request.GET.get("page"))
    return Table(
        columns=columns,
        page=page,
        sort=sort,
        rows_source=ordered,
        query={k: request.GET.getlist(k) for k in request.GET},
        filter_form=filter_form,
        wants_csv=request.GET.get("format") == "csv",
        table_id=table_id,
        caption=caption,
    )
