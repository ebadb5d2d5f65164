"""Charts drawn with reportlab.graphics (vector, embedded in the PDF).

Bar lengths are whole dollars or whole people (``int``): chart geometry never
needs a fraction of a cent, and money never passes through a float. The exact
figures are in the tables next to each chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from money import format_usd

from . import fonts
from .flowables import FRAME_WIDTH

PALETTE = [colors.HexColor("#1b3a5c"), colors.HexColor("#5fa8d3"), colors.HexColor("#e09f3e"),
           colors.HexColor("#9e2a2b"), colors.HexColor("#6a994e")]
BAR_ROW = 13  # points of chart height per category
MAX_PLOT_HEIGHT = 560  # points: the chart must fit one page


def whole(value: Decimal | int) -> int:
    """A chart length: the value rounded half up to a whole unit."""
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def dollars(value: float) -> str:
    """A value-axis label in whole dollars: ``$1,250,000`` (reportlab gives ticks as floats)."""
    return format_usd(Decimal(str(value)), cents=False)


def bar_chart(title: str, categories: Sequence[str],
              series: Sequence[tuple[str, Sequence[Decimal | int]]], *, money: bool = False) -> Drawing:
    """A horizontal bar chart of one or more series over ``categories`` (one row per category);
    with ``money`` the value axis is labelled in dollars."""
    fonts.register()
    rows = max(len(categories), 1)
    plot_height = min(rows * BAR_ROW * max(1, len(series)) * 0.6 + 10, MAX_PLOT_HEIGHT)
    height = plot_height + 50
    drawing = Drawing(FRAME_WIDTH, height, initialFontName=fonts.BODY, initialFontSize=7)
    drawing.add(String(0, height - 12, title, fontName=fonts.BODY, fontSize=10))
    chart = HorizontalBarChart()
    chart.x = 150
    chart.y = 25
    chart.width = FRAME_WIDTH - 170
    chart.height = plot_height
    data = [[whole(v) for v in values] for _, values in series] or [[0]]
    chart.data = [list(reversed(d)) for d in data]  # first category on top
    chart.categoryAxis.categoryNames = [c[:28] for c in reversed(categories)] or [""]
    chart.categoryAxis.labels.fontName = fonts.BODY
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.labels.fontName = fonts.BODY
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.valueMin = 0
    top = max((max(d) for d in data if d), default=0)
    chart.valueAxis.valueMax = max(top, 1) * 11 // 10 + 1
    chart.valueAxis.labelTextFormat = dollars if money else "{:,.0f}".format
    chart.barSpacing = 0.5
    chart.groupSpacing = 3
    for i in range(len(data)):
        chart.bars[i].fillColor = PALETTE[i % len(PALETTE)]
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    if len(series) > 1:
        legend = Legend()
        legend.x = 150
        legend.y = 10
        legend.fontName = fonts.BODY
        legend.fontSize = 7
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.deltax = 90
        legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], name) for i, (name, _) in enumerate(series)]
        drawing.add(legend)
    return drawing
