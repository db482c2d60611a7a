"""Targets kept or changed (年初目标与自评所列目标对照): a project-year's 绩效目标表, published
with the budget before any money is spent, against the targets its self-evaluation lists a
year later.

Indicators are matched by level and name, tolerant of wording; a change is called 调低 or
调高 only where both values are numbers in one unit and the indicator says which way is
better (≥ or ≤); any other difference is 改动, with no direction claimed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from gongkai.model.catalog import Catalog, ProjectYear, YearDocuments
from gongkai.model.linking import MARGIN, alike
from gongkai.model.quantity import Quantity, comparable, parse_quantity
from gongkai.model.report import Indicator, Nature


class TargetChange(StrEnum):
    """对照结果: what became of one target between the two documents."""

    KEPT = "一致"
    LOWERED = "要求降低"  # ≥ 12 次 → ≥ 8 次; ≤ 5 万元 → ≤ 15 万元
    RAISED = "要求提高"
    CHANGED = "改动"  # different, and which way is easier cannot be told
    DROPPED = "自评未列"
    ADDED = "年初未列"
    UNSTATED = "自评未写明"  # the indicator is listed, its target value is not
    UNSTATED_BEFORE = "年初未写明"
    NEITHER = "均未写明"

    @property
    def differs(self) -> bool:
        """A change of target: what the year page counts and the page marks."""
        return self in (
            TargetChange.LOWERED,
            TargetChange.RAISED,
            TargetChange.CHANGED,
            TargetChange.DROPPED,
            TargetChange.ADDED,
        )


@dataclass(frozen=True)
class TargetRow:
    """One row of the comparison: the target as published (年初目标), as the self-evaluation
    lists it (自评所列目标), and what was done (完成值)."""

    promised: Indicator | None
    listed: Indicator | None
    change: TargetChange
    promised_index: int | None = None  # the rows' places in their documents
    listed_index: int | None = None

    @property
    def indicator(self) -> Indicator:
        return self.listed or self.promised  # type: ignore[return-value]


_LEVEL_WORDS = re.compile(r"指标|类")
_SPACE = re.compile(r"[\s·•、，,。.;；:：()（）\-—_/“”\"'‘’]")
SIMILAR = 0.75


def _level(indicator: Indicator) -> str:
    """二级指标 without the word 指标 (数量指标 → 数量); 一级 where 二级 is blank."""
    text = indicator.level2 or indicator.level1 or ""
    return _LEVEL_WORDS.sub("", unicodedata.normalize("NFKC", text)).strip()


def _name(indicator: Indicator) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", indicator.name or ""))


def stated_target(indicator: Indicator) -> str:
    """A target as the form states it: its sign (≥ ≤ =) unless the value carries it, the value,
    and its unit unless the value names it; '' where there is no value.

    >>> stated_target(Indicator(name="x", nature="≤", target="50000", unit="元"))
    '≤50000元'
    >>> stated_target(Indicator(name="x", nature="≥", target="≥12次", unit="次"))
    '≥12次'
    """
    target = indicator.target or ""
    if not target:
        return ""
    nature = indicator.nature.value if indicator.nature else ""
    sign = "" if nature in ("", Nature.QUALITATIVE.value) or target.startswith(nature) else nature
    unit = indicator.unit if indicator.unit and indicator.unit not in target else ""
    return f"{sign}{target}{unit}"


def _value(indicator: Indicator) -> str:
    """The target as one comparable text: sign and value and unit, spaces and widths aside."""
    text = unicodedata.normalize("NFKC", stated_target(indicator))
    return re.sub(r"\s|。$", "", text.replace(">=", "≥").replace("<=", "≤"))


def _quantity(indicator: Indicator) -> Quantity | None:
    return parse_quantity(indicator.target, indicator.unit)


def _direction(indicator: Indicator, quantity: Quantity) -> str | None:
    """≥ (more is better) or ≤ (less is better), as the indicator states it; else ``None``."""
    if indicator.nature in (Nature.AT_LEAST, Nature.AT_MOST):
        return indicator.nature.value
    return quantity.comparator if quantity.comparator in ("≥", "≤") else None


def judge(promised: Indicator, listed: Indicator) -> TargetChange:
    """How the self-evaluation's target differs from the one published.

    >>> judge(Indicator(name="x", target="≥12次"), Indicator(name="x", target="≥8次"))
    <TargetChange.LOWERED: '要求降低'>
    >>> judge(Indicator(name="x", nature="≤", target="5天"), Indicator(name="x", target="7天"))
    <TargetChange.LOWERED: '要求降低'>
    """
    if not promised.target or not listed.target:
        if promised.target:
            return TargetChange.UNSTATED
        return TargetChange.UNSTATED_BEFORE if listed.target else TargetChange.NEITHER
    if _value(promised) == _value(listed):
        return TargetChange.KEPT
    before, after = _quantity(promised), _quantity(listed)
    if before is None or after is None or not comparable(before, after):
        return TargetChange.CHANGED
    if before.unit != after.unit and before.unit and after.unit:
        return TargetChange.CHANGED
    way_before, way_after = _direction(promised, before), _direction(listed, after)
    if before.value == after.value:
        same_way = way_after is None or way_before is None or way_before == way_after
        return TargetChange.KEPT if same_way else TargetChange.CHANGED
    way = way_before or way_after
    if way is None or (way_after is not None and way_after != way):
        return TargetChange.CHANGED
    easier = after.value < before.value if way == "≥" else after.value > before.value
    return TargetChange.LOWERED if easier else TargetChange.RAISED


def _pairs(promised: list[Indicator], listed: list[Indicator]) -> dict[int, int]:
    """Matched rows, promised index → listed index: same level and name; then the most alike
    name of the same level, when no other fits nearly as well; then a level's one nameless row."""
    pairs: dict[int, int] = {}
    free = set(range(len(listed)))
    for i, row in enumerate(promised):
        match = next(
            (
                j
                for j in sorted(free)
                if _level(listed[j]) == _level(row) and _name(listed[j]) == _name(row)
            ),
            None,
        )
        if match is not None:
            pairs[i] = match
            free.discard(match)
    for i, row in enumerate(promised):
        if i in pairs or not _name(row):
            continue
        scored = sorted(
            (
                (alike(_name(row), _name(listed[j])), j)
                for j in free
                if _level(listed[j]) == _level(row)
            ),
            reverse=True,
        )
        if not scored or scored[0][0] < SIMILAR:
            continue
        if len(scored) > 1 and scored[1][0] >= scored[0][0] - MARGIN:
            continue  # two rows fit: neither is claimed
        rivals = [
            k
            for k, other in enumerate(promised)
            if k != i
            and k not in pairs
            and _level(other) == _level(row)
            and alike(_name(other), _name(listed[scored[0][1]])) >= scored[0][0] - MARGIN
        ]
        if rivals:
            continue
        pairs[i] = scored[0][1]
        free.discard(scored[0][1])
    return pairs


