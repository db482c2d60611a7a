"""Computed figures (计算数据): execution rates, changes on the previous year and totals.

The site computes every derived figure from the amounts. Changes stated in a report's text are
read, compared with the computed ones, and shown as stated beside them, marked where the two
disagree; they are never used as figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from gongkai.model.money import ratio
from gongkai.model.quantity import normalise
from gongkai.model.report import BudgetYear


@dataclass(frozen=True)
class StatedChange:
    """报告所述变化: a change on last year as the text states it, read as a fraction.

    ``alternatives`` holds every reading the words allow (增长2.5倍 is +250 % by the rule, and
    often meant as "2.5 times as much", +150 %); ``tolerance`` is half the last digit written,
    so that a rounded 66% is not a contradiction of 66.4 %.
    """

    text: str
    alternatives: tuple[Decimal, ...]
    tolerance: Decimal

    def agrees(self, computed: Iterable[Decimal | None]) -> bool | None:
        """True or False against the computed changes; ``None`` when none can be computed."""
        values = [c for c in computed if c is not None]
        if not values:
            return None
        return any(abs(a - c) <= self.tolerance for a in self.alternatives for c in values)


_DOWN = "减少|下降|降低|减|降|缩减|回落"
_UP = "增长|增加|上升|提高|增|升|上涨|提升"
_CHANGE = re.compile(
    rf"(?P<verb>{_DOWN}|{_UP})(?:了|幅|幅度为?|率为?|比例为?|约|为|达)*\s*"
    r"(?P<number>\d+(?:\.(?P<decimals>\d+))?)\s*(?P<unit>%|倍|个百分点)"
)
_NO_CHANGE = re.compile(r"无变化|持平|不变|没有变化|与上年相同|与上年一致")


def read_stated_change(text: str | None) -> StatedChange | None:
    """The change a sentence states ("较上年增长66%", "增幅66％", "下降了4%", "增长2.5倍").

    >>> read_stated_change("较上年增长66％").alternatives
    (Decimal('0.66'),)
    >>> read_stated_change("较上年下降了4%").alternatives
    (Decimal('-0.04'),)
    >>> [str(a) for a in read_stated_change("增长2.5倍").alternatives]
    ['2.5', '1.5']
    """
    if not text:
        return None
    plain = normalise(text)
    match = _CHANGE.search(plain)
    if match is None:
        if _NO_CHANGE.search(plain):
            return StatedChange(text, (Decimal(0),), Decimal("0.00005"))
        return None
    if match.group("unit") == "个百分点":
        return None  # a change of a rate, not of an amount
    number = Decimal(match.group("number"))
    places = len(match.group("decimals") or "")
    down = re.fullmatch(_DOWN, match.group("verb")) is not None
    if match.group("unit") == "倍":
        values = [number, number - 1]
        tolerance = Decimal(5).scaleb(-places - 1)
    else:
        values = [number / 100]
        tolerance = Decimal(5).scaleb(-places - 3)
    sign = -1 if down else 1
    return StatedChange(text, tuple(sign * v for v in values), tolerance)


@dataclass(frozen=True)
class TrendRow:
    """一年的预算执行: the figures of one year with what is computed from them."""

    line: BudgetYear
    adjusted: Decimal | None
    rate: Decimal | None
    adjusted_change: Decimal | None
    executed_change: Decimal | None
    adjusted_change_amount: Decimal | None = None
    executed_change_amount: Decimal | None = None
    stated: StatedChange | None = None
    previous: BudgetYear | None = None  # the line of the year just before, if the data has it

    @property
    def year(self) -> int:
        return self.line.year

    @property
    def stated_agrees(self) -> bool | None:
        """Whether the report's stated change matches the amounts: ``None`` when it states none
        or no change can be computed."""
        if self.stated is None:
            return None
        agrees = self.stated.agrees((self.executed_change, self.adjusted_change))
        if agrees is None and self.stated.alternatives == (Decimal(0),):
            # "无变化" over a zero base: the amounts say whether it holds, without a rate.
            amounts = [
                a
                for a in (self.executed_change_amount, self.adjusted_change_amount)
                if a is not None
            ]
            return (0 in amounts) if amounts else None
        return agrees

    @property
    def contradiction(self) -> bool:
        return self.stated_agrees is False

    @property
    def unverifiable(self) -> str | None:
        """无法核对: why a change the report states cannot be checked against the amounts (growth
        from a zero base, a year missing before it, amounts not given); ``None`` where it can
        be checked or nothing is stated."""
        if self.line.stated_change is None or self.stated_agrees is not None:
            return None
        if self.stated is None:
            return "报告所述变化未写明金额的增减幅度，本站未核对"
        before = self.previous
        if before is None:
            return f"报告未列{self.year - 1}年的金额，较上年变化无法核对"
        pairs = (
            (self.line.executed, before.executed),
            (self.adjusted, before.adjusted),
        )
        if any(now is not None and then == 0 for now, then in pairs):
            return f"{before.year}年金额为零，增长幅度无法计算，报告所述变化无法核对"
        return f"报告未写明{before.year}年或{self.year}年的金额，较上年变化无法核对"


def change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """(current − previous) / previous, or ``None`` where undefined."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / previous


def _difference(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if current is None or previous is None:
        return None
    return current - previous


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
                rate=line.rate,
                adjusted_change=change(line.adjusted, before.adjusted if before else None),
                executed_change=change(line.executed, before.executed if before else None),
                adjusted_change_amount=_difference(
                    line.adjusted, before.adjusted if before else None
                ),
                executed_change_amount=_difference(
                    line.executed, before.executed if before else None
                ),
                stated=read_stated_change(line.stated_change),
                previous=before,
            )
        )
        previous = line
    return rows


@dataclass(frozen=True)
class Totals:
    """合计: the sum over the projects that have both 全年预算 and 实际执行 — the rate and both
    sums come from the same projects; the others are named in ``left_out``."""

    count: int
    initial: Decimal
    adjusted: Decimal
    executed: Decimal
    left_out: list[tuple[str, str]] = field(default_factory=list)

    @property
    def included(self) -> int:
        return self.count - len(self.left_out)

    @property
    def rate(self) -> Decimal | None:
        return ratio(self.executed, self.adjusted)

    @property
    def complete(self) -> bool:
        return not self.left_out


def totals(lines: Iterable[tuple[str, BudgetYear | None]]) -> Totals:
    """Add up named budget lines; ``None`` stands for a report without its own year's figures.

    A project lacking either figure is left out of every sum, and named with the reason.
    """
    count = 0
    initial = adjusted = executed = Decimal(0)
    left_out: list[tuple[str, str]] = []
    for name, line in lines:
        count += 1
        missing = [
            label
            for label, value in (
                ("全年预算", line.adjusted if line else None),
                ("实际执行", line.executed if line else None),
            )
            if value is None
        ]
        if missing or line is None:
            left_out.append((name, "、".join(missing)))
            continue
        initial += line.initial or 0
        adjusted += line.adjusted or 0
        executed += line.executed or 0
    return Totals(count, initial, adjusted, executed, left_out)
