"""Self-evaluation scores (自评得分) computed from the figures, by configurable rules.

Sources of the defaults: 财政部《项目支出绩效评价管理办法》（财预〔2020〕10号） for the grades
and the national self-evaluation form's 10 points for budget execution; the indicator formulas
are the common practice of provincial forms (四川 510000_0013zp) and are configuration, not law.

Scores are exact fractions until they are shown: three thirds of 10 add up to 10, not 9.99.
A total and a grade are given only when the weights cover the full 100 points and every
indicator's result is known; otherwise the card says why, in one plain sentence.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from gongkai.model.catalog import ProjectYear
from gongkai.model.money import fraction_text
from gongkai.model.quantity import DATE, Quantity, comparable, normalise, parse_quantity
from gongkai.model.report import Indicator, Nature

_ONE = Fraction(1)


def _share(value: str) -> Fraction:
    return Fraction(value)


@dataclass(frozen=True)
class ScoringRules:
    """评分规则: weights, qualitative bands and grade bands. The rule text on the page is made
    from these values, so it always says what was applied."""

    execution_weight: Decimal = Decimal(10)
    full_marks: Decimal = Decimal(100)
    grades: tuple[tuple[Decimal, str], ...] = (
        (Decimal(90), "优"),
        (Decimal(80), "良"),
        (Decimal(60), "中"),
        (Decimal(0), "差"),
    )
    # Share of the weight for a qualitative indicator: achieved, partly achieved, not achieved.
    achieved: tuple[Fraction, Fraction] = (_share("0.8"), _ONE)
    partly: tuple[Fraction, Fraction] = (_share("0.6"), _share("0.8"))
    missed: tuple[Fraction, Fraction] = (Fraction(0), _share("0.6"))
    # A stated score this far from the computed one is not called a contradiction: reports
    # round scores to one decimal.
    tolerance: Decimal = Decimal("0.05")

    def grade(self, score: Fraction | Decimal) -> str:
        value = Fraction(score)
        return next(name for floor, name in self.grades if value >= Fraction(floor))

    def grade_bands(self) -> str:
        """The grade bands in words: 优 ≥ 90，良 80–90，中 60–80，差 < 60."""
        bands = []
        floors = [floor for floor, _ in self.grades]
        for index, (floor, name) in enumerate(self.grades):
            if index == 0:
                bands.append(f"{name} ≥ {_n(floor)}")
            elif index == len(self.grades) - 1:
                bands.append(f"{name} < {_n(floors[index - 1])}")
            else:
                bands.append(f"{name} {_n(floor)}–{_n(floors[index - 1])}")
        return "，".join(bands)

    def describe(self, execution_weight: Decimal | None = None) -> list[str]:
        """The rules in effect, in words, with their sources (评分规则及出处)."""
        weight = execution_weight if execution_weight is not None else self.execution_weight
        return [
            f"总分满分 {_n(self.full_marks)} 分；各项权重合计为满分且每个指标的完成情况都能判断时，"
            "本站才计算总分和等级",
            "等级：" + self.grade_bands() + "（财预〔2020〕10号 第二十四条）",
            f"预算执行率得分 = min(执行率, 1) × {_n(weight)}（项目支出绩效自评表，财预〔2020〕10号 附件）",
            "定量指标：≥ 取 min(完成值 ÷ 指标值, 1) × 权重；≤ 取 min(指标值 ÷ 完成值, 1) × 权重；"
            "= 相等得满分，否则按二者较小比值；指标值与完成值按同一单位比较（常用口径，可配置）",
            "定性指标：达成 {}–{}，部分达成 {}–{}，未达成 {}–{} 的权重；“未完成”“延期完成”"
            "“不满意”等否定的说法算未达成（常用口径，可配置）".format(
                *(_pct(v) for band in (self.achieved, self.partly, self.missed) for v in band)
            ),
            "各项得分按精确值相加，最后四舍五入到两位小数",
        ]


def _n(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _pct(value: Fraction) -> str:
    return f"{_n(Decimal(value.numerator) / Decimal(value.denominator) * 100)}%"


# --- qualitative results -------------------------------------------------------------------

_DONE = "完成|达成|达到|达标|实现|满意|到位|落实|是|做到|办结|兑现|发放"
# A negation in front of an achievement word: 未完成, 没有完成, 未能达到, 未按时完成, 不太满意…
_NEGATED = re.compile(
    r"(?:尚未|未能|未|没有|没能|没|无法|不能|不太|不够|不)"
    r"(?:按时|按期|如期|全部|完全|全面|及时|能够|能)?"
    rf"(?:{_DONE})"
    r"|延期|逾期|推迟|滞后|^否$|^不是|不合格|不达标|不满意"
)
_PARTLY = re.compile(rf"(?:基本|部分|大部分|大体|大致|初步)(?:{_DONE}|满意)|较满意|比较满意")
_ACHIEVED = re.compile(
    rf"{_DONE}|^已|按时|按期|如期|全年|合格|良好|有效|未发生|零|无.{{0,6}}(事故|投诉|差错|问题)"
)


def qualitative_result(actual: str, target: str | None = None) -> str | None:
    """ "achieved", "partly" or "missed" for a 完成值 written in words, or ``None`` where the words
    do not say. Negation is read first: 未按时完成 is not 按时完成."""
    text = normalise(actual).strip().rstrip("。.")
    if target is not None and text == normalise(target).strip().rstrip("。."):
        return "achieved"
    if _NEGATED.search(text):
        return "missed"
    if _PARTLY.search(text):
        return "partly"
    if _ACHIEVED.search(text):
        return "achieved"
    return None


def _date_bound(text: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day a date in the text can stand for (a day, or a whole month)."""
    match = DATE.search(normalise(text))
    if match is None:
        return None
    parts = [g for g in match.groups() if g is not None]
    year, month = int(parts[0]), int(parts[1])
    try:
        if len(parts) > 2:
            day = dt.date(year, month, int(parts[2]))
            return day, day
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, 1), dt.date(year, month, last)
    except ValueError:
        return None


