"""Building blocks: styles, headings that become bookmarks, chunked tables, number formats.

Long tables are cut into chunks of ``CHUNK_ROWS`` rows, each a small ``Table``
with the header row repeated. ReportLab splits a table page by page by
re-measuring what is left, so one huge table costs time quadratic in its rows;
chunks keep layout linear in the number of rows.
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
                    textColor=colors.HexColor("#1b3a5c"))
H2 = ParagraphStyle("h2", parent=BODY, fontSize=12, leading=15, spaceBefore=8, spaceAfter=5,
                    textColor=colors.HexColor("#1b3a5c"))
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
    """``$1,234.56`` (negative as ``-$1,234.56``); money is always a Decimal."""
    if value is None:
        return "—"
    if not isinstance(value, Decimal):
        raise TypeError(f"money must be a Decimal, not {type(value).__name__}")
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def percent(value: Decimal | None) -> str:
    """A share given as a fraction, to two decimals of a percent (Decimal 0.075 -> ``7.50%``)."""
    if value is None:
        return "—"
    return f"{(value * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def date(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def yes_no(value: bool | None) -> str:
    return "—" if value is None else ("Yes" if value else "No")


def _cell(value: Any, numeric: bool, width: float) -> Any:
    """A table cell: a plain string when it fits on one line in the body font (fast), else a
    Paragraph that wraps and falls back to other fonts."""
    if isinstance(value, Flowable):
        return value
    text = "" if value is None else str(value)
    if fonts.covered(text) and stringWidth(text, fonts.BODY, CELL_SIZE) <= width - 2 * CELL_PAD:
        return text
    return Paragraph(fonts.markup(text), SMALL_RIGHT if numeric else SMALL)


def chunked_table(header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[float],
                  numeric: Sequence[int] = (), total: Sequence[Any] | None = None,
                  chunk_rows: int = CHUNK_ROWS) -> list[Flowable]:
    """``rows`` as a list of tables of at most ``chunk_rows`` rows, each repeating ``header``.

    ``widths`` are fractions of the frame width; ``numeric`` lists right-aligned columns;
    ``total`` is an optional last row in bold.
    """
    col_widths = [w * FRAME_WIDTH for w in widths]
    numeric_cols = set(numeric)
    head = [Paragraph(fonts.markup(h), SMALL_RIGHT if i in numeric_cols else SMALL)
            for i, h in enumerate(header)]
    body = [[_cell(v, i in numeric_cols, col_widths[i]) for i, v in enumerate(r)] for r in rows]
    if total is not None:
        body.append([_cell(v, i in numeric_cols, col_widths[i]) for i, v in enumerate(total)])
    if not body:
        return [para("None recorded.", SMALL), Spacer(0, 6)]
    out: list[Flowable] = []
    for start in range(0, len(body), chunk_rows):
        chunk = body[start:start + chunk_rows]
        style = [
            ("FONT", (0, 0), (-1, -1), fonts.BODY, CELL_SIZE, CELL_SIZE + 2),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, GRID),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, GRID),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]
        style += [("ALIGN", (c, 0), (c, -1), "RIGHT") for c in numeric_cols]
        if total is not None and start + chunk_rows >= len(body):
            style += [("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
                      ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f1f4f7"))]
        out.append(Table([head, *chunk], colWidths=col_widths, repeatRows=1, style=TableStyle(style)))
    out.append(Spacer(0, 8))
    return out


def key_values(pairs: Sequence[tuple[str, Any]], widths: tuple[float, float] = (0.35, 0.65)) -> Flowable:
    """A two-column label/value block, kept on one page."""
    data = [[para(k, SMALL), para(v, SMALL)] for k, v in pairs]
    table = Table(data, colWidths=[w * FRAME_WIDTH for w in widths], style=TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f1f4f7")),
    ]))
    return KeepTogether([table, Spacer(0, 8)])


def version_label(version: int) -> str:
    """Archive version number; 0 means a copy made on the command line, not archived."""
    return str(version) if version else "Not archived (command-line copy)"
