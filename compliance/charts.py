"""The dashboard's charts as geometry for server-rendered SVG: no chart library, no script and no
style attributes (the strict CSP allows neither), so every size is an SVG attribute computed here
and every colour a CSS class. Each chart is drawn beside a table holding the same numbers, so
the picture only repeats what the text already says.

No charting package fitted: the maintained SVG ones (pygal, leather) write inline `<style>` or
`style=""`, which the CSP blocks, or draw with JavaScript. These two shapes are all we need."""

from dataclasses import dataclass

# A stacked bar is drawn in a 100-unit-wide viewBox stretched to the bar's width.
BAR_WIDTH = 100


def _num(value: float) -> str:
    """An SVG number: plain digits with a dot, whatever the active locale's decimal mark."""
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


@dataclass(frozen=True)
class Segment:
    key: str  # also the CSS class suffix: chart-<key>
    count: int
    x: str
    width: str


def stacked_bar(counts: list[tuple[str, int]]) -> list[Segment]:
    """Segments side by side, each as wide as its share of the total; empty ones are left out.
    The last segment ends exactly at the right edge (no gap from rounding)."""
    total = sum(n for _key, n in counts)
    if not total:
        return []
    segments, x = [], 0.0
    shown = [(key, n) for key, n in counts if n]
    for i, (key, n) in enumerate(shown):
        width = BAR_WIDTH - x if i == len(shown) - 1 else BAR_WIDTH * n / total
        segments.append(Segment(key, n, _num(x), _num(width)))
        x += width
    return segments


@dataclass(frozen=True)
class Column:
    label: str
    value: int
    x: str
    y: str
    width: str
    height: str
    label_x: str
    value_y: str


@dataclass(frozen=True)
class ColumnChart:
    width: int
    height: int
    baseline: str
    label_y: str
    columns: list[Column]


def column_chart(
    values: list[tuple[str, int]], *, width: int = 720, height: int = 200, gap: float = 0.25
) -> ColumnChart:
    """Columns for `values` (label, value) in a `width` × `height` viewBox: the plot area leaves
    room below for the labels and above for each column's value."""
    bottom, top = height - 24, 18
    plot = bottom - top
    peak = max((v for _label, v in values), default=0) or 1
    slot = width / max(len(values), 1)
    bar = slot * (1 - gap)
    columns = []
    for i, (label, value) in enumerate(values):
        h = plot * value / peak
        x = i * slot + (slot - bar) / 2
        columns.append(
            Column(
                label=label,
                value=value,
                x=_num(x),
                y=_num(bottom - h),
                width=_num(bar),
                height=_num(h),
                label_x=_num(x + bar / 2),
                value_y=_num(bottom - h - 4),
            )
        )
    return ColumnChart(width, height, _num(bottom), _num(height - 6), columns)