def date_result(target: str, actual: str) -> str | None:
    """A deadline target ("2023年12月31日前完成") against a completion date, or ``None`` when the
    dates do not decide it."""
    deadline = _date_bound(target)
    done = _date_bound(actual)
    if deadline is None or done is None or not re.search(r"前|之前|以前|底|内", target):
        return None
    if done[1] <= deadline[1]:
        return "achieved"
    if done[0] > deadline[1]:
        return "missed"
    return None


# --- one indicator -------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorScore:
    """One indicator's score: exact, a range (qualitative), or not computable with the reason."""

    indicator: Indicator
    low: Fraction | None = None
    high: Fraction | None = None
    note: str = ""
    tolerance: Decimal = Decimal("0.05")

    @property
    def computed(self) -> bool:
        return self.low is not None

    @property
    def stated(self) -> Decimal | None:
        return self.indicator.score

    @property
    def differs(self) -> bool:
        """The report's score lies outside what the figures allow."""
        return _differs(self.stated, self.low, self.high, self.tolerance)

    @property
    def low_text(self) -> str:
        return fraction_text(self.low)

    @property
    def high_text(self) -> str:
        return fraction_text(self.high)


def marked_down(indicators: Iterable[Indicator]) -> list[tuple[Indicator, Decimal]]:
    """扣分的指标: the indicators whose 得分, as the report fills it, is below their 分值 — the
    targets the report itself says were not wholly met — each with the points it lost."""
    return [
        (i, i.weight - i.score)
        for i in indicators
        if i.weight is not None and i.score is not None and i.score < i.weight
    ]


def _quantities(indicator: Indicator) -> tuple[Quantity | None, Quantity | None]:
    return (
        parse_quantity(indicator.target, indicator.unit),
        parse_quantity(indicator.actual, indicator.unit),
    )


def score_indicator(indicator: Indicator, rules: ScoringRules) -> IndicatorScore:
    """Score one indicator by the rules, or say in plain words why it cannot be scored."""

    def scored(low: Fraction, high: Fraction | None = None) -> IndicatorScore:
        return IndicatorScore(indicator, low, low if high is None else high, "", rules.tolerance)

    def reason(text: str) -> IndicatorScore:
        return IndicatorScore(indicator, note=text, tolerance=rules.tolerance)

    if indicator.weight is None:
        return reason("报告未写明这个指标的权重")
    weight = Fraction(indicator.weight)
    if indicator.actual is None:
        return reason("报告未写明这个指标的完成值")
    target, actual = _quantities(indicator)
    nature = indicator.nature or _nature(target)
    if nature is Nature.QUALITATIVE or target is None:
        result = None
        if indicator.target:
            result = date_result(indicator.target, indicator.actual)
        result = result or qualitative_result(indicator.actual, indicator.target)
        if result is None:
            return reason(f"完成值“{indicator.actual}”没有说明是否达成")
        band = {"achieved": rules.achieved, "partly": rules.partly, "missed": rules.missed}
        low, high = band[result]
        return scored(low * weight, high * weight)
    if actual is None:
        result = qualitative_result(indicator.actual)
        if result == "missed":
            return scored(Fraction(0))
        return reason(f"指标值是数字，完成值“{indicator.actual}”却不是，无法比较")
    if not comparable(target, actual):
        return reason(f"指标值与完成值的单位不同（{target.unit} 与 {actual.unit}），无法比较")
    if nature is None:
        return reason("报告未写明指标性质（=、≥、≤），无法比较")
    t, a = Fraction(target.value), Fraction(actual.value)
    if nature is Nature.AT_LEAST:
        share = _ONE if a >= t else (a / t if t else _ONE)
    elif nature is Nature.AT_MOST:
        share = _ONE if a <= t else t / a
    else:
        share = _ONE if a == t else (min(a / t, t / a) if a and t else Fraction(0))
    return scored(share * weight)


