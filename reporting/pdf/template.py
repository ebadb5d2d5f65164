"""Page template shared by every report.

Each page carries a running header (document, plan or fund, year, report id)
and footer (generated time, "Page X of Y"); drafts carry a diagonal DRAFT
watermark under the content. "Page X of Y" needs the page count before the
last page is written: ``_numbered_canvas`` keeps each finished page's drawing
state and writes the page numbers when the document is saved (one layout pass,
not two); it also writes the page numbers of the contents list (``flowables.Contents``)
then. Headings (``flowables.Heading``) become PDF outline entries. The document's
title, author, subject and keywords go into the PDF metadata, and its creation and
modification dates are the document's own ``generated_at`` (the same data and time give
the same bytes).

Layout units are PostScript points (1/72 inch).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.lib.utils import TimeStamp
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from . import fonts

#: Page and font streams are written Flate-compressed binary, as PDF readers expect, not also
#: ASCII85-encoded (ReportLab's default, for 7-bit mail transports): files a sixth smaller,
#: written faster. The setting is ReportLab's own, read when each stream is written.
rl_config.useA85 = 0

PAGE_SIZE = LETTER  # 612 x 792 points
MARGIN = 0.75 * inch
HEADER_SIZE = 7.5  # points


@dataclass(frozen=True)
class DocumentMeta:
    """What the header, footer and PDF metadata say about one document."""

    title: str
    subject: str
    author: str
    document_label: str  # e.g. "Community Reinvestment Report"
    scope_label: str  # e.g. the plan's or fund's name
    year_label: str  # e.g. "Income year 2024"
    report_id: str
    generated_at: dt.datetime
    draft: bool = True
    keywords: tuple[str, ...] = ()


def _timestamp(moment: dt.datetime) -> TimeStamp:
    """ReportLab's document time stamp set to ``moment`` (UTC)."""
    stamp = TimeStamp(invariant=1)
    utc = moment.astimezone(dt.UTC) if moment.tzinfo else moment
    stamp.t = utc.replace(tzinfo=dt.UTC).timestamp()
    stamp.lt = utc.timetuple()
    stamp.YMDhms = tuple(stamp.lt)[:6]
    return stamp


def _numbered_canvas(meta: DocumentMeta) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._page_states: list[dict[str, Any]] = []
            self._doc._timeStamp = _timestamp(meta.generated_at)
            # (page, heading id, x, y, width) of each contents line; heading id -> (page, bookmark)
            self.contents_slots: list[tuple[int, int, float, float, float]] = []
            self.heading_pages: dict[int, tuple[int, str]] = {}

        def showPage(self) -> None:  # noqa: N802 - ReportLab API
            self._page_states.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._page_states)
            for state in self._page_states:
                self.__dict__.update(state)
                self._contents_numbers()
                self.setFillColor(colors.HexColor("#444444"))
                fonts.draw_string(self, PAGE_SIZE[0] - MARGIN, MARGIN / 2,
                                  f"Page {self._pageNumber} of {total}", HEADER_SIZE, align="right")
                super().showPage()
            super().save()

        def _contents_numbers(self) -> None:
            for page, heading, x, y, width in self.contents_slots:
                if page != self._pageNumber or heading not in self.heading_pages:
                    continue
                target, key = self.heading_pages[heading]
                self.setFillColor(colors.black)
                fonts.draw_string(self, x + width, y, str(target), 10, align="right")
                self.linkRect("", key, (x, y - 3, x + width, y + 10), relative=0)

    return NumberedCanvas


class ReportDocTemplate(BaseDocTemplate):
    """A letter-size document with the shared header/footer, watermark and outline."""

    def __init__(self, buffer: BytesIO, meta: DocumentMeta) -> None:
        fonts.register()
        self.meta = meta
        super().__init__(
            buffer,
            pagesize=PAGE_SIZE,
            leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
            title=meta.title, author=meta.author, subject=meta.subject,
            creator="Community Reinvestment reporting", keywords=list(meta.keywords),
            invariant=1, initialFontName=fonts.BODY, initialFontSize=9,
        )
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._decorate)])

    def _decorate(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        meta = self.meta
        width, height = PAGE_SIZE
        canvas.saveState()
        if meta.draft:
            canvas.setFillColor(colors.Color(0.85, 0.1, 0.1, alpha=0.12))
            canvas.translate(width / 2, height / 2)
            canvas.rotate(45)
            canvas.setFont(fonts.BODY, 110)
            canvas.drawCentredString(0, -40, "DRAFT")
            canvas.rotate(-45)
            canvas.translate(-width / 2, -height / 2)
        canvas.setFillColor(colors.HexColor("#444444"))
        top = height - MARGIN / 2
        fonts.draw_string(canvas, MARGIN, top,
                          f"{meta.document_label} · {meta.scope_label} · {meta.year_label}", HEADER_SIZE)
        fonts.draw_string(canvas, width - MARGIN, top, f"Report {meta.report_id}", HEADER_SIZE,
                          align="right")
        canvas.setStrokeColor(colors.HexColor("#999999"))
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, top - 4, width - MARGIN, top - 4)
        canvas.line(MARGIN, MARGIN / 2 + 10, width - MARGIN, MARGIN / 2 + 10)
        moment = meta.generated_at
        generated = f"{moment:%B} {moment.day}, {moment.year}, {moment:%H:%M %Z}".strip()  # words, not ISO
        status = "DRAFT — not attested" if meta.draft else "Final"
        fonts.draw_string(canvas, MARGIN, MARGIN / 2,
                          f"{meta.document_label} · {meta.report_id} · generated {generated} · {status}",
                          HEADER_SIZE)
        canvas.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - ReportLab API
        level = getattr(flowable, "outline_level", None)
        if level is None:
            return
        self._outline_seq = getattr(self, "_outline_seq", 0) + 1
        key = f"section-{self._outline_seq}"
        self.canv.bookmarkPage(key)
        pages = getattr(self.canv, "heading_pages", None)
        if pages is not None:
            pages[id(flowable)] = (self.page, key)
        self.canv.addOutlineEntry(flowable.outline_title, key, level=level, closed=level > 0)


def build_pdf(story: list[Flowable], meta: DocumentMeta) -> bytes:
    """Lay out ``story`` and return the PDF bytes."""
    buffer = BytesIO()
    doc = ReportDocTemplate(buffer, meta)
    doc.build(story, canvasmaker=_numbered_canvas(meta))
    return buffer.getvalue()
