"""Finding reports and their fields in a document's blocks (paragraphs and tables).

Headings are recognised by their words, not their numbering, so slips such as "（2） 资金计划"
where "（二）" belongs, full-width digits or stray spaces do not matter. Figures written in
prose ("2023年预算安排5万元，追加10万，实际执行15万元") become structured amounts in yuan;
every paragraph ends up in a field, or in ``unplaced`` with a warning.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gongkai.commands.importing.sources import Block, Table
from gongkai.model.quantity import money_in_yuan

TITLE = "项目支出绩效自评报告"

# Chapter (一、…) and section (（一）…) headings, told apart by their words.
_CHAPTER = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_SECTION = re.compile(r"^[（(]\s*(?:[一二三四五六七八九十]+|\d+)\s*[）)]")
_SECTIONS = [
    ("basic_info", ("基本情况",)),
    ("goals", ("绩效目标",)),
    ("steps", ("自评步骤", "评估步骤", "步骤及方法")),
    ("application", ("申报及批复", "资金申报")),
    ("usage", ("资金计划", "到位及使用", "使用情况")),
    ("financial_management", ("财务管理",)),
    ("organisation", ("组织架构", "实施流程")),
    ("management", ("管理情况",)),
    ("supervision", ("监管",)),
    ("conclusion", ("评价结论", "结论")),
    ("problems", ("存在的问题", "问题")),
    ("suggestions", ("相关建议", "建议")),
]
_ITEM = re.compile(r"^\s*[0-9０-９]+\s*[.．、]\s*")
_FIELD_OF = {
    "application": ("funds", "application"),
    "usage": ("funds", "usage"),
    "financial_management": ("funds", "financial_management"),
    "organisation": ("implementation", "organisation"),
    "management": ("implementation", "management"),
    "supervision": ("implementation", "supervision"),
    "conclusion": ("evaluation", "conclusion"),
    "problems": ("evaluation", "problems"),
    "suggestions": ("evaluation", "suggestions"),
}
# Indicator table columns (Sichuan's 自评表 and the national form), by header words.
INDICATOR_COLUMNS = [
    ("level1", ("一级指标",)),
    ("level2", ("二级指标",)),
    ("name", ("三级指标", "指标内容", "指标名称")),
    ("nature", ("指标性质",)),
    ("target", ("指标值", "年度指标值", "目标值")),
    ("unit", ("度量单位", "计量单位")),
    ("actual", ("完成值", "实际完成值", "全年实际值", "实际值")),
    ("weight", ("权重", "分值")),
    ("score", ("得分",)),
    ("reason", ("未完成原因", "偏差原因")),
]


def indicator_columns(header: list[str]) -> dict[str, int]:
    """Which column of an indicator table holds what, by its heading's words. Where two
    columns name the same thing (二级指标(长期) and 二级指标(年度)), the year's is read.

    >>> indicator_columns(["一级指标", "三级指标(长期)", "指标值(长期)", "三级指标(年度)", "指标值(年度)"])
    {'level1': 0, 'name': 3, 'target': 4}
    """
    cells = [squeeze(c) for c in header]
    columns: dict[str, int] = {}
    for key, words in INDICATOR_COLUMNS:
        found = [i for i, cell in enumerate(cells) if any(w in cell for w in words)]
        if found:
            yearly = [i for i in found if "年度" in cells[i] and "长期" not in cells[i]]
            lasting = [i for i in found if "长期" not in cells[i]]
            columns[key] = (yearly or lasting or found)[0]
    return columns


# In the older forms the 三级 column holds a value for these (全年, 80000, 满意).
_VALUE_LEVELS = ("时效", "成本", "满意度")


def squeeze(text: str) -> str:
    """For recognising words: full-width to half-width, no spaces at all."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@dataclass
