"""Quantities as reports write them (数值与单位): "8万元", "≥95％", "12次", "2500元/场".

One parser for every place that reads a number out of a value: scoring, the audit and the
cost checks. Values are compared only in one unit: 8万元 is 80000 元, and 元 against % is
refused rather than guessed.

>>> parse_quantity("8万元")
Quantity(value=Decimal('80000'), unit='元', comparator=None)
>>> parse_quantity("≥95％").comparator
'≥'
>>> parse_quantity("2023年12月31日前完成") is None
True
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

# Multipliers written before a unit: 万元, 万人次, 亿元, 千元.
_SCALE = {"万": Decimal(10000), "亿": Decimal(10) ** 8, "千": Decimal(1000)}
# Units that mean the same thing, written differently.
_SYNONYMS = {"名": "人", "位": "人", "日": "天", "个工作日": "工作日", "个月": "月", "余人": "人"}
# Words around a number that carry the comparison (不低于 95% is ≥ 95%).
_BEFORE = {
    "≥": "≥",
    ">=": "≥",
    "不低于": "≥",
    "不少于": "≥",
    "大于等于": "≥",
    "≤": "≤",
    "<=": "≤",
    "不高于": "≤",
    "不超过": "≤",
    "不多于": "≤",
    "小于等于": "≤",
    "控制在": "≤",
    "=": "=",
    "等于": "=",
}
_AFTER = {"以上": "≥", "及以上": "≥", "以内": "≤", "以下": "≤", "及以下": "≤"}
_TRAILING = "|".join(sorted(_AFTER, key=len, reverse=True))
_NUMBER = re.compile(
    r"(?P<before>" + "|".join(re.escape(k) for k in sorted(_BEFORE, key=len, reverse=True)) + ")?"
    r"\s*(?P<number>\d+(?:\.\d+)?)\s*"
    r"(?P<scale>[万亿千](?=[\u4e00-\u9fff%]))?"
    r"(?P<unit>%|‰|(?:(?!" + _TRAILING + r")[\u4e00-\u9fff]){1,4}?"
    r"(?=$|[^\u4e00-\u9fff]|" + _TRAILING + r"|前|内|左右|及))?"
    r"(?P<per>/[\u4e00-\u9fff·]{1,4})?"
    r"\s*(?P<after>" + _TRAILING + ")?"
)
# A date is not a quantity: "2023年12月31日前完成" has no number to compare.
DATE = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?|(\d{4})-(\d{1,2})(?:-(\d{1,2}))?"
)


@dataclass(frozen=True)
class Quantity:
    """A number in its base unit (元, %, 人, 次 …; '' when none is written), with ≥/≤/= if the
    value carries one."""

    value: Decimal
    unit: str
    comparator: str | None = None

    def with_unit(self, unit: str) -> Quantity:
        """The same number, in ``unit`` when it has none of its own ("12" with 次)."""
        if self.unit or not unit:
            return self
        base = parse_quantity(f"1{unit}")
        if base is None:
            return Quantity(self.value, unit, self.comparator)
        return Quantity(self.value * base.value, base.unit, self.comparator)


def normalise(text: str) -> str:
    """Full-width digits and signs as ASCII (９５％ → 95%), thousands separators dropped."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"(?<=\d),(?=\d{3})", "", text).replace("＞", ">").replace("＜", "<")


def _unit(raw: str | None) -> str:
    unit = (raw or "").strip()
    return _SYNONYMS.get(unit, unit)


def parse_quantity(text: str | None, default_unit: str | None = None) -> Quantity | None:
    """The first quantity in ``text``, or ``None`` where it holds none (or only a date).

    ``default_unit`` is the indicator's 度量单位, used when the value itself names no unit.
    """
    if not text:
        return None
    text = normalise(text)
    if DATE.search(text):
        return None
    match = _NUMBER.search(text)
    if match is None:
        return None
    value = Decimal(match.group("number"))
    scale = match.group("scale")
    unit = _unit(match.group("unit"))
    if scale:
        value *= _SCALE[scale]
    elif unit and unit[0] in _SCALE:
        value *= _SCALE[unit[0]]
        unit = _unit(unit[1:])
    if unit == "‰":
        value, unit = value / 10, "%"
    per = match.group("per")
    if per:
        unit = f"{unit}{per}"
    comparator = _BEFORE.get(match.group("before") or "") or _AFTER.get(match.group("after") or "")
    quantity = Quantity(value, unit, comparator)
    return quantity.with_unit(normalise(default_unit)) if default_unit else quantity


def comparable(a: Quantity, b: Quantity) -> bool:
    """Two quantities can be compared when they share a unit, or one names none."""
    return not a.unit or not b.unit or a.unit == b.unit


def money_in_yuan(text: str | None, default_unit: str | None = "元") -> Decimal | None:
    """An amount of money in 元 ("8万元" → 80000), or ``None`` where the value is not a total in
    元 (a rate, a count, or a per-unit cost such as 2500元/场)."""
    quantity = parse_quantity(text, default_unit)
    if quantity is None or quantity.unit != "元":
        return None
    return quantity.value
