"""What a document is and whose (种类、年度、单位), from its own words: the kind by its title
or by what its tables hold, the year by its title, its first lines or its page's 发布日期, the
unit by the title or a cover page's label."""

from __future__ import annotations

import re

from gongkai.commands.importing.grid import Block, Table
from gongkai.commands.importing.parse import is_title, squeeze
from gongkai.model.report import DocumentKind


def title_of(blocks: list[Block]) -> str:
    """The document's title among its first lines; one broken over two lines ("岳阳市2018年度
    部门整体支出" / "绩效评价自评报告") is joined."""
    for index, block in enumerate(blocks[:8]):
        if isinstance(block, Table) and not block.stream:
            # A form's title often stands in its table's first rows.
            for row in block.rows[:3]:
                text = " ".join(dict.fromkeys(c for c in row if c))
                if form_title(text):
                    return text
            continue
        if form_title(block) or is_title(block):
            before = blocks[index - 1] if index else None
            if (
                isinstance(before, str)
                and len(squeeze(before)) <= 30
                and re.search(r"20\d{2}年", before)
                and not re.search(r"[。；:：]$", before.strip())
                and not year_in([str(block)])
            ):
                return before.strip() + str(block).strip()
            return str(block)
    for block in blocks[:4]:
        # A title inside a line that a text extraction ran together.
        found = _TITLE_IN_LINE.search(squeeze(str(block))) if isinstance(block, str) else None
        if found:
            return found.group(0)
    return ""


_TITLE_IN_LINE = re.compile(
    r"[^:：，。,;；]{0,30}(?:自评表|目标表|目标申报表|目标审批表|评价表)(?:[（(]\d{4}年度?[）)])?"
)


def recognise(blocks: list[Block]) -> tuple[DocumentKind | None, str]:
    """What a document is, by its content: the title's words first, then what its tables hold
    (a 完成值 column makes a 自评表, indicators alone a 绩效目标表). ``None``: nothing known."""
    title = title_of(blocks)
    flat = squeeze(title)
    if flat:
        if "整体" in flat:
            return DocumentKind.DEPARTMENT, title
        if "自评表" in flat or "评价表" in flat:
            return DocumentKind.FORM, title
        if "目标表" in flat or "目标申报表" in flat or "目标审批表" in flat:
            return DocumentKind.TARGETS, title
        return DocumentKind.REPORT, title
    cells = " ".join(
        " ".join(" ".join(row) for row in b.rows) if isinstance(b, Table) else b for b in blocks
    )
    content = squeeze(cells)
    indicators = sum(w in content for w in ("一级指标", "二级指标", "三级指标")) >= 2
    money = "年初预算" in content
    if indicators or money:
        done = any(word in content for word in ("完成值", "实际完成", "实际值", "执行数", "执行率"))
        return (DocumentKind.FORM if done else DocumentKind.TARGETS), ""
    if "项目概况" in content and ("评价结论" in content or "绩效情况" in content):
        return DocumentKind.REPORT, ""
    return None, ""


def form_title(block: Block) -> bool:
    if not isinstance(block, str):
        return False
    flat = squeeze(block)
    words = ("自评表", "评价表", "目标表", "目标申报表", "目标审批表")
    return len(flat) <= 60 and any(w in flat for w in words) and not flat.endswith("。")


# A cover page's "部门(单位)名称: 岳阳市城市管理监督指挥中心", "预算单位: 奉节县…".
UNIT_LINE = re.compile(
    r"^(?:部门[（(]单位[)）]名称|单位名称|部门名称|预算单位|填报单位)[:：]([^:：]{2,40})$"
)
_YEAR = re.compile(r"(20\d{2})\s*年度?")
_UNIT = re.compile(
    r"^(.{2,40}?(?:局|委员会|委|办公室|办|院|中心|人民政府|政府|街道办事处|所|站|队|馆|会))(?:\d{4}|[（(]?\d{4})"
)


_UNIT_AFTER_YEAR = re.compile(
    r"^[（(]?\d{4}年度?[）)]?(.{2,40}?(?:局|委员会|委|办公室|办|院|中心|人民政府|政府|街道办事处|所|站|队|馆|会))"
    r"(?=部门|整体|项目|单位)"
)


def unit_from_title(title: str) -> str | None:
    """The unit a title names before its year, or right after it: "攀枝花市西区民政局2023年度…"
    and "2021年茂名市发展和改革局整体支出…" name 攀枝花市西区民政局 and 茂名市发展和改革局.

    >>> unit_from_title("2021年茂名市发展和改革局整体支出绩效自评报告")
    '茂名市发展和改革局'
    """
    flat = squeeze(title)
    match = _UNIT.match(flat) or _UNIT_AFTER_YEAR.match(flat)
    return match.group(1) if match else None


def year_in(texts: list[str]) -> int | None:
    for text in texts:
        match = _YEAR.search(squeeze(text))
        if match:
            return int(match.group(1))
    return None


def published_year(meta: dict[str, str], kind: DocumentKind) -> int | None:
    """The year a document is about, from its page's 发布日期 when nothing else says: a
    绩效目标表 is published in its own year (or in the last weeks of the year before), a
    self-evaluation in the year after."""
    match = re.search(r"(20\d{2})\D{1,3}(\d{1,2})", meta.get("发布日期", ""))
    if not match:
        return None
    published, month = int(match.group(1)), int(match.group(2))
    if kind is DocumentKind.TARGETS:
        return published + 1 if month >= 11 else published
    return published - 1