class Imported:
    """One report found in a document, with what the import did."""

    data: dict[str, Any]
    filled: list[str] = field(default_factory=list)
    inferred: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)  # the form's own arithmetic, failed

    @property
    def name(self) -> str:
        return str(self.data.get("name") or "")

    def year(self) -> int | None:
        years = [line["year"] for line in self.data.get("budget", [])]
        return max(years) if years else None


_TITLE_WORDS = ("自评报告", "评价报告", "绩效报告")
_NAME_LINE = re.compile(r"^\s*[（(]([^（）()]{2,40})[）)]\s*$|^\s*项目名称\s*[:：]\s*(\S.{0,40})$")


def is_title(block: Block) -> bool:
    """A report's title, in any of the wordings real reports use ("项目支出绩效自评报告",
    "单位自评报告", "部门决算中项目绩效评价报告", "2023年度保安费用绩效自评报告")."""
    if not isinstance(block, str):
        return False
    flat = squeeze(block)
    return (
        len(flat) <= 50
        and any(word in flat for word in _TITLE_WORDS)
        and not _CHAPTER.match(flat)
        and not _SECTION.match(flat)
        and not flat.endswith(("。", "；"))
    )


def name_of(block: Block) -> str | None:
    """The project's name on its own line: "（保安费用）" or "项目名称：保安费用"."""
    if not isinstance(block, str):
        return None
    match = _NAME_LINE.match(block)
    return (match.group(1) or match.group(2)).strip() if match else None


def name_from_title(title: str) -> str | None:
    """ "2023年度保安费用项目支出绩效自评报告" → "保安费用"; a generic title gives None."""
    flat = squeeze(title)
    flat = re.sub(r"^[（(]?\d{4}年度?[）)]?", "", flat)
    for suffix in (
        "项目支出绩效自评报告",
        "项目绩效自评报告",
        "绩效自评报告",
        "自评报告",
        "绩效评价报告",
        "评价报告",
    ):
        if flat.endswith(suffix):
            flat = flat[: -len(suffix)]
            break
    flat = flat.rstrip("的")
    generic = ("", "单位", "部门", "项目", "项目支出", "部门决算中项目", "部门决算中")
    return None if flat in generic or flat.endswith(("单位", "部门决算中")) else flat


def split_reports(blocks: list[Block]) -> tuple[list[list[Block]], list[Block]]:
    """The blocks of each report, and what stands before the first. A report starts at its
    title; within one title, each project's name line followed by its 一、 chapter starts
    another (one unit's report may cover several projects). Every report's blocks are
    [title, name line, …]; a missing name line is left for the title or 项目名称 to give."""
    reports: list[list[Block]] = []
    before: list[Block] = []
    title: str | None = None
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        starts_project = (
            name_of(block) is not None
            and isinstance(following, str)
            and bool(_CHAPTER.match(squeeze(following)))
        )
        if is_title(block):
            title = str(block)
            reports.append([block])
        elif starts_project and title is not None:
            if reports and len(reports[-1]) == 1:
                reports[-1].append(block)  # the name line right under the title
            else:
                reports.append([title, block])
        elif reports:
            reports[-1].append(block)
        else:
            before.append(block)
    return reports, before


