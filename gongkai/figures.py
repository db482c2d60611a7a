"""Computed figures (计算数据): execution rates, changes on the previous year and totals.

The site computes every derived figure from the amounts; rates stated in a report's text are
shown as stated, beside the computed ones, never used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from gongkai.model import BudgetYear
from gongkai.money import ratio


@dataclass(frozen=True)
class TrendRow:
    """一年的预算执行: the figures of one year with what is computed from them."""

    line: BudgetYear
    adjusted: Decimal | None
    rate: Decimal | None
    adjusted_change: Decimal | None
    executed_change: Decimal | None

    @property
    def year(self) -> int:
        return self.line.year


def _change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """(current − previous) / previous, or ``None`` where undefined."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / previous


def trend(budget: Iterable[BudgetYear]) -> list[TrendRow]:
    """Budget trend (预算趋势), oldest year first; a change is computed only against the
    year immediately before, since a gap would make it a change over several years."""
    rows: list[TrendRow] = []
    previous: BudgetYear | None = None
    for line in sorted(budget, key=lambda b: b.year):
        before = previous if previous is not None and previous.year == line.year - 1 else None
        rows.append(
            TrendRow(
                line=line,
                adjusted=line.adjusted,
                rate=ratio(line.executed, line.adjusted),
                adjusted_change=_change(line.adjusted, before.adjusted if before else None),
                executed_change=_change(line.executed, before.executed if before else None),
            )
        )
        previous = line
    return rows


@dataclass(frozen=True)
class Totals:
    """合计: the sum of the given years' figures; a missing figure is counted, not guessed."""

    count: int
    initial: Decimal
    adjusted: Decimal
    executed: Decimal
    missing_budget: int
    missing_executed: int

    @property
    def rate(self) -> Decimal | None:
        return ratio(self.executed, self.adjusted)

    @property
    def complete(self) -> bool:
        return not (self.missing_budget or self.missing_executed)


def totals(lines: Iterable[BudgetYear | None]) -> Totals:
    """Add up budget lines; ``None`` stands for a report without its own year's figures."""
    count = 0
    initial = adjusted = executed = Decimal(0)
    missing_budget = missing_executed = 0
    for line in lines:
        count += 1
        if line is None or line.adjusted is None:
            missing_budget += 1
        else:
            initial += line.initial or 0
            adjusted += line.adjusted
        if line is None or line.executed is None:
            missing_executed += 1
        else:
            executed += line.executed
    return Totals(count, initial, adjusted, executed, missing_budget, missing_executed)
