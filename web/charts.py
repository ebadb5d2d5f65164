"""Server-rendered bar charts: inline SVG a screen reader can read, plus the same data as a table.

``bar_chart(title, rows, kind="money")`` returns a ``BarChart`` that the partial
``includes/bar_chart.html`` draws (``{% bar_chart chart %}``). Bar lengths are computed
with Decimal arithmetic as percentages of the largest value (negative values draw no bar;
the table shows the real figure). The SVG has ``role="img"`` and an ``aria-label`` naming
the chart; the data table below it is the accessible and printable fallback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any

from django.utils import formats
from django.utils.safestring import SafeString, mark_safe

from money import format_usd, to_decimal

#: Layout of the SVG, in SVG user units (the SVG scales to its container).
BAR_HEIGHT = 24
BAR_GAP = 10
LABEL_WIDTH = 0  # labels sit above each bar so long names wrap on phones


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    text: str
    percent: Decimal  # 0..100, bar length as a share of the longest bar
    y: int
    label_y: int


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    kind: str
    height: int
    chart_id: str

    @property
    def aria_label(self) -> str:
        parts = "; ".join(f"{b.label}: {b.text}" for b in self.bars)
        return f"{self.title}. {parts}" if parts else self.title

    # The bars' markup is written here rather than by a template loop: a chart of every county
    # has over a hundred bars, each drawn twice (the SVG and the table behind it), and a loop
    # resolving each bar's fields cost more than the rest of a page.

    @property
    def svg_bars(self) -> SafeString:
        """The SVG's label and bar of each bar (labels and texts escaped)."""
        return mark_safe("".join(  # noqa: S308 - every value is escaped or a number
            f'<text x="0" y="{b.label_y}" class="chart__label">{escape(b.label)} — {escape(b.text)}</text>'
            f'<rect x="0" y="{b.y}" width="{b.percent}%" height="{BAR_HEIGHT}" class="chart__bar"></rect>'
            for b in self.bars))

    @property
    def table_rows(self) -> SafeString:
        """The data table's row of each bar (empty without bars: the template says so)."""
        return mark_safe("".join(  # noqa: S308 - every value is escaped
            f'<tr><th scope="row">{escape(b.label)}</th><td class="num">{escape(b.text)}</td></tr>'
            for b in self.bars))


def _text(value: Decimal, kind: str) -> str:
    if kind == "money":
        return format_usd(value)
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def bar_chart(title: str, rows: Iterable[tuple[str, Any]], *, kind: str = "money",
              chart_id: str = "chart") -> BarChart:
    """A chart of ``rows`` ((label, Money/Decimal/int) pairs), in the order given."""
    if kind not in ("money", "number"):
        raise ValueError("kind is 'money' or 'number'")
    values = [(str(label), to_decimal(value)) for label, value in rows]
    top = max((v for _, v in values if v > 0), default=Decimal(0))
    bars = []
    step = BAR_HEIGHT * 2 + BAR_GAP
    for i, (label, value) in enumerate(values):
        percent = (value / top * 100).quantize(Decimal("0.1")) if top > 0 and value > 0 else Decimal(0)
        y = i * step + BAR_HEIGHT
        bars.append(Bar(label, value, _text(value, kind), percent, y, y - 6))
    return BarChart(title, bars, kind, max(len(values), 1) * step, chart_id)