def parse_report(blocks: list[Block]) -> Imported:
    result = Imported({})
    name = _name(blocks)
    data: dict[str, Any] = {"name": name or name_from_title(str(blocks[0])) or None}
    if name is None and data["name"]:
        result.inferred.append("项目名称（由标题）")
    if squeeze(str(blocks[0])) != TITLE:
        data["title"] = re.sub(r"^[（(]?\d{4}年度?[）)]?", "", str(blocks[0]).strip()) or TITLE
    sections: dict[str, list[str]] = {}
    tables: list[tuple[str | None, Table]] = []
    unplaced: list[str] = []
    current: str | None = None
    chapter = ""
    last_text: str | None = None
    for block in blocks[2 if name else 1 :]:
        if isinstance(block, Table):
            title = (
                last_text if chapter == "performance" and last_text and current is None else None
            )
            if title is not None and sections.get("_performance"):
                sections["_performance"].pop()
            tables.append((title, block))
            continue
        text = block.strip()
        flat = squeeze(text)
        if _CHAPTER.match(flat):
            chapter = _chapter(flat)
            current = None
            last_text = None
            if chapter == "performance":
                sections.setdefault("_performance", [])
            continue
        if _SECTION.match(flat):
            key = _section(flat)
            if key is not None:
                current = key
                rest = _inline_rest(text)
                sections.setdefault(key, [])
                if rest:
                    sections[key].append(rest)
                continue
        last_text = text
        if current is None:
            if chapter == "performance":
                sections.setdefault("_performance", []).append(text)
            else:
                unplaced.append(text)
            continue
        sections[current].append(text)

    overview: dict[str, Any] = {}
    items = _items(sections.get("basic_info", []), joiner="\n")
    if items:
        overview["basic_info"] = items
    goals = _items(sections.get("goals", []), joiner="\n\n")
    for key, label, item in zip(
        ("content", "expected_effect", "basis"),
        ("项目主要内容", "预期效果", "政策依据"),
        goals,
        strict=False,
    ):
        overview[key] = re.sub(rf"^{label}[。：:]\s*", "", item)
    if len(goals) > 3:
        unplaced.extend(goals[3:])
        result.warnings.append(f"绩效目标多于 3 项，多出的放入 unplaced：“{goals[3][:20]}…”")
    steps = _labelled(sections.get("steps", []), {"评估程序": "procedure", "评估方法": "method"})
    overview.update(steps)
    budget = _budget(items, result)
    if budget:
        data["budget"] = budget
    disclosure = _disclosure(" ".join(sections.get("application", [])), result)
    if disclosure:
        data["disclosure"] = disclosure
    if overview:
        data["overview"] = overview
    for section, (group, key) in _FIELD_OF.items():
        lines = sections.get(section)
        if lines:
            data.setdefault(group, {})[key] = "\n\n".join(lines)
    performance = _performance(tables, sections.get("_performance", []), result)
    if performance:
        data["performance"] = performance
    evaluation = data.pop("evaluation", {})
    recommended = re.search(
        r"建议预算申报数\s*(\d+(?:\.\d+)?)\s*万元", squeeze(evaluation.get("conclusion", ""))
    )
    if recommended:
        evaluation = {
            "conclusion": evaluation["conclusion"],
            "recommended_budget": _yuan(recommended.group(1)),
            **{k: v for k, v in evaluation.items() if k != "conclusion"},
        }
        result.inferred.append("建议下年预算（由评价结论）")
    if evaluation:
        data["evaluation"] = evaluation
    if unplaced:
        data["unplaced"] = unplaced
        for text in unplaced:
            result.warnings.append(f"未能归类的文字已放入 unplaced：“{text[:24]}…”")
    result.data = data
    _account(result)
    return result


def _name(blocks: list[Block]) -> str | None:
    if len(blocks) > 1:
        return name_of(blocks[1])
    return None


def _chapter(flat: str) -> str:
    for key, words in (
        ("overview", ("项目概况",)),
        ("funds", ("资金申报", "资金使用")),
        ("implementation", ("实施及管理", "实施情况")),
        ("performance", ("绩效情况", "绩效目标表", "绩效指标")),
        ("evaluation", ("评价结论", "结论及建议")),
    ):
        if any(word in flat for word in words):
            return key
    return ""


def _section(flat: str) -> str | None:
    heading = _SECTION.sub("", flat)
    head = re.split(r"[。：:]", heading, maxsplit=1)[0]
    for key, words in _SECTIONS:
        if any(word in head for word in words):
            return key
    return None