def compare_targets(promised: Iterable[Indicator], listed: Iterable[Indicator]) -> list[TargetRow]:
    """The comparison table: the published targets in their order, each with its match in the
    self-evaluation, then the self-evaluation's targets that were not published."""
    before, after = list(promised), list(listed)
    pairs = _pairs(before, after)
    rows = []
    for i, row in enumerate(before):
        j = pairs.get(i)
        if j is None:
            rows.append(TargetRow(row, None, TargetChange.DROPPED, i, None))
        else:
            rows.append(TargetRow(row, after[j], judge(row, after[j]), i, j))
    matched = set(pairs.values())
    rows.extend(
        TargetRow(None, row, TargetChange.ADDED, None, j)
        for j, row in enumerate(after)
        if j not in matched
    )
    return rows


def changed(rows: list[TargetRow]) -> bool:
    return any(r.change.differs for r in rows)


def lowered(rows: list[TargetRow]) -> list[TargetRow]:
    return [r for r in rows if r.change is TargetChange.LOWERED]


def comparisons(documents: YearDocuments) -> dict[str, list[TargetRow]]:
    """The comparison of each self-evaluation of a project-year with its 绩效目标表, by the
    self-evaluation's key."""
    promised = documents.targets.report.performance.indicators
    return {
        e.key: compare_targets(promised, e.report.performance.indicators)
        for e in documents.evaluations
    }


@dataclass(frozen=True)
class TargetSummary:
    """目标变动统计 of a year or a department: of the project-years published with both their
    绩效目标表 and a self-evaluation, those whose self-evaluation lists targets that differ."""

    compared: int
    changed: list[ProjectYear]  # the self-evaluations, in the order given
    lowered: list[ProjectYear]


def summarise(catalog: Catalog, entries: Iterable[ProjectYear]) -> TargetSummary:
    """Count over ``entries`` (a year's or a department's documents), each project-year once;
    a changed one is shown by its first self-evaluation whose targets differ."""
    seen: set[str] = set()
    changed_in: list[ProjectYear] = []
    lowered_in: list[ProjectYear] = []
    for entry in entries:
        documents = catalog.year_documents(entry)
        if documents is None or documents.targets.key in seen:
            continue
        seen.add(documents.targets.key)
        found = comparisons(documents)
        differing = [e for e in documents.evaluations if changed(found[e.key])]
        if differing:
            changed_in.append(differing[0])
        easier = [e for e in documents.evaluations if lowered(found[e.key])]
        if easier:
            lowered_in.append(easier[0])
    return TargetSummary(len(seen), changed_in, lowered_in)
