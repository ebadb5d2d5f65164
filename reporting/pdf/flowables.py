"""Building blocks: styles, headings that become bookmarks, chunked tables, number formats.

Long tables are cut into chunks of ``CHUNK_ROWS`` rows, each a small ``Table``
with the header row repeated. ReportLab splits a table page by page by
re-measuring what is left, so one huge table costs time quadratic in its rows;
chunks keep layout linear in the number of rows. Headings keep with the flowable
that follows them (``keepWithNext``), so a heading never ends a page alone.
``Contents`` lists the top-level headings with their page numbers, filled in
when the document is saved (one layout pass; see ``template``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.tables import CellStyle

from money import format_usd

from . import fonts
from .template import MARGIN, PAGE_SIZE

CELL_SIZE = 8  # points
CELL_PAD = 3  # points of padding left and right of a cell
CHUNK_ROWS = 40  # rows per table chunk: about one page of 8-point rows
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN - 12  # points (the frame pads 6 points each side)

fonts.register()
BODY = ParagraphStyle("body", fontName=fonts.BODY, fontSize=9.5, leading=12.5, spaceAfter=4)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10, spaceAfter=0)
SMALL_RIGHT = ParagraphStyle("small-right", parent=SMALL, alignment=TA_RIGHT)
H1 = ParagraphStyle("h1", parent=BODY, fontSize=16, leading=20, spaceBefore=6, spaceAfter=8,
                    textColor=colors.HexColor("#1b3a5c"), keepWithNext=1)
H2 = ParagraphStyle("h2", parent=BODY, fontSize=12, leading=15, spaceBefore=8, spaceAfter=5,
                    textColor=colors.HexColor("#1b3a5c"), keepWithNext=1)
TITLE = ParagraphStyle("title", parent=BODY, fontSize=24, leading=30, spaceAfter=14,
                       textColor=colors.HexColor("#1b3a5c"))
HEADER_BG = colors.HexColor("#dfe7f0")
GRID = colors.HexColor("#b0b8c0")


class Heading(Paragraph):
    """A section heading that is also a PDF outline entry (bookmark) at ``level``."""

    def __init__(self, text: str, level: int = 0) -> None:
        super().__init__(fonts.markup(text), H1 if level == 0 else H2)
        self.outline_level = level
        self.outline_title = text


def para(text: object, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(fonts.markup(text), style)


def money(value: Decimal | None) -> str:
    """``$1,234.56`` (negative as ``-$1,234.56``, none as ``—``) by ``money.format_usd``;
    money in a report is always a Decimal."""
    if value is not None and not isinstance(value, Decimal):
        raise TypeError(f"money must be a Decimal, not {type(value).__name__}")
    return format_usd(value, blank="—")


def percent(value: Decimal | None) -> str:
    """A share given as a fraction, to two decimals of a percent (Decimal 0.075 -> ``7.50%``)."""
    if value is None:
        return "—"
    return f"{(value * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def date(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def long_date(value: dt.date | None) -> str:
    """A date in words for prose: ``2 April 2026``."""
    return f"{value.day} {value:%B %Y}" if value else "—"


def moment(value: dt.datetime | None) -> str:
    """A moment in words with its time zone: ``2 April 2026, 15:00 UTC``."""
    if value is None:
        return "—"
    zone = value.strftime("%Z") or value.strftime("%z")
    return f"{long_date(value)}, {value:%H:%M} {zone}".strip()


def quarter(value: dt.date) -> str:
    """The calendar quarter of a date: ``2026 Q1``."""
    return f"{value.year} Q{(value.month - 1) // 3 + 1}"


def yes_no(value: bool | None) -> str:
    return "—" if value is None else ("Yes" if value else "No")


def _cell(value: Any, numeric: bool, width: float) -> Any:
    """A table cell: a plain string when it fits on one line in the body font (fast), else a
    Paragraph that wraps and falls back to other fonts."""
    if isinstance(value, Flowable):
        return value
    text = "" if value is None else str(value)
    if _fits(text, width):
        return text
    return Paragraph(fonts.markup(text), SMALL_RIGHT if numeric else SMALL)


def _fits(text: str, width: float) -> bool:
    return fonts.covered(text) and stringWidth(text, fonts.BODY, CELL_SIZE) <= width - 2 * CELL_PAD


def _lines(text: str, width: float) -> str | None:
    """``text`` as the plain-text lines of a cell ``width`` points wide (None when the body font
    lacks one of its characters: a Paragraph then sets those in the fallback font).

    Text that fits stays as it is; longer text breaks between words as a Paragraph would (a word
    wider than the cell breaks between characters). A table draws plain lines directly, several
    times faster than it lays out and draws a Paragraph, and text and height are the same.
    """
    if not fonts.covered(text):
        return None
    avail = width - 2 * CELL_PAD
    if stringWidth(text, fonts.BODY, CELL_SIZE) <= avail:
        return text
    space = stringWidth(" ", fonts.BODY, CELL_SIZE)
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    for word in text.split():
        w = stringWidth(word, fonts.BODY, CELL_SIZE)
        if line and used + space + w <= avail:
            line.append(word)
            used += space + w
            continue
        if line:
            lines.append(" ".join(line))
        while w > avail and len(word) > 1:  # a word wider than the cell: as many characters as fit
            head, head_width = word[0], stringWidth(word[0], fonts.BODY, CELL_SIZE)
            for c in word[1:]:
                c_width = stringWidth(c, fonts.BODY, CELL_SIZE)
                if head_width + c_width > avail:
                    break
                head += c
                head_width += c_width
            lines.append(head)
            word = word[len(head):]
            w = stringWidth(word, fonts.BODY, CELL_SIZE)
        line, used = [word], w
    if line:
        lines.append(" ".join(line))
    return "\n".join(lines)


class _CellStyle(CellStyle):
    """The style of every cell of a chunked table (one object a column, shared by its cells, so
    ReportLab does not restyle each cell of each chunk command by command)."""

    fontname = fonts.BODY
    fontsize = CELL_SIZE
    leading = CELL_SIZE + 2
    leftPadding = CELL_PAD
    rightPadding = CELL_PAD
    topPadding = 1.5
    bottomPadding = 1.5
    valign = "TOP"


class TextTable(Table):
    """A ReportLab table that writes its text cells into one PDF text object for the whole table.

    ReportLab's own table writes each cell with ``drawString``: a text object a cell, which
    selects the font again, measures the text (to return its width, unused for left-aligned
    text) and formats four numbers. Here each line of a plain-text cell (left or right aligned,
    top-aligned, no link) gets its origin and its text in the one text object, which selects the
    font once; right-aligned lines are measured to place them. The text object is written under
    its own saved graphics state, before the next cell ReportLab draws itself (a paragraph, say)
    or at the end, so the text keeps the cells' order; the table's rules are drawn before it.
    """

    _text: Any = None
    _text_style: tuple[Any, ...] | None = None

    def draw(self) -> None:
        self._text, self._text_style = None, None
        super().draw()  # backgrounds, cells (plain text collected below), rules
        self._write_text()

    def _write_text(self) -> None:
        """Write the text collected so far (so text keeps the order of the cells)."""
        if self._text is not None:
            canvas = self.canv
            canvas.saveState()
            canvas.drawText(self._text)
            canvas.restoreState()
        self._text, self._text_style = None, None

    def _drawCell(self, cellval: Any, cellstyle: Any, pos: tuple[float, float],  # noqa: N802 - ReportLab API
                  size: tuple[float, float]) -> None:
        alignment = cellstyle.alignment
        if (isinstance(cellval, tuple | list | Flowable) or alignment not in ("LEFT", "RIGHT")
                or cellstyle.valign != "TOP" or cellstyle.href or cellstyle.destination
                or cellstyle.direction or cellstyle.shaping or getattr(cellval, "onDraw", None)):
            self._write_text()
            super()._drawCell(cellval, cellstyle, pos, size)
            return
        font, font_size, leading = cellstyle.fontname, cellstyle.fontsize, cellstyle.leading
        style = (font, font_size, leading, cellstyle.color)
        text = self._text
        if text is None:
            text = self._text = self.canv.beginText()
        if style != self._text_style:
            text.setFont(font, font_size, leading)
            text.setFillColor(cellstyle.color)
            self._text_style = style
        (column_x, row_y), (column_width, row_height) = pos, size
        y = row_y + row_height - cellstyle.topPadding - font_size
        left = alignment == "LEFT"
        x = column_x + cellstyle.leftPadding if left else column_x + column_width - cellstyle.rightPadding
        for line in str(cellval).split("\n"):  # each line placed by its own origin
            text.setTextOrigin(x if left else x - stringWidth(line, font, font_size), y)
            text.textLine(line)
            y -= leading


def chunked_table(header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[float],
                  numeric: Sequence[int] = (), total: Sequence[Any] | None = None,
                  chunk_rows: int = CHUNK_ROWS) -> list[Flowable]:
    """``rows`` as a list of tables of at most ``chunk_rows`` rows, each repeating ``header``.

    ``widths`` are fractions of the frame width; ``numeric`` lists right-aligned columns;
    ``total`` is an optional last row, ruled off and shaded.
    """
    col_widths = [w * FRAME_WIDTH for w in widths]
    numeric_cols = set(numeric)
    # the cell text of a value in a column, "" standing for a Paragraph (columns repeat their
    # values: funds, counties, dates)
    texts: dict[tuple[str, int], str] = {}

    def cell(value: Any, i: int) -> Any:
        if isinstance(value, Flowable):
            return value
        text = "" if value is None else str(value)
        lines = texts.get((text, i))
        if lines is None:
            lines = texts[(text, i)] = (text if _fits(text, col_widths[i]) else _lines(text, col_widths[i]) or "")
        if lines or not text:
            return lines
        return Paragraph(fonts.markup(text), SMALL_RIGHT if i in numeric_cols else SMALL)

    head = [cell(h, i) for i, h in enumerate(header)]
    body = [[cell(v, i) for i, v in enumerate(r)] for r in rows]
    if total is not None:
        body.append([cell(v, i) for i, v in enumerate(total)])
    if not body:
        return [para("None recorded.", SMALL), Spacer(0, 6)]
    columns = []
    for i in range(len(col_widths)):
        column = _CellStyle(f"column {i}")
        column.alignment = "RIGHT" if i in numeric_cols else "LEFT"
        columns.append(column)
    out: list[Flowable] = []
    for start in range(0, len(body), chunk_rows):
        chunk = body[start:start + chunk_rows]
        style: list[tuple[Any, ...]] = [
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, GRID),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, GRID),
        ]
        if total is not None and start + chunk_rows >= len(body):
            style += [("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
                      ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f1f4f7"))]
        out.append(TextTable([head, *chunk], colWidths=col_widths, repeatRows=1, style=TableStyle(style),
                         cellStyles=[columns] * (len(chunk) + 1)))
    out.append(Spacer(0, 8))
    return out


def key_values(pairs: Sequence[tuple[str, Any]], widths: tuple[float, float] = (0.35, 0.65)) -> Flowable:
    """A two-column label/value block, kept on one page."""
    data = [[para(k, SMALL), para(v, SMALL)] for k, v in pairs]
    table = Table(data, colWidths=[w * FRAME_WIDTH for w in widths], style=TableStyle([
        ("FONT", (0, 0), (-1, -1), fonts.BODY, CELL_SIZE, CELL_SIZE + 2),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f1f4f7")),
    ]))
    return KeepTogether([table, Spacer(0, 8)])


class Contents(Flowable):
    """A contents list of ``headings`` (top-level ``Heading`` flowables of the same story).

    Each line links to its section; the page numbers are drawn when the document is saved,
    once every heading has been placed (``template._numbered_canvas``)."""

    LEADING = 15

    def __init__(self, headings: Sequence[Heading]) -> None:
        super().__init__()
        self.headings = list(headings)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.LEADING * len(self.headings) + 4

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802,N803 - ReportLab API
        slots = getattr(canvas, "contents_slots", None)
        top = y + self.LEADING * len(self.headings)
        for i, heading in enumerate(self.headings):
            line_y = top - (i + 1) * self.LEADING + 4
            fonts.draw_string(canvas, x, line_y, heading.outline_title, 10)
            if slots is not None:
                slots.append((canvas.getPageNumber(), id(heading), x, line_y, self.width))
        super().drawOn(canvas, x, y, _sW)

    def draw(self) -> None:
        pass


def version_label(version: int) -> str:
    """Archive version number; 0 means a copy not archived (made on the command line, or a draft
    read in the browser)."""
    return str(version) if version else "Not archived (a copy for reading)"