def _inline_rest(text: str) -> str:
    """ "（一）项目组织架构及实施流程。该笔资金……" → "该笔资金……"."""
    parts = re.split(r"[。：:]", text, maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""


def _items(lines: list[str], joiner: str) -> list[str]:
    """Numbered paragraphs ("1." "2.") as items; a line without a number continues one."""
    items: list[str] = []
    for line in lines:
        if _ITEM.match(line) or not items:
            items.append(_ITEM.sub("", line, count=1).strip())
        else:
            items[-1] += joiner + line.strip()
    return items


def _labelled(lines: list[str], labels: dict[str, str]) -> dict[str, str]:
    """ "1.评估程序" followed by its text → procedure; "2.评估方法" → method."""
    found: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines:
        bare = squeeze(_ITEM.sub("", line, count=1))
        label = next((k for k in labels if bare.startswith(k)), None)
        if label is not None:
            current = labels[label]
            rest = re.sub(rf"^.*?{label}[。：:]?\s*", "", line, count=1).strip()
            found[current] = [rest] if rest else []
            continue
        found.setdefault(current or "procedure", []).append(line.strip())
    return {key: "\n\n".join(value) for key, value in found.items() if value}


def whole(value: Decimal) -> int | Decimal:
    """An exact number as the data file writes it: a whole number without decimals.

    >>> whole(Decimal("80000")), whole(Decimal("9.50"))
    (80000, Decimal('9.50'))
    """
    return int(value) if value == value.to_integral_value() else value


def _yuan(wan_text: str) -> int | Decimal:
    """An amount the prose gives in 万元, in 元, read by the one quantity parser."""
    amount = money_in_yuan(f"{wan_text}万元")
    assert amount is not None  # the caller matched digits
    return whole(amount)


_BUDGET = re.compile(r"(\d{4})年预算安排(\d+(?:\.\d+)?)万元?")


def _budget(items: list[str], result: Imported) -> list[dict[str, Any]]:
    """Budget lines from the 基本情况 paragraph that states them."""
    for item in items:
        flat = squeeze(item)
        if not _BUDGET.search(flat):
            continue
        lines: list[dict[str, Any]] = []
        # Amounts are read from the normalised text; words are kept as the report wrote them.
        for original in re.split(r"[；;]", item):
            clause = squeeze(original)
            match = _BUDGET.search(clause)
            if not match:
                continue
            line: dict[str, Any] = {"year": int(match.group(1)), "initial": _yuan(match.group(2))}
            for key, word in (("supplementary", "追加"), ("reduction", "调减")):
                found = re.search(rf"{word}(\d+(?:\.\d+)?)万", clause)
                if found:
                    line[key] = _yuan(found.group(1))
            executed = re.search(r"实际执行(\d+(?:\.\d+)?)万", clause)
            if executed:
                line["executed"] = _yuan(executed.group(1))
            change = re.search(r"较上年[^，。；,]*", original)
            if change:
                line["stated_change"] = change.group(0).strip()
            reason = re.search(r"主要原因(?:为|是)\s*[：:]\s*(.+)$", original, re.S)
            if reason:
                line["change_reason"] = reason.group(1).strip()
            lines.append(line)
        if lines:
            result.inferred.append(f"预算金额（由基本情况“{item[:12]}…”，万元换算为元）")
            return lines
    return []


def _date(year: str | int, month: str, day: str | None) -> str:
    return f"{int(year):04d}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")


