"""Reading a form (项目支出绩效自评表, 绩效目标表, 部门整体支出绩效评价表) out of its tables.

Columns are found by their header words, never by position, so the national layout
(财预〔2020〕10号: 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分) and Sichuan's
(年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 | 权重 | 得分 | 原因) read alike, merged cells
repeated (Word) or left empty (text) alike. A form copied from a web page with one cell a line
is first rebuilt into rows (:mod:`gongkai.commands.importing.lines`). Every figure is kept as the form states
it, totals included; the budget line for the trend is derived from them and says how.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from gongkai.commands.importing.grid import Table
from gongkai.commands.importing.levels import (
    COLUMN_HEADINGS,
    GOAL_ACTUAL,
    GOAL_EXPECTED,
    GOAL_ROWS,
    ends_indicators,
    is_total,
    label_of,
    level_of,
    tail_key,
)
from gongkai.commands.importing.parse import (
    Imported,
    as_number,
    indicator_columns,
    squeeze,
    whole,
)
from gongkai.model.money import YUAN_PER_WAN
from gongkai.model.report import DocumentKind, is_total_label

# Money block columns, by header words; the first word found decides (执行率 before 执行数).
_MONEY = [
    ("rate", ("执行率",)),
    ("executed", ("全年执行", "执行数")),
    ("initial", ("年初预算",)),
    ("adjusted", ("全年预算", "调整后预算", "调整预算", "预算数(A)")),
    ("weight", ("分值", "权重")),
    ("score", ("得分",)),
    ("reason", ("原因",)),
]
_LEVEL_WORDS = ("一级指标", "二级指标", "三级指标")
HEADER_FIELDS = {
    "项目名称": "name",
    "项目支出名称": "name",
    "转移支付(项目)名称": "name",
    "地方主管部门": "supervisor",
    "资金使用单位": "implementer",
    "项目主管部门": "supervisor",
    "主管部门及编码": "supervisor",
    "主管部门及代码": "supervisor",
    "项目执行单位": "implementer",
    "项目实施单位": "implementer",
    "部门": "unit",
    "项目代码": "project_code",
    "主管部门": "supervisor",
    "业务主管部门": "supervisor",
    "实施单位": "implementer",
    "单位名称": "unit",
    "部门名称": "unit",
    "预算单位": "unit",
    "预算部门": "unit",
}
_NATURES = {
    "正向": "≥",
    "反向": "≤",
    "大于等于": "≥",
    "小于等于": "≤",
    "等于": "=",
    # Look-alikes that forms use for the same signs.
    "≧": "≥",
    "≦": "≤",
    "═": "=",
    "＝": "=",
    "=": "=",
}
_EMPTY = {"", "—", "-", "–", "/", "／", "无", "——"}
_PLACEHOLDERS = {"……", "…", "...", "......", "——", "—", "-", "/"}


def _placeholder(name: Any) -> bool:
    """A template's name for a row left to fill: "……", "指标2", "指标3："."""
    return isinstance(name, str) and (
        name in _PLACEHOLDERS or bool(re.fullmatch(r"指标\s*\d+\s*[:：]?", name))
    )


_CODE = re.compile(
    r"^\s*([0-9A-Za-z]{2,})\s*[-－—–_]\s*(\S.*)$|^\s*[\[［【]([0-9A-Za-z]{2,})[\]］】]\s*(\S.*)$"
)


def split_code(text: str) -> tuple[str | None, str]:
    """A code written before a name, split off: ("219", "池州市贵池区棠溪镇人民政府").

    >>> split_code("51000021R000000019951-工资性支出"), split_code("保安费用")
    (('51000021R000000019951', '工资性支出'), (None, '保安费用'))
    >>> split_code("[015001]武汉市青山区教育局")
    ('015001', '武汉市青山区教育局')
    """
    match = _CODE.match(text)
    if not match:
        return None, text.strip()
    code, name = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
    return code, name.strip()


def amount(text: str, scale: Decimal) -> Decimal | None:
    """A form's figure in 元, exact: "89.974" 万元 → 899740. Empty and dash cells are None.

    >>> amount("89.974", Decimal(10000)), amount("1,200.5", Decimal(1)), amount("—", Decimal(1))
    (Decimal('899740.000'), Decimal('1200.5'), None)
    """
    cleaned = re.sub(r"[,，\s]", "", text).removesuffix("万元").removesuffix("元")
    if cleaned in _EMPTY:
        return None
    try:
        return Decimal(cleaned) * scale
    except InvalidOperation:
        return None


