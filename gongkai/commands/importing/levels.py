"""Which level of the indicator table a cell's words name (指标层级): 一级 (产出指标, 效益指标,
满意度指标, 成本指标, and the older 完成指标/效果指标), 二级 (数量指标, 社会效益指标 …), or
neither (a 三级 indicator or a value). Some words are both (满意度指标, 成本指标): the cell after
them decides — a 二级 word after one makes it the 一级."""

from __future__ import annotations

import re
import unicodedata

_LEVEL1 = re.compile(
    r"^(产出|效益|满意度|成本|完成|效果)指标([（(].*[)）]|\d+分|[（(]?\d+[-–~]\d+[)）]?分)?$"
)
_LEVEL2 = re.compile(
    r"^(数量|质量|时效|成本|经济效益|社会效益|生态效益|环境效益|可持续影响|服务对象满意度|"
    r"社会公众或服务对象满意度|满意度|经济成本|社会成本|生态环境成本|生态成本)指标"
    r"([（(]\d+分[)）])?$"
)
_TOTAL = ("合计", "总分", "总计")
# The overall goals (年度总体目标) under the names the provinces give their two columns.
GOAL_EXPECTED = ("预期目标", "项目年度目标", "年初设定目标", "总体目标")
# A goal given as a row of its own: its label, then the goal.
GOAL_ROWS = ("本年度绩效目标", "年度绩效目标", "年度目标", "年度主要目标和成果")
GOAL_ACTUAL = (
    "实际完成情况",
    "年度目标完成情况",
    "实际完成",
    "年度总体目标完成情况",
    "年度总体目标完成情况综述",
    "全年实际完成情况",
)
# Rows after the indicator table in Sichuan's and other forms: never indicators.
TAIL = {
    "评价结论": "conclusion",
    "自评结论": "conclusion",
    "存在问题": "problems",
    "存在的问题": "problems",
    "改进措施": "suggestions",
    "整改措施": "suggestions",
    "改进建议": "suggestions",
}
_TAIL_START = (
    "项目负责人",
    "财务负责人",
    "填表人",
    "单位负责人",
    "财政部门审核意见",
    "主管部门审核意见",
    "其他需要说明事项",
    "其他说明的问题",
)


# Words that head a column, never the value of a header field ("序号 | 项目名称 | 备注").
COLUMN_HEADINGS = {"备注", "序号", "说明", "金额", "单位", "合计", "名称", "类别", "编号"}


def flat(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def is_level1(text: str) -> bool:
    return bool(_LEVEL1.match(flat(text)))


def is_level2(text: str) -> bool:
    return bool(_LEVEL2.match(flat(text)))


def is_total(text: str) -> bool:
    return flat(text).startswith(_TOTAL)


def tail_key(text: str) -> str | None:
    """The evaluation field a tail row's label names (评价结论 → conclusion), or None."""
    return TAIL.get(flat(text).rstrip(":："))


def ends_indicators(text: str) -> bool:
    """A cell that ends the indicator rows: a total, a tail label, a signature line."""
    value = flat(text)
    return is_total(value) or tail_key(value) is not None or value.startswith(_TAIL_START)


def level_of(cells: list[str], at: int) -> int:
    """0 where ``cells[at]`` is a 一级 word, 1 where a 二级 word, 2 otherwise.

    >>> level_of(["满意度指标", "服务对象满意度指标", "满意度"], 0), level_of(["满意度指标", "x"], 0)
    (0, 1)
    >>> level_of(["产出指标(50分)", "数量指标"], 0), level_of(["数量指标", "a"], 0), level_of(["a"], 0)
    (0, 1, 2)
    """
    text = cells[at]
    following = cells[at + 1] if at + 1 < len(cells) else ""
    one, two = is_level1(text), is_level2(text)
    if one and two:
        # "满意度指标 | 服务对象满意度指标等": a 二级 word, however worded, after it makes it the 一级.
        follows = flat(following)
        return (
            0
            if is_level2(following) or (follows.endswith(("指标", "指标等")) and len(follows) <= 16)
            else 1
        )
    if one:
        return 0
    if two:
        return 1
    return 2


def label_of(text: str) -> str:
    """A label as the form means it: no spaces, no "(盖章)", no colon.

    >>> label_of("实施单位 (盖章)"), label_of("项目名称：")
    ('实施单位', '项目名称')
    """
    return re.sub(r"[（(]盖章[)）]", "", flat(text)).rstrip(":：")