def _nature(quantity: Quantity | None) -> Nature | None:
    if quantity is None or quantity.comparator is None:
        return None
    return Nature(quantity.comparator)


# --- the card ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreCard:
    """自评得分: execution, indicators, total and grade, beside what the report states."""

    rules: ScoringRules
    execution_weight: Decimal
    execution_rate: Decimal | None
    execution_score: Fraction | None
    indicators: list[IndicatorScore] = field(default_factory=list)
    stated_execution: Decimal | None = None
    stated_total: Decimal | None = None
    stated_grade: str | None = None

    @property
    def weight_total(self) -> Decimal:
        return self.execution_weight + sum(
            (i.indicator.weight or Decimal(0) for i in self.indicators), Decimal(0)
        )

    @property
    def reasons(self) -> list[str]:
        """Why no total is given, one plain sentence each; empty when the total is known."""
        reasons = []
        if not self.indicators:
            return ["报告没有绩效指标，本站不计算得分。"]
        if all(i.indicator.weight is None for i in self.indicators):
            if all(i.indicator.actual is None for i in self.indicators):
                return ["报告未写明各指标的权重和完成值，本站不计算得分。"]
            return ["报告未写明各指标的权重，本站不计算得分。"]
        if self.execution_score is None:
            reasons.append("报告未写明本年的全年预算或实际执行金额，无法计算预算执行率得分。")
        unweighted = sum(1 for i in self.indicators if i.indicator.weight is None)
        if unweighted:
            reasons.append(f"有 {unweighted} 个指标未写明权重。")
        elif self.weight_total != self.rules.full_marks:
            reasons.append(
                f"各项权重合计 {_n(self.weight_total)} 分，不是满分 {_n(self.rules.full_marks)} 分。"
            )
        unknown = sum(
            1 for i in self.indicators if i.indicator.weight is not None and not i.computed
        )
        if unknown:
            reasons.append(f"有 {unknown} 个指标的完成情况无法判断（见上表）。")
        if reasons:
            reasons.append("因此本站不计算总分和等级。")
        return reasons

    @property
    def complete(self) -> bool:
        return not self.reasons

    @property
    def any_computed(self) -> bool:
        return self.execution_score is not None or any(i.computed for i in self.indicators)

    def _total(self, end: str) -> Fraction | None:
        if not self.complete or self.execution_score is None:
            return None
        return self.execution_score + sum((getattr(i, end) for i in self.indicators), Fraction(0))

    @property
    def total_low(self) -> Fraction | None:
        return self._total("low")

    @property
    def total_high(self) -> Fraction | None:
        return self._total("high")

    @property
    def grade(self) -> str | None:
        if self.total_low is None or self.total_high is None:
            return None
        low, high = self.rules.grade(self.total_low), self.rules.grade(self.total_high)
        return low if low == high else f"{low}至{high}"

    @property
    def execution_differs(self) -> bool:
        score = self.execution_score
        return _differs(self.stated_execution, score, score, self.rules.tolerance)

    @property
    def total_differs(self) -> bool:
        return _differs(self.stated_total, self.total_low, self.total_high, self.rules.tolerance)

    @property
    def rule_text(self) -> list[str]:
        return self.rules.describe(self.execution_weight)


def _differs(
    stated: Decimal | None, low: Fraction | None, high: Fraction | None, tolerance: Decimal
) -> bool:
    if stated is None or low is None or high is None:
        return False
    value, slack = Fraction(stated), Fraction(tolerance)
    return value < low - slack or value > high + slack


def score_report(entry: ProjectYear, rules: ScoringRules | None = None) -> ScoreCard:
    """The score card of one report; the report's own execution weight (分值) wins when given."""
    rules = rules or ScoringRules()
    evaluation = entry.report.evaluation
    weight = (
        evaluation.execution_weight
        if evaluation.execution_weight is not None
        else rules.execution_weight
    )
    own = entry.own_budget
    rate = own.rate if own is not None else None
    execution = None
    if own is not None and rate is not None:  # exact: Decimal division would round
        execution = min(Fraction(own.executed) / Fraction(own.adjusted), _ONE) * Fraction(weight)  # type: ignore[arg-type]
    return ScoreCard(
        rules=rules,
        execution_weight=weight,
        execution_rate=rate,
        execution_score=execution,
        indicators=[score_indicator(i, rules) for i in entry.report.performance.indicators],
        stated_execution=evaluation.execution_score,
        stated_total=evaluation.total_score,
        stated_grade=evaluation.grade,
    )
