"""A form copied one cell a line, rebuilt into rows (逐格表格重建).

The copy keeps the cells in order but not the row breaks. A run of known column headings opens
the money block or the indicator table; a row starts at a label (a money row's name, a 一级 or
二级 indicator word, else a 三级 name) and holds as many cells as the columns from there to the
right edge. Where each empty cell is kept (a line of its own, or a trailing ``|``), that count
is exact. Where the copy dropped the empty cells, a row that comes out short cannot say which
of its cells are missing: its labels are kept and its figures left out, with a warning — a
missing value is acceptable, a value in the wrong column is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gongkai.commands.importing.grid import Block, Table
from gongkai.commands.importing.levels import (
    COLUMN_HEADINGS,
    GOAL_ACTUAL,
    GOAL_EXPECTED,
    GOAL_ROWS,
    ends_indicators,
    is_level2,
    is_total,
    label_of,
    level_of,
    tail_key,
)
from gongkai.commands.importing.parse import squeeze

INDICATOR_HEADS = (
    "一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "指标值", "度量单位",
    "实际完成值", "完成值", "全年实际值", "分值", "权重", "得分", "偏差原因分析及改进措施",
    "未完成原因分析", "未完成原因及拟采取的改进措施", "指标值及单位", "绩效标准", "指标方向性",
    "指标解释", "指标内容", "指标名称", "年初目标值", "目标值",
)  # fmt: skip
# The project columns of a list of projects (项目清单式目标表), before its indicator columns.
LIST_HEADS = ("单位名称", "项目名称", "预算数", "年度目标")
MONEY_HEADS = (
    "预算数", "执行数", "年初预算数", "年初预算", "全年预算数", "调整后预算数", "全年执行数", "预算执行数", "分值",
    "权重", "执行率", "预算执行率", "得分", "原因",
)  # fmt: skip
HEADER_LABELS = (
    "部门", "项目名称", "项目代码", "主管部门", "实施单位", "单位名称", "部门名称", "预算单位",
    "预算部门", "项目支出名称", "业务主管部门", "项目主管部门", "主管部门及编码",
    "主管部门及代码", "项目执行单位", "项目实施单位", "转移支付(项目)名称", "地方主管部门",
    "资金使用单位",
)  # fmt: skip
_VALUE = re.compile(r"^$|^[-—/／]+$|^[≥≤<>=＝]?\s*-?[\d,，.]+\s*(%|％|万元|元)?$")
_FUND_WORDS = ("资金", "总额", "合计", "拨款", "结转", "其中", "收入", "支出", "预算")


@dataclass
class Rebuilt:
    """The rows a stream gave, the cells it could not place, and what the clerk must check."""

    tables: list[Table] = field(default_factory=list)
    leftover: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def rows_from_lines(blocks: list[Block]) -> Rebuilt:
    """Rows rebuilt from the lines of a copy that gave no table (one cell a line, empty cells
    dropped), and from the streams of cells a text reader found."""
    rebuilt = Rebuilt()
    loose = [b.strip() for b in blocks if isinstance(b, str)]
    streams = [b for b in blocks if isinstance(b, Table) and b.stream]
    if loose and not streams:
        _rebuild(loose, True, rebuilt)
    for stream in streams:
        _rebuild([row[0] if row else "" for row in stream.rows], stream.blanks_lost, rebuilt)
    return rebuilt


def _head(cell: str) -> str:
    """A column heading without its formula letters or its term: 全年预算数(A) → 全年预算数,
    二级指标(年度) → 二级指标."""
    return re.sub(r"[（(](?:[A-Z/÷×\d%]+|长期|年度|中期)[)）]$", "", squeeze(cell))


def _is_level_heading(head: str) -> bool:
    return _head(head) in ("一级指标", "二级指标")


def _run(cells: list[str], start: int, words: tuple[str, ...]) -> list[str]:
    run = []
    for cell in cells[start:]:
        if _head(cell) not in words:
            break
        run.append(cell)
    return run


def _is_value(cell: str) -> bool:
    return bool(_VALUE.match(squeeze(cell)))


def _rebuild(cells: list[str], blanks_lost: bool, out: Rebuilt) -> None:
    index = 0
    while index < len(cells):
        cell = cells[index]
        listed = _run(cells, index, LIST_HEADS + INDICATOR_HEADS)
        if sum(1 for c in listed if squeeze(c) in LIST_HEADS) >= 2 and len(listed) >= 6:
            index = _list_rows(cells, index + len(listed), listed, out)
            continue
        money = _run(cells, index, MONEY_HEADS)
        indicators = _run(cells, index, INDICATOR_HEADS)
        if len(money) >= 3 and len(money) >= len(indicators):
            index = _money(cells, index + len(money), money, blanks_lost, out)
            continue
        if len(indicators) >= 3 and any(
            not _is_level_heading(h) and "三级" not in h for h in indicators
        ):
            heads = _divided(indicators)
            index = _indicators(cells, index + len(indicators), heads, blanks_lost, out)
            continue
        label = label_of(cell)
        if index + 1 < len(cells) and label_of(cell + cells[index + 1]) in HEADER_LABELS:
            # A label broken over two cells of a copy ("主管部门" "及编码").
            label = label_of(cell + cells[index + 1])
            cells = [*cells[:index], cell + cells[index + 1], *cells[index + 2 :]]
        if label in HEADER_LABELS and index + 1 < len(cells):
            value = cells[index + 1]
            if label_of(value) not in HEADER_LABELS and label_of(value) not in COLUMN_HEADINGS:
                out.tables.append(Table([[label, value]]))
                index += 2
                continue
        if label in GOAL_EXPECTED:
            index = _goals(cells, index, out)
            continue
        if label in GOAL_ROWS and index + 1 < len(cells):
            out.tables.append(Table([[cell, cells[index + 1]]]))
            index += 2
            continue
        key = tail_key(cell)
        if key is not None and index + 1 < len(cells):
            out.tables.append(Table([[cell, cells[index + 1]]]))
            index += 2
            continue
        if cell:
            out.leftover.append(cell)
        index += 1


_DIVIDED = ("指标性质", "指标值", "度量单位")


def _divided(heads: list[str]) -> list[str]:
    """Headings copied from two rows: a group heading (年度指标值) followed, after the first
    row's other headings, by the sub-headings it divides into; the sub-headings take its place.

    >>> _divided(["一级指标", "年度指标值", "分值", "指标性质", "指标值", "度量单位"])
    ['一级指标', '指标性质', '指标值', '度量单位', '分值']
    """
    flat = [squeeze(h) for h in heads]
    if "年度指标值" not in flat:
        return heads
    group = flat.index("年度指标值")
    tail = [i for i in range(group + 1, len(flat)) if flat[i] in _DIVIDED]
    if len(tail) < 2 or tail != list(range(len(flat) - len(tail), len(flat))):
        return heads
    sub = [heads[i] for i in tail]
    rest = heads[: len(heads) - len(tail)]
    return rest[:group] + sub + rest[group + 1 :]


def _list_rows(cells: list[str], index: int, heads: list[str], out: Rebuilt) -> int:
    """A list of projects one cell a line: each row ends with the indicator cells from its 一级
    word on; the cells before that word are the project's own, right-aligned under the project
    columns (a continuing row has none: they were merged from above)."""
    table = Table([heads])
    first = next(i for i, h in enumerate(heads) if squeeze(h) == "一级指标")
    tail = len(heads) - first
    while index < len(cells):
        level = next((i for i in range(index, len(cells)) if level_of(cells, i) == 0), None)
        if level is None:
            break
        prefix = cells[index:level]
        if len(prefix) > first:
            out.leftover.extend(c for c in prefix[: len(prefix) - first] if c)
            prefix = prefix[len(prefix) - first :]
        row = [""] * (first - len(prefix)) + prefix + cells[level : level + tail]
        table.rows.append(row + [""] * (len(heads) - len(row)))
        index = level + tail
    out.tables.append(table)
    return index


def _goals(cells: list[str], index: int, out: Rebuilt) -> int:
    index += 1
    has_actual = index < len(cells) and label_of(cells[index]) in GOAL_ACTUAL
    table = Table([["预期目标", "实际完成情况"] if has_actual else ["预期目标"]])
    index += 1 if has_actual else 0
    width = 2 if has_actual else 1
    while index + width <= len(cells):
        chunk = cells[index : index + width]
        if any(_ends_goals(c) for c in chunk):
            break
        table.rows.append(chunk)
        index += width
    out.tables.append(table)
    return index


def _ends_goals(cell: str) -> bool:
    flat = squeeze(cell)
    return (
        bool(re.match(r"^\d+[.、．]\D", flat))
        or flat in MONEY_HEADS
        or flat in INDICATOR_HEADS
        or bool(re.search(r"(情况|指标)[（(]\d+分[)）]$", flat))
        or label_of(cell) in HEADER_LABELS
    )


def _money(cells: list[str], index: int, heads: list[str], blanks_lost: bool, out: Rebuilt) -> int:
    """Money rows: a label, then at most one cell a column; a long note fills 原因. Where the
    copy dropped the empty cells, a row with fewer figures than figure columns cannot say which
    column each stands in: its figures are left out, with a warning."""
    table = Table([["", *heads]])
    reason_at = next((i for i, h in enumerate(heads) if "原因" in h), None)
    figure_columns = len(heads) - (1 if reason_at is not None else 0)
    while index < len(cells):
        label = cells[index]
        flat = squeeze(label)
        if (
            _is_value(label)
            or len(flat) > 30
            or not any(word in flat for word in _FUND_WORDS)
            or _run(cells, index, INDICATOR_HEADS)
        ):
            break
        values: list[str] = []
        note = ""
        index += 1
        while index < len(cells) and len(values) < len(heads):
            cell = cells[index]
            if reason_at is not None and len(squeeze(cell)) > 20 and not note:
                note = cell  # a long text in a money row is its 原因, wherever it stands
                index += 1
                continue
            if not _is_value(cell):
                break
            values.append(cell)
            index += 1
        if blanks_lost and len(values) < figure_columns and values:
            out.warnings.append(
                f"资金情况“{label}”一行的空白格在复制时丢失，无法确定各数所在的列，未导入，请按原件填写"
            )
            values = []
        row = [label, *values]
        if note:
            row = [label, *(values + [""] * len(heads))[:reason_at], note]
        table.rows.append(row)
    out.tables.append(table)
    return index


_WHOLE_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def _figure_columns(heads: list[str]) -> list[int]:
    return [i for i, h in enumerate(heads) if squeeze(h) in ("分值", "权重", "得分")]


def _block(cells: list[str], at: int, start: int, heads: list[str], levels: int) -> int | None:
    """Where the cells of a row up to its last figure column end, when they fit the columns
    from ``start`` exactly: every figure column holds a number and no level word stands where
    a value belongs. None where they do not fit."""
    figures = _figure_columns(heads)
    if not figures:
        return None
    last = max(figures)
    end = at + last - start + 1
    if end > len(cells):
        return None
    block = cells[at:end]
    name_at = next((i for i, h in enumerate(heads) if not _is_level_heading(h)), 0)
    if start == 0 and name_at >= 2 and not is_level2(block[1]):
        return None  # a new 一级 starts a new 二级 too: the next cell must be one
    if name_at >= start and _WHOLE_NUMBER.match(squeeze(block[name_at - start])):
        return None  # a number where the indicator's name belongs
    for offset, cell in enumerate(block):
        column = start + offset
        if column in figures and not _WHOLE_NUMBER.match(squeeze(cell)):
            return None
        if offset and (
            ends_indicators(cell)
            or (not _is_level_heading(heads[column]) and level_of(cells, at + offset) < 2)
        ):
            return None
    return end


def _starts_row(cells: list[str], at: int, heads: list[str], levels: int) -> bool:
    if at >= len(cells):
        return True
    cell = cells[at]
    if (
        ends_indicators(cell)
        or level_of(cells, at) < 2
        or re.match(r"^[一二三四五六七八九十]+、", squeeze(cell))
    ):
        return True
    return _block(cells, at, levels, heads, levels) is not None


def _without_blanks(
    cells: list[str], at: int, start: int, heads: list[str], levels: int
) -> tuple[list[str], int] | str | None:
    """A row of a copy that dropped its empty cells, placed only where that is certain: its
    cells up to the last figure column fit exactly, and of the text columns after it (原因),
    just one count of cells lets the next row start where a row can start. "ambiguous" where
    more than one count does; None where the row itself does not fit."""
    end = _block(cells, at, start, heads, levels)
    if end is None:
        return None
    trailing = len(heads) - 1 - max(_figure_columns(heads))
    fits = [
        k
        for k in range(trailing + 1)
        if end + k <= len(cells)
        and not any(
            ends_indicators(c) or level_of(cells, end + i) < 2
            for i, c in enumerate(cells[end : end + k])
        )
        and _starts_row(cells, end + k, heads, levels)
    ]
    if len(fits) != 1:
        return "ambiguous" if fits else None
    taken = cells[at : end + fits[0]]
    row = [""] * start + taken
    return row + [""] * (len(heads) - len(row)), end + fits[0]


def _indicators(
    cells: list[str], index: int, heads: list[str], blanks_lost: bool, out: Rebuilt
) -> int:
    table = Table([heads])
    width = len(heads)
    levels = []  # the level columns a row starts with
    for i, head in enumerate(heads):
        if i == len(levels) and _is_level_heading(head):
            levels.append(i)
    weight_at = next((i for i, h in enumerate(heads) if squeeze(h) in ("分值", "权重")), None)
    score_at = next((i for i, h in enumerate(heads) if squeeze(h) == "得分"), None)
    while index < len(cells):
        cell = cells[index]
        if ends_indicators(cell) or re.match(r"^[一二三四五六七八九十]+、", squeeze(cell)):
            break
        if not cell and not blanks_lost:
            index += 1  # an empty cell between rows: nothing to place
            continue
        level = min(level_of(cells, index), len(levels))
        start = level
        if blanks_lost:
            placed = _without_blanks(cells, index, start, heads, len(levels))
            if placed == "ambiguous":
                out.warnings.append(
                    f"从“{cell}”起的指标行，复制时丢失了空白格，行与行的分界无法确定，未导入；"
                    "请按原件填写"
                )
                out.leftover.extend(c for c in cells[index:] if c)
                index = len(cells)
                break
            if placed is not None:
                row, index = placed
                table.rows.append(row)
                continue
        taken: list[str] = []
        at = index
        while at < len(cells) and len(taken) < width - start:
            candidate = cells[at]
            if taken and (
                ends_indicators(candidate)
                or (
                    level_of(cells, at) < 2
                    and not _is_level_heading(heads[min(start + len(taken), width - 1)])
                )
                or (level_of(cells, at) == 0 and start + len(taken) > 0)
            ):
                break
            taken.append(candidate)
            at += 1
        row = [""] * start + taken + [""] * (width - start - len(taken))
        figures = [i for i in (weight_at, score_at) if i is not None]
        doubt = len(taken) < width - start and blanks_lost
        if not doubt and any(row[i] and not _is_value(row[i]) for i in figures):
            doubt = True
        if doubt and blanks_lost:
            # Even the name's column is in doubt: nothing of the row is placed.
            out.warnings.append(
                f"从“{taken[0]}”起的一行，空白格在复制时丢失，各格所在的列无法确定，未导入，"
                "请按原件填写"
            )
            out.leftover.extend(c for c in taken if c)
            index = at
            continue
        if doubt:
            name = row[2] if len(row) > 2 and len(levels) >= 2 else row[0]
            out.warnings.append(
                f"指标“{name or taken[0]}”一行的值放不进它的列，数值未导入，请按原件填写"
            )
            row = row[: max(len(levels), 0) + 1] + [""] * (width - len(levels) - 1)
        table.rows.append(row)
        index = at
    if index < len(cells) and is_total(cells[index]):
        total = [cells[index]]
        index += 1
        while index < len(cells) and _is_value(cells[index]) and len(total) < 4:
            total.append(cells[index])
            index += 1
        figures = [v for v in total[1:]]
        row = [total[0]] + [""] * (width - 1)
        for at, value in zip((weight_at, score_at), figures, strict=False):
            if at is not None:
                row[at] = value
        table.rows.append(row)
    out.tables.append(table)
    return index
