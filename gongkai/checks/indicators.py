"""Layout of the indicator table (绩效目标表) as on the official form: 一级 and 二级 cells
merged over the rows they head."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.model.report import Indicator

# Columns after the three levels, in the order of Sichuan's 部门预算项目支出绩效自评表.
DETAIL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("nature", "指标性质"),
    ("target", "指标值"),
    ("unit", "度量单位"),
    ("actual", "完成值"),
    ("weight", "权重"),
    ("score", "得分"),
    ("reason", "未完成原因分析"),
)


@dataclass(frozen=True)
class IndicatorRow:
    """One table row; a span of 0 means the cell is covered by a merged cell above."""

    indicator: Indicator
    level1_span: int
    level2_span: int


def layout(indicators: list[Indicator]) -> list[IndicatorRow]:
    """Merge consecutive equal 一级 cells, and equal 二级 cells within one 一级 group."""
    spans1 = _spans([i.level1 for i in indicators])
    # 二级 keys include 一级, so a 二级 cell never spans two 一级 groups.
    spans2 = _spans([(i.level1, i.level2) for i in indicators])
    return [IndicatorRow(i, s1, s2) for i, s1, s2 in zip(indicators, spans1, spans2, strict=True)]


def _spans(keys: list[object]) -> list[int]:
    spans = [0] * len(keys)
    start = 0
    for index in range(1, len(keys) + 1):
        if index == len(keys) or keys[index] != keys[start]:
            spans[start] = index - start
            start = index
    return spans


def filled_columns(indicators: list[Indicator]) -> tuple[list[tuple[str, str]], list[str]]:
    """The detail columns with at least one value, and the labels of those left blank."""
    shown, blank = [], []
    for key, label in DETAIL_COLUMNS:
        if any(getattr(i, key) is not None for i in indicators):
            shown.append((key, label))
        else:
            blank.append(label)
    return shown, blank