def _disclosure(text: str, result: Imported) -> dict[str, Any]:
    flat = squeeze(text)
    disclosure: dict[str, Any] = {}
    declared = re.search(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?申报", flat)
    if declared:
        disclosure["declared"] = _date(*declared.groups())
    approved = re.search(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?批复", flat)
    targets: dict[str, str] = {}
    if approved:
        targets["approved"] = _date(*approved.groups())
        published = re.search(
            r"(?:(\d{4})年)?(\d{1,2})月(?:(\d{1,2})日)?[^，。；]{0,24}?公开", flat[approved.end() :]
        )
        if published:
            year = int(published.group(1) or approved.group(1))
            if not published.group(1) and int(published.group(2)) < int(approved.group(2)):
                year += 1
            targets["published"] = _date(year, published.group(2), published.group(3))
    if targets:
        disclosure["targets"] = targets
    channel = re.search(r"在([^，。；,]{2,20})公开", flat)
    if channel:
        disclosure["channel"] = channel.group(1)
    if disclosure:
        result.inferred.append("申报、批复、公开日期（由资金申报及批复情况，只到月份的按月份记录）")
    return disclosure


def _performance(
    tables: list[tuple[str | None, Table]], texts: list[str], result: Imported
) -> dict[str, Any]:
    performance: dict[str, Any] = {}
    for title, table in tables:
        indicators = _indicators(table, result)
        if indicators is None:
            result.warnings.append(
                f"一个表格不是绩效指标表，已按行放入 unplaced：“{' | '.join(table.rows[0])[:24]}…”"
            )
            texts.extend(" | ".join(row) for row in table.rows)
            continue
        if title:
            performance["table_title"] = title
        performance.setdefault("indicators", []).extend(indicators)
    if texts:
        performance["note"] = "\n\n".join(texts)
    return performance


def _indicators(table: Table, result: Imported) -> list[dict[str, Any]] | None:
    header_index = next(
        (
            i
            for i, row in enumerate(table.rows)
            if sum(any(w in squeeze(c) for c in row) for w in ("一级指标", "二级指标", "三级指标"))
            >= 2
        ),
        None,
    )
    if header_index is None:
        return None
    columns = indicator_columns(table.rows[header_index])
    has_target_column = "target" in columns
    indicators: list[dict[str, Any]] = []
    level1 = level2 = None
    for row in table.rows[header_index + 1 :]:
        cells = {key: (row[i].strip() if i < len(row) else "") for key, i in columns.items()}
        if not any(cells.values()):
            continue
        level1 = cells.get("level1") or level1
        level2 = cells.get("level2") or level2
        indicator: dict[str, Any] = {"level1": level1, "level2": level2}
        third = cells.get("name", "")
        if has_target_column:
            indicator["name"] = third or None
        elif third and level2 and any(word in level2 for word in _VALUE_LEVELS):
            indicator["target"] = third
        elif third:
            indicator["name"] = third
        for key in ("nature", "target", "unit", "actual", "weight", "score", "reason"):
            value = cells.get(key)
            if value:
                indicator[key] = as_number(value) if key in ("weight", "score") else value
        indicators.append({k: v for k, v in indicator.items() if v not in (None, "")})
    if not has_target_column and indicators:
        result.inferred.append("三级指标一栏中的取值（全年、金额、满意）记为指标值")
    return indicators


def as_number(text: str) -> int | Decimal | str:
    try:
        value = Decimal(text)
    except ArithmeticError:
        return text
    return whole(value)


_EXPECTED = [
    ("budget", "预算金额"),
    ("disclosure", "申报、批复与公开日期"),
    ("overview.basic_info", "项目基本情况"),
    ("overview.content", "项目主要内容"),
    ("overview.expected_effect", "预期效果"),
    ("overview.basis", "政策依据"),
    ("overview.procedure", "评估程序"),
    ("overview.method", "评估方法"),
    ("funds.application", "资金申报及批复情况"),
    ("funds.usage", "资金计划、到位及使用情况"),
    ("funds.financial_management", "财务管理情况"),
    ("implementation.organisation", "组织架构及实施流程"),
    ("implementation.management", "项目管理情况"),
    ("implementation.supervision", "项目监管情况"),
    ("performance.indicators", "绩效指标"),
    ("evaluation.conclusion", "评价结论"),
    ("evaluation.problems", "存在的问题"),
    ("evaluation.suggestions", "相关建议"),
]


def _account(result: Imported) -> None:
    for path, label in _EXPECTED:
        value: Any = result.data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        (result.filled if value else result.missing).append(label)
    if not result.data.get("name"):
        result.missing.insert(0, "项目名称")
