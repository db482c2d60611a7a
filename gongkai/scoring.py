"""Self-evaluation scores (自评得分) computed from the figures, by configurable rules.

Sources of the defaults: 财政部《项目支出绩效评价管理办法》（财预〔2020〕10号） for the grades
and the national self-evaluation form's 10 points for budget execution; the indicator formulas
are the common practice of provincial forms (四川 510000_0013zp) and are configuration, not law.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from gongkai.catalog import ProjectYear
from gongkai.model import Indicator, Nature
from gongkai.money import quantize, ratio

_NUMBER = re.compile(r"(≥|≤|>=|<=|=|＞=|＜=)?\s*(\d+(?:\.\d+)?)")
_PREFIX = {
    "≥": Nature.AT_LEAST,
    ">=": Nature.AT_LEAST,
    "≤": Nature.AT_MOST,
    "<=": Nature.AT_MOST,
    "=": Nature.EQUAL,
}


@dataclass(frozen=True)
class ScoringRules:
    """评分规则: weights, qualitative bands and grade bands, each with its source."""

    execution_weight: Decimal = Decimal(10)
    grades: tuple[tuple[Decimal, str], ...] = (
        (Decimal(90), "优"),
        (Decimal(80), "良"),
        (Decimal(60), "中"),
        (Decimal(0), "差"),
    )
    # Share of the weight for a qualitative indicator: achieved, partly achieved, not achieved.
    achieved: tuple[Decimal, Decimal] = (Decimal("0.8"), Decimal(1))
    partly: tuple[Decimal, Decimal] = (Decimal("0.6"), Decimal("0.8"))
    missed: tuple[Decimal, Decimal] = (Decimal(0), Decimal("0.6"))
    achieved_words: tuple[str, ...] = (
        "完成",
        "已完成",
        "全部完成",
        "达成",
        "达到",
        "实现",
        "满意",
        "是",
        "全年",
        "按时",
    )
    partly_words: tuple[str, ...] = (
        "基本完成",
        "部分完成",
        "基本达成",
        "基本实现",
        "基本满意",
        "较满意",
    )
    missed_words: tuple[str, ...] = ("未完成", "未达成", "未实现", "不满意", "否", "未达到")
    tolerance: Decimal = Decimal("0.05")  # stated scores are often rounded to one decimal
    sources: tuple[str, ...] = (
        "等级：优 ≥ 90、良 80–90、中 60–80、差 < 60（财预〔2020〕10号 第二十四条）",
        "预算执行率得分 = min(执行率, 1) × 10（项目支出绩效自评表，财预〔2020〕10号 附件）",
        "定量指标：≥ 取 min(完成值 ÷ 指标值, 1) × 权重；≤ 取 min(指标值 ÷ 完成值, 1) × 权重；"
        "= 相等得满分，否则按二者较小比值（常用口径，可配置）",
        "定性指标：达成 80%–100%，部分达成 60%–80%，未达成 0–60% 的权重（常用口径，可配置）",
    )

    def grade(self, score: Decimal) -> str:
        return next(name for floor, name in self.grades if score >= floor)


def number_in(text: str | None) -> tuple[Decimal | None, Nature | None]:
    """The first number in a value as written ("≥95%" → 95, ≥), or ``None``."""
    if not text:
        return None, None
    match = _NUMBER.search(text.replace(",", ""))
    if not match:
        return None, None
    return Decimal(match.group(2)), _PREFIX.get(match.group(1) or "")


@dataclass(frozen=True)
class IndicatorScore:
    """One indicator's score: exact, a range (qualitative), or not computable with the reason."""

    indicator: Indicator
    low: Decimal | None = None
    high: Decimal | None = None
    note: str = ""

    @property
    def computed(self) -> bool:
        return self.low is not None

    @property
    def stated(self) -> Decimal | None:
        return self.indicator.score

    @property
    def differs(self) -> bool:
        """The report's score lies outside what the figures allow."""
        if self.stated is None or self.low is None or self.high is None:
            return False
        slack = ScoringRules.tolerance
        return self.stated < self.low - slack or self.stated > self.high + slack


