"""A form copied from a web page with one cell a line, rebuilt into rows (逐行表格重建).

A run of known column headings opens a table; a row is cut where a new label starts (a 一级 or
二级 indicator, a money row's name). Best effort, and said so: the import reports these tables
as "请逐格核对"; the rows then go through the same reading as Word's tables
(:mod:`gongkai.commands.importing.forms`).
"""

from __future__ import annotations

import re

from gongkai.commands.importing.forms import HEADER_FIELDS, cell_key
from gongkai.commands.importing.parse import squeeze
from gongkai.commands.importing.sources import Block, Table

_INDICATOR_HEADS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "年度指标值",
    "指标值",
    "度量单位",
    "实际完成值",
    "完成值",
    "分值",
    "权重",
    "得分",
    "偏差原因分析及改进措施",
    "未完成原因分析",
)
_MONEY_HEADS = (
    "年初预算数",
    "年初预算",
    "全年预算数",
    "调整后预算数",
    "全年执行数",
    "预算执行数",
    "分值",
    "权重",
    "执行率",
    "预算执行率",
    "得分",
    "原因",
)
_LEVEL1 = re.compile(r"^(产出|效益|满意度|完成|效果)指标")
_LEVEL2 = re.compile(r"^.{1,8}指标$")
_VALUE = re.compile(r"^[-—/／]?$|^[≥≤<>=＝]?\s*-?[\d,，.]+\s*(%|％|万元|元)?$")


def rows_from_lines(blocks: list[Block]) -> list[Table]:
    """Tables rebuilt from a web copy that gives one cell a line: a run of known column
    headings opens a table, and rows are cut where a new label starts. Best effort: the
    import reports these rows as inferred."""
    lines = [b.strip() for b in blocks if isinstance(b, str)]
    tables: list[Table] = []
    index = 0
    while index < len(lines):
        heads = _run(lines, index, _MONEY_HEADS)
        if len(heads) >= 3:
            table, index = _money_lines(lines, index + len(heads), heads)
            tables.append(table)
            continue
        heads = _run(lines, index, _INDICATOR_HEADS)
        if len(heads) >= 3:
            table, index = _indicator_lines(lines, index + len(heads), heads)
            tables.append(table)
            continue
        label = squeeze(lines[index]).rstrip(":：")
        if label in HEADER_FIELDS and index + 1 < len(lines):
            tables.append(Table([[lines[index], lines[index + 1]]]))
            index += 2
            continue
        if label in ("预期目标",) and index + 1 < len(lines):
            has_actual = squeeze(lines[index + 1]) in ("实际完成情况", "实际完成")
            table = Table([["预期目标", "实际完成情况"] if has_actual else ["预期目标"]])
            index += 2 if has_actual else 1
            while index < len(lines) and not _run(lines, index, _INDICATOR_HEADS):
                width = 2 if has_actual else 1
                table.rows.append(lines[index : index + width])
                index += width
            tables.append(table)
            continue
        index += 1
    return tables


def _run(lines: list[str], start: int, words: tuple[str, ...]) -> list[str]:
    run = []
    for line in lines[start:]:
        if squeeze(line) not in words:
            break
        run.append(line)
    return run


def _money_lines(lines: list[str], index: int, heads: list[str]) -> tuple[Table, int]:
    table = Table([["", *heads]])
    while index < len(lines) and not _VALUE.match(squeeze(lines[index])):
        label = lines[index]
        if len(label) > 20 or _run(lines, index, _INDICATOR_HEADS) or "目标" in label:
            break
        values = []
        index += 1
        while (
            index < len(lines) and _VALUE.match(squeeze(lines[index])) and len(values) < len(heads)
        ):
            values.append(lines[index])
            index += 1
        table.rows.append([label, *values])
    return table, index


def _indicator_lines(lines: list[str], index: int, heads: list[str]) -> tuple[Table, int]:
    table = Table([heads])
    row: list[str] = []
    width = len(heads)
    has_level1 = any("一级" in h for h in heads)

    def close() -> None:
        if row:
            table.rows.append(row + [""] * (width - len(row)))

    while index < len(lines):
        line = lines[index]
        flat = squeeze(line)
        if (
            flat.startswith(("总分", "合计"))
            or len(line) > 80
            or re.match(r"^[一二三四五六七八九十]+、", flat)
        ):
            break
        if has_level1 and _LEVEL1.match(flat):
            close()
            row = [line]
        elif _LEVEL2.match(flat) and not (has_level1 and _LEVEL1.match(flat)):
            if has_level1 and len(row) == 1:  # the 二级 right after its 一级
                row.append(line)
            else:
                close()
                row = ["", line] if has_level1 else [line]
        else:
            if len(row) >= width:
                close()
                row = ["", ""] if has_level1 else [""]
            row.append(line)
        index += 1
    close()
    total = []
    if index < len(lines) and squeeze(lines[index]).startswith(("总分", "合计")):
        total = [lines[index]]
        index += 1
        while index < len(lines) and _VALUE.match(squeeze(lines[index])) and len(total) < 3:
            total.append(lines[index])
            index += 1
    if total:
        # 总分 | 分值 | 得分: put the figures under their columns.
        cells = [total[0]] + [""] * (width - 1)
        for key, value in zip(("weight", "score"), total[1:], strict=False):
            at = next(
                (
                    i
                    for i, h in enumerate(heads)
                    if cell_key(h, [(key, ("分值", "权重") if key == "weight" else ("得分",))])
                ),
                None,
            )
            if at is not None:
                cells[at] = value
        table.rows.append(cells)
    return table, index
