"""Charts (图表) as geometry for inline SVG templates: readable without JavaScript, sharp in
print, with the table beside them as the accessible alternative."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from gongkai.model.money import YUAN_PER_WAN, wan

# Drawn 400 units wide with 15-unit text and shown at most 480 px wide: on a 360 px phone
# (328 px of column) the text is still 12 px, and 18 px on a desktop.
WIDTH = 400
PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT = 30, 210, 56, 8
HEIGHT = 250


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int  # 0 = 全年预算, 1 = 实际执行
    label: str  # the value, in 万元


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Group:
    x: float  # centre of the group's label
    label: str


@dataclass(frozen=True)
class BarChart:
    """Grouped bars: for each group (a year, or a project) the budget and the executed amount."""

    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    groups: list[Group]
    description: str
    plot_left: int = PLOT_LEFT
    plot_right: int = WIDTH - PLOT_RIGHT
    baseline: float = PLOT_BOTTOM


def _nice_ceiling(value: Decimal) -> Decimal:
    """A round axis maximum at or above ``value`` (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return Decimal(1)
    exponent = value.adjusted()
    for step in (1, 2, Decimal("2.5"), 5, 10):
        candidate = Decimal(step).scaleb(exponent)
        if candidate >= value:
            return candidate
    return Decimal(10).scaleb(exponent)


def _axis_label(value: Decimal) -> str:
    """An axis tick in 万元: the round numbers of an axis need no ".00" (400,000 not
    400,000.00), which keeps a district's totals inside a phone's chart.

    >>> _axis_label(Decimal("400000")), _axis_label(Decimal("2.5")), _axis_label(Decimal("0"))
    ('400,000', '2.5', '0')
    """
    value = value.normalize()
    places = max(0, -value.as_tuple().exponent)  # type: ignore[operator]
    return f"{value:,.{places}f}"


def _ticks(top: Decimal) -> list[Decimal]:
    """Five ticks from zero to ``top`` (万元)."""
    return [top * i / 4 for i in range(5)]


DIGIT = 8.6  # the width of a digit or comma in the charts' 15-unit text


def budget_chart(
    groups: Sequence[tuple[str, Decimal | None, Decimal | None]], what: str
) -> BarChart | None:
    """A grouped bar chart of (label, 全年预算, 实际执行) in yuan; ``None`` without any figure."""
    values = [v for _, budget, executed in groups for v in (budget, executed) if v is not None]
    if not values:
        return None
    top = _nice_ceiling(max(values) / YUAN_PER_WAN)
    tick_labels = [_axis_label(v) for v in _ticks(top)]
    # Room on the left for the longest tick label, at least the usual margin.
    plot_left = max(PLOT_LEFT, round(DIGIT * max(len(t) for t in tick_labels)) + 10)
    plot_height = PLOT_BOTTOM - PLOT_TOP
    slot = (WIDTH - plot_left - PLOT_RIGHT) / len(groups)
    bar_width = min(slot * 0.35, 48)
    bars, labels, parts = [], [], []
    for index, (label, budget, executed) in enumerate(groups):
        centre = plot_left + slot * (index + 0.5)
        # "2023年" takes 45 units; where many years share the width, the year alone.
        shown = label if slot >= 56 else label.removesuffix("年")
        labels.append(Group(round(centre, 1), shown))
        for series, amount in enumerate((budget, executed)):
            if amount is None:
                continue
            height = float(amount / YUAN_PER_WAN / top) * plot_height
            x = centre - bar_width + series * bar_width
            bars.append(
                Bar(
                    round(x, 1),
                    round(PLOT_BOTTOM - height, 1),
                    round(bar_width - 2, 1),
                    round(height, 1),
                    series,
                    wan(amount),
                )
            )
        parts.append(f"{label}全年预算{wan(budget)}万元、实际执行{wan(executed)}万元")
    ticks = [
        Tick(round(PLOT_BOTTOM - plot_height * i / 4, 1), label)
        for i, label in enumerate(tick_labels)
    ]
    description = f"{what}：" + "；".join(parts) + "。"
    return BarChart(WIDTH, HEIGHT, bars, ticks, labels, description, plot_left=plot_left)


@dataclass(frozen=True)
class Row:
    y: float
    label: str
    bars: list[Bar]


@dataclass(frozen=True)
class RankingChart:
    """Horizontal bars, one row a project: names stay readable however long."""

    width: int
    height: int
    rows: list[Row]
    ticks: list[Tick]  # here ``y`` holds the x position
    description: str
    plot_left: int
    plot_right: int
    plot_bottom: float


def ranking_chart(
    rows: Sequence[tuple[str, Decimal | None, Decimal | None]], what: str
) -> RankingChart | None:
    """Projects side by side: budget and executed bars per project, largest first as given."""
    values = [v for _, budget, executed in rows for v in (budget, executed) if v is not None]
    if not values:
        return None
    top = _nice_ceiling(max(values) / YUAN_PER_WAN)
    tick_labels = [_axis_label(v) for v in _ticks(top)]
    # The last tick's label is centred on the axis's end: leave half of it inside the width.
    end = max(20, round(DIGIT * len(tick_labels[-1]) / 2) + 4)
    left, right, row_height, head = 150, WIDTH - end, 40, 30
    span = right - left
    chart_rows, parts = [], []
    for index, (label, budget, executed) in enumerate(rows):
        y = head + index * row_height
        bars = []
        for series, amount in enumerate((budget, executed)):
            if amount is None:
                continue
            length = float(amount / YUAN_PER_WAN / top) * span
            bars.append(
                Bar(left, round(y + series * 15, 1), round(length, 1), 14, series, wan(amount))
            )
        short = label if len(label) <= 9 else label[:8] + "…"
        chart_rows.append(Row(round(y + 14, 1), short, bars))
        parts.append(f"{label}全年预算{wan(budget)}万元、实际执行{wan(executed)}万元")
    bottom = head + len(rows) * row_height
    ticks = [Tick(round(left + span * i / 4, 1), label) for i, label in enumerate(tick_labels)]
    return RankingChart(
        WIDTH,
        int(bottom + 28),
        chart_rows,
        ticks,
        f"{what}：" + "；".join(parts) + "。",
        left,
        right,
        bottom,
    )
