"""A list of projects in one table (项目清单式目标表): Sichuan's 部门预算项目绩效目标申报表 lists
every project of a unit — 单位名称 | 项目名称 | 预算数 | 年度目标 | 一级 | 二级 | 三级 | 指标性质 |
指标值 | 度量单位 | 权重 — with each project's name, budget and goal merged down over its
indicator rows. Each project becomes a form of its own.

In a grid that kept its merges, a row's project is the last one named above it. In a copy that
dropped the merged cells, each row is anchored at its 一级 word: the cells before it are, from
right to left, 年度目标, 预算数, 项目名称 and 单位名称.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gongkai.commands.importing.forms import FormParts, _indicator, amount, exact_amount
from gongkai.commands.importing.grid import Table
from gongkai.commands.importing.levels import flat, is_level1
from gongkai.commands.importing.parse import indicator_columns

_PROJECT_COLUMNS = (
    ("unit", ("单位名称", "预算单位")),
    ("name", ("项目名称",)),
    ("budget", ("预算数", "预算金额", "年度预算")),
    ("goal", ("年度目标", "绩效目标")),
)


def _header(cells: list[str]) -> tuple[dict[str, int], dict[str, int]] | None:
    heads = [flat(c) for c in cells]
    projects: dict[str, int] = {}
    for key, words in _PROJECT_COLUMNS:
        for index, head in enumerate(heads):
            if head in words and key not in projects:
                projects[key] = index
    indicators = indicator_columns(cells)
    if "name" not in projects or "level1" not in indicators:
        return None
    if projects["name"] > indicators["level1"]:
        return None
    return projects, indicators


def read_list(tables: list[Table], scale: Decimal) -> list[FormParts] | None:
    """One form per project of a list table; None where no table is such a list."""
    for table in tables:
        for at, row in enumerate(table.rows):
            found = _header(row)
            if found is not None:
                return _projects(table, at, found, scale)
    return None


def _projects(
    table: Table, at: int, columns: tuple[dict[str, int], dict[str, int]], scale: Decimal
) -> list[FormParts]:
    projects, indicators = columns
    width = len(table.rows[at])
    first_level = indicators["level1"]
    forms: list[FormParts] = []
    current: dict[str, str] = {}
    skipped: list[str] = []
    for raw in table.rows[at + 1 :]:
        cells = [c.strip() for c in raw]
        if not any(cells):
            continue
        if table.certain:
            row = cells + [""] * (width - len(cells))
        else:
            level_at = next((i for i, c in enumerate(cells) if is_level1(c)), None)
            if level_at is None:
                skipped.append(" | ".join(c for c in cells if c))
                continue
            shift = first_level - level_at
            row = [""] * max(shift, 0) + cells[max(-shift, 0) :]
            row = (row + [""] * width)[:width]
        if not row[first_level]:
            skipped.append(" | ".join(c for c in row if c))  # a unit's total, not a project
            continue
        named = {key: row[index] for key, index in projects.items() if row[index]}
        if "name" in named and named["name"] != current.get("name"):
            current = {**{k: v for k, v in current.items() if k == "unit"}, **named}
            forms.append(_start(current, scale))
        elif "unit" in named:
            current["unit"] = named["unit"]
        if not forms:
            skipped.append(" | ".join(c for c in row if c))
            continue
        indicator, _, _ = _indicator(row, indicators, None, None)
        if indicator:
            forms[-1].indicators.append(indicator)
    if forms and skipped:
        forms[0].notes.extend(f"表中未归入项目的一行：{text}" for text in skipped)
    return forms


def _start(project: dict[str, str], scale: Decimal) -> FormParts:
    parts = FormParts()
    parts.header["name"] = project["name"]
    if project.get("unit"):
        parts.header["unit"] = project["unit"]
    budget = amount(project.get("budget", ""), scale)
    if budget is not None:
        row: dict[str, Any] = {"label": "预算数", "initial": exact_amount(budget)}
        parts.funds.append(row)
    if project.get("goal"):
        parts.goals.append({"expected": project["goal"], "actual": ""})
    return parts
