"""Projects a unit's report states in prose (正文所述项目), with their amounts.

A unit's or department's report often names its projects in the running text rather than in a
form: "项目支出包括委员活动经费36.3万元，扫黑除恶工作经费1万元……" or a heading
"（1）“数说红河”展厅运维经费。" followed by "该项目全年预算数5.00万元，执行数为4.80万元". Each
such project with an amount becomes a data file of its own, marked incomplete, its figures
marked as inferred. An amount goes into a figure only where the words say what it is (预算,
年初预算, 全年预算数, 执行数, 实际支出); a listed amount whose meaning the sentence does not
give stays in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from gongkai.commands.importing.parse import squeeze
from gongkai.model.quantity import money_in_yuan

_NAME = r"[“”\"‘’A-Za-z0-9\u4e00-\u9fff（）()·]{2,30}?(?:项目|经费|资金|专项|补助|补贴|工程|费)"
# "（1）“数说红河”展厅运维经费。" / "1.档案整理项目" / "项目一：…经费": a project's own heading.
_HEADING = re.compile(
    rf"^(?:[（(]\d+[）)]|\d+[.、．]|项目[一二三四五六七八九十]+[:：])\s*({_NAME})(?:[。.:：；;，,]|$)"
)
_OF_PROJECT = re.compile(
    r"该项目(?:(全年|年初)?预算(?:数|安排|资金)?(?:为)?(\d+(?:\.\d+)?)万元)?[，,]?"
    r"(?:(?:实际)?(?:执行数?|支出|使用)(?:为|了)?(\d+(?:\.\d+)?)万元)?"
)
_ITEM = re.compile(rf"({_NAME})(\d+(?:\.\d+)?)万元")
# The words that open a list of projects: "项目支出包括…", "安排以下项目：…".
_INTRO = re.compile(r"(包括|主要有|分别为|分别是|其中[:：]?|[:：])")
# Words before a list that say what its amounts are.
_BUDGETED = ("预算安排", "安排", "预算")
_SPENT = ("支出", "执行", "使用")


@dataclass
class StatedProject:
    """A project the prose names, with the amounts it states and the words it states them in."""

    name: str
    initial: Decimal | None = None
    adjusted: Decimal | None = None
    executed: Decimal | None = None
    text: list[str] = field(default_factory=list)
    how: list[str] = field(default_factory=list)


def _yuan(wan: str) -> Decimal:
    value = money_in_yuan(f"{wan}万元")
    assert value is not None  # the pattern matched digits
    return value


def stated_projects(paragraphs: list[str]) -> list[StatedProject]:
    """The projects a unit's report states with their amounts, in the order it names them.

    >>> [(p.name, p.executed) for p in stated_projects(
    ...     ["项目支出包括委员活动经费36.3万元,扫黑除恶工作经费1万元,调研协商"])]
    [('委员活动经费', Decimal('363000.0')), ('扫黑除恶工作经费', Decimal('10000'))]
    >>> p = stated_projects(["（1）档案整理项目。内容……", "该项目全年预算数5.00万元，执行数为4.80万元。"])
    >>> p[0].name, p[0].adjusted, p[0].executed
    ('档案整理项目', Decimal('50000.00'), Decimal('48000.00'))
    """
    found: dict[str, StatedProject] = {}
    current: StatedProject | None = None
    for paragraph in paragraphs:
        flat = squeeze(paragraph)
        heading = _HEADING.match(flat)
        if heading:
            name = heading.group(1).strip('“”"‘’')
            current = found.setdefault(name, StatedProject(name))
            current.text.append(paragraph.strip())
        elif current is not None and "该项目" in flat:
            current.text.append(paragraph.strip())
        for match in _OF_PROJECT.finditer(flat):
            if current is None or not (match.group(2) or match.group(3)):
                continue
            if match.group(2):
                amount = _yuan(match.group(2))
                if match.group(1) == "全年":
                    current.adjusted = amount
                else:
                    current.initial = amount
                current.how.append(f"预算（由“{match.group(0)[:30]}”）")
            if match.group(3):
                current.executed = _yuan(match.group(3))
                current.how.append(f"执行数（由“{match.group(0)[:30]}”）")
        for clause in re.split(r"[。；;]", flat):
            intro = _INTRO.search(clause)
            if intro is None:
                continue
            before, body = clause[: intro.end()], clause[intro.end() :]
            items = [_ITEM.fullmatch(part) for part in re.split(r"[,，、]", body)]
            listed = [item for item in items if item]
            if len(listed) < 2:
                continue
            meaning = (
                "executed" if any(w in before for w in _SPENT)
                else "initial" if any(w in before for w in _BUDGETED)
                else None
            )  # fmt: skip
            for match in listed:
                name = match.group(1).strip('“”"‘’')
                project = found.setdefault(name, StatedProject(name))
                project.text.append(f"{before}……{match.group(0)}")
                if meaning is not None and getattr(project, meaning) is None:
                    setattr(project, meaning, _yuan(match.group(2)))
                    word = "执行数" if meaning == "executed" else "预算"
                    project.how.append(f"{word}（由“{before[-12:]}……{match.group(0)}”）")
    return [p for p in found.values() if p.initial or p.adjusted or p.executed or p.how]