def exact_amount(value: Decimal) -> int | Decimal:
    """A scaled amount without the zeros scaling left (89.974 × 10000 = 899740.000 → 899740)."""
    return whole(value.normalize())


def cell_key(cell: str, table: list[tuple[str, tuple[str, ...]]]) -> str | None:
    flat = squeeze(cell)
    for key, words in table:
        if any(word in flat for word in words):
            return key
    return None


@dataclass
class FormParts:
    """What the tables of one form hold, before it becomes a report."""

    header: dict[str, str] = field(default_factory=dict)
    money_columns: dict[str, int] = field(default_factory=dict)
    money_group: set[str] = field(default_factory=set)
    funds: list[dict[str, Any]] = field(default_factory=list)
    goals: list[dict[str, str]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    indicator_columns: dict[str, int] = field(default_factory=dict)
    indicator_width: int = 0
    total_weight: Any = None
    total_score: Any = None
    evaluation: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    doubts: list[str] = field(default_factory=list)


def _distinct(row: list[str]) -> list[str]:
    """A row's cells with Word's repeats of a merged cell removed (for labels, not figures)."""
    out: list[str] = []
    for cell in row:
        if cell and (not out or out[-1] != cell):
            out.append(cell)
    return out


_PREFIX = "（表前内容）"


def split_forms(tables: list[Table]) -> list[list[Table]]:
    """The forms of a document that holds several, one list of tables each: a form starts at
    its 项目名称 row, or at the title row just above it.

    >>> len(split_forms([Table([["项目名称", "甲"], ["一级指标", "二级指标"], ["项目名称", "乙"]])]))
    2
    """
    starts: list[tuple[int, int]] = []
    for t, table in enumerate(tables):
        for r, row in enumerate(table.rows):
            distinct = _distinct([c.strip() for c in row])
            if (
                len(distinct) > 1
                and HEADER_FIELDS.get(label_of(distinct[0])) == "name"
                and label_of(distinct[1]) not in COLUMN_HEADINGS
            ):
                start = r
                while start > max(r - 3, 0):  # its title rows above it: "…自评表", "(2022年度)"
                    before = _distinct(table.rows[start - 1])
                    if not (
                        len(before) == 1
                        and len(before[0]) <= 60
                        and ("表" in before[0] or re.search(r"\d{4}\s*年", before[0]))
                    ):
                        break
                    start -= 1
                starts.append((t, start))
    if not starts:
        return [tables]
    forms: list[list[Table]] = []
    bounds = [*starts[1:], (len(tables), 0)]
    begin = starts[0]
    before = [
        row
        for t, table in enumerate(tables[: starts[0][0] + 1])
        for row in (table.rows[: starts[0][1]] if t == starts[0][0] else table.rows)
    ]
    if before:
        # What stands above the first form (a list of the forms that follow, a note) is kept
        # as a table of its own, read as notes, never as the form's header.
        forms_prefix = Table(before, certain=False)
        forms_prefix.rows.insert(0, [_PREFIX])
    for end in bounds:
        part: list[Table] = []
        for t in range(begin[0], min(end[0], len(tables) - 1) + 1):
            table = tables[t]
            first = begin[1] if t == begin[0] else 0
            last = end[1] if t == end[0] else len(table.rows)
            if first < last:
                part.append(Table(table.rows[first:last], table.certain, table.stream))
        forms.append(part)
        begin = end
    if before:
        forms[0].insert(0, forms_prefix)
    return forms


def read_tables(tables: list[Table], scale: Decimal) -> FormParts:
    """Walk every row of the form's tables in order: header fields, the money block, the
    overall goals, the indicators, the total and the evaluation rows after it, each found by
    its header words. A row of a copy that lost its columns is first put back in them."""
    parts = FormParts()
    state = "header"
    level1 = level2 = None
    goal_columns: tuple[int, int | None] | None = None
    header_row: list[str] = []
    for table in tables:
        if table.rows and table.rows[0] == [_PREFIX]:
            parts.notes.extend(" | ".join(c for c in _distinct(row) if c) for row in table.rows[1:])
            continue
        for raw in table.rows:
            cells = [c.strip() for c in raw]
            distinct = _distinct(cells)
            if not distinct:
                continue
            keys = {k: i for i, c in reversed(list(enumerate(cells))) if (k := cell_key(c, _MONEY))}
            levels = sum(any(w in squeeze(c) for c in cells) for w in _LEVEL_WORDS)
            if levels >= 2:  # the indicator header
                parts.indicator_columns = indicator_columns(cells)
                parts.indicator_width = len(cells)
                header_row = cells
                state = "indicators"
                continue
            if header_row and state == "indicators" and _subheader(distinct):
                # A second heading row (指标性质 | 指标值 | 度量单位 under 年度指标值).
                header_row = _with_subheader(header_row, cells, table.certain)
                parts.indicator_columns = indicator_columns(header_row)
                parts.indicator_width = len(header_row)
                header_row = []
                continue
            header_row = []
            if len(keys) >= 3 and {"initial", "executed"} & set(keys) and state != "indicators":
                parts.money_columns = keys
                # The block's own name (项目资金（万元）), repeated down a merged column.
                parts.money_group = {c for c in cells[: min(keys.values())] if c}
                state = "money"
                continue
            labels = [label_of(c) for c in distinct]
            if any(label in GOAL_EXPECTED for label in labels) and (
                any(label in GOAL_ACTUAL for label in labels) or state != "indicators"
            ):
                expected = next(i for i, c in enumerate(cells) if label_of(c) in GOAL_EXPECTED)
                actual = next((i for i, c in enumerate(cells) if label_of(c) in GOAL_ACTUAL), None)
                goal_columns = (expected, actual)
                state = "goals"
                continue
            if labels[0] in GOAL_ROWS and len(distinct) >= 2:
                parts.goals.append({"expected": distinct[1], "actual": ""})
                continue
            if state == "indicators" and ends_indicators(distinct[0]) and not is_total(distinct[0]):
                state = "tail"  # 财政部门审核意见, 项目负责人: rows below the indicators
            tail = tail_key(distinct[0])
            if tail is not None:
                text = "\n".join(distinct[1:]).strip()
                if text:
                    parts.evaluation.setdefault(tail, text)
                state = "tail"
                continue
            if state == "tail" and not (is_total(distinct[0]) and parts.indicator_columns):
                parts.notes.extend(distinct)
                continue
            if state == "tail":
                state = "indicators"  # a 总分 row below the notes: read as the total
            if state == "header" or any(label in HEADER_FIELDS for label in labels):
                _header_fields(distinct, parts)
                if state == "header":
                    continue
            if state == "money":
                if not table.certain:
                    cells = _anchor_money(cells, parts)
                _money_row(cells, distinct, parts, scale)
            elif state == "goals" and goal_columns is not None:
                if not table.certain:
                    cells = [c for c in cells if c] or cells
                    expected_at, actual_at = 0, (1 if goal_columns[1] is not None else None)
                else:
                    expected_at, actual_at = goal_columns
                expected = cells[expected_at] if expected_at < len(cells) else ""
                actual = (
                    cells[actual_at] if actual_at is not None and actual_at < len(cells) else ""
                )
                if re.match(r"^\d+[.、．]\D", squeeze(expected)) and len(squeeze(expected)) <= 20:
                    state = "after-goals"  # "2.项目实施内容及过程概述" and its text
                    parts.notes.extend(distinct)
                    continue
                if expected or actual:
                    parts.goals.append({"expected": expected, "actual": actual})
            elif state == "indicators":
                first = squeeze(distinct[0])
                if is_total(first):
                    if not table.certain:
                        cells = _anchor_total(cells, parts)
                    columns = parts.indicator_columns
                    for key, target in (("weight", "total_weight"), ("score", "total_score")):
                        at = columns.get(key)
                        value = as_number(cells[at]) if at is not None and at < len(cells) else ""
                        if isinstance(value, int | Decimal):
                            setattr(parts, target, value)
                        elif value and not is_total(str(value)):
                            parts.doubts.append(f"{distinct[0]}一行的{key}“{value}”不是数字")
                    continue
                if not table.certain:
                    anchored = _anchor_indicator(cells, parts)
                    if anchored is None:
                        parts.doubts.append(" | ".join(distinct)[:40])
                        continue
                    cells = anchored
                indicator, level1, level2 = _indicator(
                    cells, parts.indicator_columns, level1, level2
                )
                if indicator:
                    parts.indicators.append(indicator)
            elif state == "after-goals":
                parts.notes.extend(distinct)
    return parts


def _subheader(distinct: list[str]) -> bool:
    """A row of column headings only, none of them a level: the second row of a heading."""
    keys = indicator_columns(distinct)
    return bool(distinct) and len(keys) == len(distinct) and not {"level1", "level2"} & set(keys)


def _with_subheader(header: list[str], sub: list[str], certain: bool) -> list[str]:
    """The heading with its second row read in: in a grid, a sub-heading stands under the cell
    it divides; in a copy that lost the merges, the divided cell (年度指标值) is replaced by
    the sub-headings in their order."""
    if certain:
        return [
            below or above for above, below in zip(header, sub + [""] * len(header), strict=False)
        ]
    words = [c for c in sub if c]
    at = next((i for i, c in enumerate(header) if "指标值" in squeeze(c)), None)
    if at is None:
        return header
    return header[:at] + words + header[at + 1 :]


def _anchor_indicator(cells: list[str], parts: FormParts) -> list[str] | None:
    """An indicator row of a copy that dropped the cells merged from above, put back in its
    columns: its first cell's level (一级, 二级 or 三级) says where it starts. None where the
    row has more cells than the columns to its right: its columns cannot be known."""
    columns = parts.indicator_columns
    width = parts.indicator_width
    present = [c for c in cells]
    while present and not present[0]:
        present.pop(0)
    while present and not present[-1]:
        present.pop()
    if not present:
        return None
    level = level_of(present, 0)
    keys = ("level1", "level2", "name")
    start = next((columns[k] for k in keys[level:] if k in columns), None)
    if start is None:
        return None
    if level == 0 and "level1" not in columns:
        return None
    if start + len(present) > width:
        return None
    row = [""] * start + present + [""] * (width - start - len(present))
    for key in ("weight", "score"):
        at = columns.get(key)
        if at is not None and row[at] and not isinstance(as_number(row[at]), int | Decimal):
            return None  # a figure column holds words: the row is not where it seems
    return row


def _anchor_money(cells: list[str], parts: FormParts) -> list[str]:
    """A money row of a copy put back in its columns: its label stands just before the first
    figure column, the figures follow in the header's order."""
    first_value = min(parts.money_columns.values())
    at = next(
        (
            i
            for i, c in enumerate(cells)
            if c and c not in parts.money_group and not _VALUE_CELL.match(squeeze(c))
        ),
        None,
    )
    if at is None:
        return cells
    shifted = [""] * (first_value - 1) + cells[at:]
    return shifted


def _anchor_total(cells: list[str], parts: FormParts) -> list[str]:
    """The 合计 row of a copy: its figures are the last ones before the reason column."""
    values = [c for c in cells[1:] if c]
    columns = parts.indicator_columns
    row = [cells[0]] + [""] * max(parts.indicator_width - 1, 0)
    for key, value in zip(("weight", "score"), values, strict=False):
        at = columns.get(key)
        if at is not None and at < len(row):
            row[at] = value
    return row


_VALUE_CELL = re.compile(r"^$|^[-—/／]+$|^[≥≤<>=＝]?-?[\d,，.]+(%|％|万元|元)?$")


def _header_fields(distinct: list[str], parts: FormParts) -> None:
    """项目名称 | 值 | 主管部门 | 值 …: each label takes the cell after it. A name Word broke
    across lines in its cell is one name again."""
    distinct = [re.sub(r"\s*\n\s*", "", cell) for cell in distinct]
    for index, cell in enumerate(distinct):
        key = HEADER_FIELDS.get(label_of(cell))
        following = label_of(distinct[index + 1]) if index + 1 < len(distinct) else ""
        if (
            key
            and following
            and following not in HEADER_FIELDS
            and following not in COLUMN_HEADINGS
        ):
            parts.header.setdefault(key, distinct[index + 1])
        elif ":" in cell or "：" in cell:
            label, _, value = re.split(r"([:：])", cell, maxsplit=1)
            key = HEADER_FIELDS.get(label_of(label))
            if key and value.strip():
                parts.header.setdefault(key, value.strip())


def _money_row(cells: list[str], distinct: list[str], parts: FormParts, scale: Decimal) -> None:
    columns = parts.money_columns
    first_value = min(columns.values())
    labels = [c for c in cells[:first_value] if c and c not in parts.money_group]
    if not labels:
        return
    label = labels[-1]
    row: dict[str, Any] = {"label": label}
    for key, index in columns.items():
        text = cells[index] if index < len(cells) else ""
        if key in ("initial", "adjusted", "executed"):
            value = amount(text, scale)
            if value is not None:
                row[key] = exact_amount(value)
        elif key in ("weight", "score"):
            if text and text not in _EMPTY:
                row[key] = as_number(text)
        elif text and text not in _EMPTY:
            row[key] = text
    if len(row) > 1 or any(w in label for w in ("总额", "其中", "资金", "合计")):
        parts.funds.append(row)


def _indicator(
    cells: list[str], columns: dict[str, int], level1: str | None, level2: str | None
) -> tuple[dict[str, Any] | None, str | None, str | None]:
    values = {k: (cells[i].strip() if i < len(cells) else "") for k, i in columns.items()}
    if not any(values.get(k) for k in ("name", "target", "actual", "level2")):
        return None, level1, level2
    level1 = values.get("level1") or level1
    level2 = values.get("level2") or level2
    indicator: dict[str, Any] = {"level1": level1, "level2": level2, "name": values.get("name")}
    for key in ("nature", "target", "unit", "actual", "weight", "score", "reason"):
        value = values.get(key)
        if value and value not in _EMPTY:
            indicator[key] = as_number(value) if key in ("weight", "score") else value
    nature = indicator.get("nature")
    if nature is not None:
        # 正向/反向 (more is better / less is better) are ≥ and ≤; 定量 says only "a number".
        nature = _NATURES.get(squeeze(nature).removesuffix("指标"), nature)
        if nature in ("=", "≥", "≤", "定性", ">=", "<=", "＝"):
            indicator["nature"] = nature
        else:
            indicator.pop("nature")
            if nature != "定量":  # kept beside the target rather than lost
                indicator["target"] = f"{nature}{indicator.get('target', '')}"
    cleaned = {k: v for k, v in indicator.items() if v not in (None, "")}
    if _placeholder(cleaned.get("name")) and set(cleaned) <= {"level1", "level2", "name"}:
        cleaned.pop("name")  # "……", "指标2": a row the form left for more indicators, empty
    if "name" not in cleaned and "target" not in cleaned:
        return None, level1, level2
    return cleaned, level1, level2


# --- the form as a report ----------------------------------------------------------------


def money_scale(texts: list[str]) -> tuple[Decimal, str]:
    """The unit the form's figures are in: 万元 unless it says 元."""
    joined = squeeze(" ".join(texts))
    if re.search(r"单位[:：]?元(?!/)|（元）|\(元\)", joined) and "万元" not in joined:
        return Decimal(1), "元"
    return YUAN_PER_WAN, "万元"


def build_form(
    parts: FormParts, kind: DocumentKind, title: str, year: int | None, result: Imported
) -> dict[str, Any]:
    """The report's data from the form's parts, with what was filled, inferred and missing."""
    data: dict[str, Any] = {"title": title, "kind": kind.value}
    header = parts.header
    form: dict[str, Any] = {}
    name_text = header.get("name") or ""
    code, name = split_code(name_text) if name_text else (None, "")
    if code:
        form["project_code"] = code
        result.inferred.append(f"项目代码 {code}（由项目名称前的编号）")
    for key in ("supervisor", "implementer"):
        if header.get(key):
            code, value = split_code(header[key])
            form[key] = value
            if code:
                form[f"{key}_code"] = code
    unit = header.get("unit")
    if unit:
        unit_code, unit_name = split_code(unit)
        form.setdefault("supervisor", unit_name)
        if unit_code:
            form.setdefault("supervisor_code", unit_code)
    if kind is DocumentKind.DEPARTMENT:
        who = form.get("supervisor") or form.get("implementer") or ""
        name = name or (f"{who}部门整体支出" if who else "")
    data["name"] = name
    if parts.funds:
        form["funds"] = parts.funds
    if parts.goals:
        form["goals"] = [{k: v for k, v in g.items() if v} for g in parts.goals if any(g.values())]
    if parts.total_weight is not None and kind is not DocumentKind.TARGETS:
        form["total_weight"] = parts.total_weight
    data["form"] = form
    if parts.indicators:
        data["performance"] = {"indicators": parts.indicators}
    budget = _budget_line(parts.funds, year, result)
    if budget:
        data["budget"] = [budget]
    evaluation: dict[str, Any] = {}
    total = next((row for row in parts.funds if is_total_label(row["label"])), None)
    if total is not None and kind is not DocumentKind.TARGETS:
        if "weight" in total and isinstance(total["weight"], int | Decimal):
            evaluation["execution_weight"] = total["weight"]
        if "score" in total and isinstance(total["score"], int | Decimal):
            evaluation["execution_score"] = total["score"]
    if parts.total_score is not None and kind is not DocumentKind.TARGETS:
        evaluation["total_score"] = parts.total_score
    for key, text in parts.evaluation.items():
        evaluation.setdefault(key, text)
    if evaluation:
        data["evaluation"] = evaluation
    if parts.notes:
        data["unplaced"] = list(dict.fromkeys(parts.notes))
    for row in parts.doubts:
        result.warnings.append(f"一行指标的列无法确定，未导入：“{row}”，请按原件填写")
    if parts.doubts:
        data["incomplete"] = True
    _account(data, kind, parts, result)
    result.mismatches.extend(arithmetic(data))
    return data


def _rate(text: str) -> Decimal | None:
    match = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*[%％]", squeeze(str(text)))
    return Decimal(match.group(1)) if match else None


def arithmetic(data: dict[str, Any]) -> list[str]:
    """The form's own arithmetic (表内勾稽), checked on what was read: 执行率 = 执行数 ÷ 全年
    预算数, a total row = the sum of the rows under it, 得分 ≤ 分值, the weights = the stated
    总分. A mismatch is the form's own error or a misread: either way the clerk looks.

    >>> arithmetic({"form": {"funds": [{"label": "总额", "adjusted": 100, "executed": 50,
    ...     "rate": "100%"}]}, "performance": {"indicators": [{"weight": 10, "score": 12}]}})
    ['总额：执行率写 100%，按执行数 ÷ 全年预算数应为 50.00%', '第1个指标：得分 12 大于分值 10']
    """
    found: list[str] = []
    form = data.get("form", {})
    funds = form.get("funds", [])
    for row in funds:
        stated = _rate(row.get("rate", ""))
        budget, executed = row.get("adjusted", row.get("initial")), row.get("executed")
        if stated is None or budget in (None, 0) or executed is None:
            continue
        computed = Decimal(executed) / Decimal(budget) * 100
        if abs(computed - stated) > Decimal("0.6"):
            found.append(
                f"{row['label']}：执行率写 {row['rate']}，按执行数 ÷ 全年预算数应为 {computed:.2f}%"
            )
    total_at = next((i for i, row in enumerate(funds) if is_total_label(row["label"])), None)
    if total_at is not None:
        below = funds[total_at + 1 :]
        for key, word in (
            ("initial", "年初预算数"),
            ("adjusted", "全年预算数"),
            ("executed", "执行数"),
        ):
            stated = funds[total_at].get(key)
            values = [row[key] for row in below if key in row]
            if stated is not None and values and sum(map(Decimal, values)) != Decimal(stated):
                found.append(
                    f"{funds[total_at]['label']}的{word} {stated} 元不等于其下各行之和 "
                    f"{exact_amount(sum(map(Decimal, values), Decimal(0)))} 元"
                )
    indicators = data.get("performance", {}).get("indicators", [])
    weights = []
    for index, indicator in enumerate(indicators, start=1):
        weight, score = indicator.get("weight"), indicator.get("score")
        if isinstance(weight, int | Decimal):
            weights.append(Decimal(weight))
        if (
            isinstance(weight, int | Decimal)
            and isinstance(score, int | Decimal)
            and score > weight
        ):
            found.append(f"第{index}个指标：得分 {score} 大于分值 {weight}")
    stated_total = form.get("total_weight")
    if isinstance(stated_total, int | Decimal) and weights:
        execution = data.get("evaluation", {}).get("execution_weight", 0)
        summed = sum(weights, Decimal(0))
        if summed != stated_total and summed + Decimal(execution or 0) != stated_total:
            found.append(f"各指标分值之和 {exact_amount(summed)} 与表中合计 {stated_total} 不符")
    return found


def _budget_line(funds: list[dict[str, Any]], year: int | None, result: Imported) -> dict[str, Any]:
    """The year's budget line for the trend: the form's total row where it agrees with its
    parts; where it does not (0 / 0 / 0 above 90 / 89.974 / 89.974), the sum of the parts, and
    the import says so. 追加/调减 are the difference between 全年预算数 and 年初预算数."""
    if not funds or year is None:
        return {}
    total_at = next((i for i, row in enumerate(funds) if is_total_label(row["label"])), None)
    parts = [r for i, r in enumerate(funds) if total_at is None or i > total_at]
    figures: dict[str, Decimal] = {}
    consistent = True
    for key in ("initial", "adjusted", "executed"):
        stated = funds[total_at].get(key) if total_at is not None else None
        values = [Decimal(r[key]) for r in parts if key in r]
        if stated is not None and (not values or sum(values) == stated):
            figures[key] = Decimal(stated)
        elif values:
            figures[key] = sum(values, Decimal(0))
            consistent = consistent and stated is None
            if stated is not None:
                result.warnings.append(
                    f"{funds[total_at]['label']}的{ {'initial': '年初预算数', 'adjusted': '全年预算数', 'executed': '全年执行数'}[key] }与其下各项之和不符，趋势按各项之和计算"
                )
        elif stated is not None:
            figures[key] = Decimal(stated)
    line: dict[str, Any] = {"year": year}
    if "initial" in figures:
        line["initial"] = exact_amount(figures["initial"])
    elif "adjusted" in figures:
        line["initial"] = exact_amount(figures["adjusted"])
    if "adjusted" in figures and "initial" in figures:
        difference = figures["adjusted"] - figures["initial"]
        if difference > 0:
            line["supplementary"] = exact_amount(difference)
        elif difference < 0:
            line["reduction"] = exact_amount(-difference)
    if "executed" in figures:
        line["executed"] = exact_amount(figures["executed"])
    if consistent and total_at is not None and funds[total_at].get("rate"):
        line["stated_rate"] = funds[total_at]["rate"]
    result.inferred.append("本年预算金额（由资金情况表；全年预算数与年初预算数之差记为追加或调减）")
    return line


_FORM_PARTS = {
    DocumentKind.FORM: [
        "项目名称",
        "主管部门或实施单位",
        "资金情况",
        "年度总体目标",
        "绩效指标",
        "完成值",
        "总分",
    ],
    DocumentKind.TARGETS: [
        "项目名称",
        "主管部门或实施单位",
        "资金情况",
        "年度总体目标",
        "绩效指标",
    ],
    DocumentKind.DEPARTMENT: ["单位名称", "资金情况", "年度总体目标", "绩效指标", "总分"],
}


def _account(data: dict[str, Any], kind: DocumentKind, parts: FormParts, result: Imported) -> None:
    form = data.get("form", {})
    indicators = data.get("performance", {}).get("indicators", [])
    present = {
        "项目名称": bool(data.get("name")),
        "单位名称": bool(form.get("supervisor") or form.get("implementer")),
        "主管部门或实施单位": bool(form.get("supervisor") or form.get("implementer")),
        "资金情况": bool(form.get("funds")),
        "年度总体目标": bool(form.get("goals")),
        "绩效指标": bool(indicators),
        "完成值": any("actual" in i for i in indicators),
        "总分": parts.total_score is not None,
    }
    for label in _FORM_PARTS[kind]:
        (result.filled if present[label] else result.missing).append(label)
    essential = ["资金情况", "绩效指标"] + (
        ["项目名称"] if kind is not DocumentKind.DEPARTMENT else []
    )
    if not all(present[p] for p in essential):
        data["incomplete"] = True
        result.warnings.append(
            "原文不完整（缺少" + "、".join(p for p in essential if not present[p]) + "），"
            "已导入找到的部分并标为 incomplete: true，请按原件补全"
        )