def score_indicator(indicator: Indicator, rules: ScoringRules) -> IndicatorScore:
    weight = indicator.weight
    if weight is None:
        return IndicatorScore(indicator, note="未填写权重")
    if indicator.actual is None:
        return IndicatorScore(indicator, note="未填写完成值")
    target, prefix = number_in(indicator.target)
    nature = indicator.nature or prefix
    if nature is Nature.QUALITATIVE or (target is None and nature is None):
        band = _band(indicator.actual, rules)
        if band is None:
            return IndicatorScore(indicator, note=f"完成值“{indicator.actual}”无法判断是否达成")
        return IndicatorScore(indicator, quantize(band[0] * weight), quantize(band[1] * weight))
    actual, _ = number_in(indicator.actual)
    if target is None:
        return IndicatorScore(indicator, note="指标值不是数字")
    if actual is None:
        return IndicatorScore(indicator, note=f"定量指标的完成值“{indicator.actual}”不是数字")
    if nature is None:
        return IndicatorScore(indicator, note="未填写指标性质（=、≥、≤）")
    if nature is Nature.AT_LEAST:
        share = min(ratio(actual, target) or Decimal(1 if actual >= target else 0), Decimal(1))
    elif nature is Nature.AT_MOST:
        share = (
            Decimal(1) if actual <= target else min(ratio(target, actual) or Decimal(0), Decimal(1))
        )
    else:
        share = (
            Decimal(1)
            if actual == target
            else min(ratio(actual, target) or 0, ratio(target, actual) or 0)
        )
    score = quantize(share * weight)
    return IndicatorScore(indicator, score, score)


def _band(actual: str, rules: ScoringRules) -> tuple[Decimal, Decimal] | None:
    text = actual.strip().rstrip("。")
    # Longest words first: 基本完成 must not read as 完成, 未完成 not as 完成.
    for words, band in ((rules.missed_words, rules.missed), (rules.partly_words, rules.partly)):
        if any(word in text for word in words):
            return band
    if any(word in text for word in rules.achieved_words):
        return rules.achieved
    return None


@dataclass(frozen=True)
class ScoreCard:
    """自评得分: execution, indicators, total and grade, beside what the report states."""

    rules: ScoringRules
    execution_rate: Decimal | None
    execution_score: Decimal | None
    indicators: list[IndicatorScore] = field(default_factory=list)
    stated_execution: Decimal | None = None
    stated_total: Decimal | None = None
    stated_grade: str | None = None

    @property
    def weight_total(self) -> Decimal:
        return self.rules.execution_weight + sum(
            (i.indicator.weight or 0 for i in self.indicators), Decimal(0)
        )

    @property
    def complete(self) -> bool:
        return self.execution_score is not None and all(i.computed for i in self.indicators)

    @property
    def total_low(self) -> Decimal | None:
        if not self.complete:
            return None
        return self.execution_score + sum((i.low for i in self.indicators), Decimal(0))  # type: ignore[operator, misc]

    @property
    def total_high(self) -> Decimal | None:
        if not self.complete:
            return None
        return self.execution_score + sum((i.high for i in self.indicators), Decimal(0))  # type: ignore[operator, misc]

    @property
    def grade(self) -> str | None:
        if self.total_low is None or self.total_high is None:
            return None
        low, high = self.rules.grade(self.total_low), self.rules.grade(self.total_high)
        return low if low == high else f"{low}至{high}"

    @property
    def execution_differs(self) -> bool:
        return _differs(
            self.stated_execution, self.execution_score, self.execution_score, self.rules
        )

    @property
    def total_differs(self) -> bool:
        return _differs(self.stated_total, self.total_low, self.total_high, self.rules)


def _differs(
    stated: Decimal | None, low: Decimal | None, high: Decimal | None, rules: ScoringRules
) -> bool:
    if stated is None or low is None or high is None:
        return False
    return stated < low - rules.tolerance or stated > high + rules.tolerance


def score_report(entry: ProjectYear, rules: ScoringRules | None = None) -> ScoreCard:
    rules = rules or ScoringRules()
    own = entry.own_budget
    rate = ratio(own.executed, own.adjusted) if own else None
    execution = (
        quantize(min(rate, Decimal(1)) * rules.execution_weight) if rate is not None else None
    )
    evaluation = entry.report.evaluation
    return ScoreCard(
        rules=rules,
        execution_rate=rate,
        execution_score=execution,
        indicators=[score_indicator(i, rules) for i in entry.report.performance.indicators],
        stated_execution=evaluation.execution_score,
        stated_total=evaluation.total_score,
        stated_grade=evaluation.grade,
    )
