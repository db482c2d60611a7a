"""Automatic audit (自动审核) of the reports: arithmetic the text contradicts, text copied between
projects, template and Word leftovers, blanks, weights — each finding with its severity, file,
line, the figures behind it and a suggested fix."""

from __future__ import annotations

import difflib
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from gongkai.checks.figures import trend
from gongkai.checks.scoring import ScoringRules, score_report
from gongkai.checks.tally import tally
from gongkai.checks.targets import compare_targets, comparisons, lowered, stated_target
from gongkai.model.catalog import Catalog, ProjectYear
from gongkai.model.errors import field_path
from gongkai.model.loader import Location
from gongkai.model.money import (
    change_amount,
    fraction_text,
    percent,
    quantize,
    ratio,
    wan,
    wan_exact,
    yuan,
)
from gongkai.model.quantity import Quantity, money_in_yuan, normalise, parse_quantity
from gongkai.model.report import DocumentKind, FundRow, Indicator, Nature


class Severity(StrEnum):
    ERROR = "错误"  # figures that contradict each other: must be fixed before publishing
    WARNING = "警告"  # likely mistakes or gaps the form requires filled
    NOTE = "提示"  # weak practice worth a look


@dataclass(frozen=True, order=True)
class Finding:
    """审核发现: one problem in one report."""

    source: str
    line: int | None
    severity: Severity
    check: str
    field: str
    message: str
    figures: str = ""
    fix: str = ""

    def __str__(self) -> str:
        where = self.source + (f" 第{self.line}行" if self.line else "")
        text = f"[{self.severity}] {where} {self.field}：{self.message}"
        if self.figures:
            text += f"\n    依据：{self.figures}"
        if self.fix:
            text += f"\n    建议：{self.fix}"
        return text


class _Report:
    """Helper to make findings for one report with its file and line numbers."""

    def __init__(self, entry: ProjectYear) -> None:
        self.entry = entry

    def finding(
        self,
        severity: Severity,
        check: str,
        loc: Location,
        message: str,
        figures: str = "",
        fix: str = "",
    ) -> Finding:
        line = self.entry.document.line_of(loc)
        return Finding(
            self.entry.source, line, severity, check, field_path(loc), message, figures, fix
        )


# --- figures -------------------------------------------------------------------------------


def check_stated_change(report: _Report, rules: ScoringRules) -> Iterator[Finding]:
    """报告所述较上年变化 vs the change computed from the amounts."""
    budget = report.entry.report.budget
    for row in trend(budget):
        if not row.contradiction:
            continue
        index = [b.year for b in budget].index(row.year)
        before = next(b for b in budget if b.year == row.year - 1)
        computed = row.executed_change if row.executed_change is not None else row.adjusted_change
        yield report.finding(
            Severity.ERROR,
            "变化率与金额不符",
            ("budget", index, "stated_change"),
            f"报告称“{row.line.stated_change}”，与金额不符",
            f"实际执行 {wan(before.executed)} → {wan(row.line.executed)} 万元，"
            f"{change_amount(row.executed_change_amount)}（{percent(row.executed_change, signed=True)}）；"
            f"全年预算 {wan(before.adjusted)} → {wan(row.adjusted)} 万元，"
            f"{change_amount(row.adjusted_change_amount)}（{percent(row.adjusted_change, signed=True)}）",
            f"改为按金额计算的变化率（{percent(computed, signed=True)}），或核对金额",
        )


# "预算控制在5万元以内", "控制在100000元以内": a ceiling the conclusion claims for this year.
_CEILING = re.compile(r"控制在\s*(\d[\d,.]*\s*(?:万元|元|万))\s*(?:以内|以下|之内)")
# A clause about next year's budget is a recommendation, not a claim about this year's money.
_NEXT_YEAR = re.compile(r"下年|下一年|明年|来年|次年|下一步|以后年度|今后|\d{4}年")
_RECOMMENDED = re.compile(r"建议预算申报数\s*(\d[\d,.]*\s*(?:万元|元|万))")


def _clause(text: str, start: int) -> str:
    """The clause around ``start``: from the last punctuation before it."""
    head = re.split(r"[，,。；;：:！!？?\n]", text[:start])[-1]
    return head


def check_conclusion_budget(report: _Report, rules: ScoringRules) -> Iterator[Finding]:
    """The budget named in the conclusion vs the year's figures and the cost indicator."""
    entry = report.entry
    text = entry.report.evaluation.conclusion or ""
    own = entry.own_budget
    for match in _CEILING.finditer(text):
        clause = _clause(text, match.start())
        if _NEXT_YEAR.search(clause) or _PER_UNIT.search(clause):
            continue
        ceiling = money_in_yuan(match.group(1))
        if ceiling is None:
            continue
        spent = [v for v in (own.executed if own else None, own.adjusted if own else None) if v]
        costs = [q.value for _, _, q in _cost_totals(entry) if q.value > ceiling]
        if any(v > ceiling for v in spent) or costs:
            figures = (
                [f"本年全年预算 {wan(own.adjusted)} 万元、实际执行 {wan(own.executed)} 万元"]
                if own
                else []
            )
            figures += [f"成本指标 {yuan(c)} 元" for c in costs]
            yield report.finding(
                Severity.ERROR,
                "结论中的预算与金额不符",
                ("evaluation", "conclusion"),
                f"结论称“{clause}{match.group(0)}”，但本年金额超过此数",
                "；".join(figures),
                "核对结论中的预算额度与本年预算、成本指标是否一致（是否照抄了其他项目或上年的文字）",
            )
    recommended = entry.report.evaluation.recommended_budget
    for match in _RECOMMENDED.finditer(text):
        named = money_in_yuan(match.group(1))
        if recommended is not None and named is not None and named != recommended:
            yield report.finding(
                Severity.ERROR,
                "建议预算与结论不符",
                ("evaluation", "recommended_budget"),
                f"建议下年预算填为 {yuan(recommended)} 元，结论写“建议预算申报数{match.group(1)}”",
                fix="使两处一致",
            )


def _is_cost(indicator: Indicator) -> bool:
    return "成本" in f"{indicator.level2 or ''}{indicator.name or ''}"


# A cost worded per unit (单场, 每人, 人均, 平均, 单价, 补助标准 …) is never the year's total,
# even when its value is written in plain 元. The group names the unit where the words do.
_PER_UNIT_WORDS = re.compile(
    r"单(?P<single>[场次人户件个台套项所批期天])"
    r"|每(?P<each>公里|平方米|立方米|千米|米|[\u4e00-\u9fff])"
    r"|(?P<mean>[人户生场次亩])均"
    r"|平均|单价|单位成本|标准"
)
_UNIT_NOUNS = {"生": "人", "名": "人", "位": "人", "千米": "公里"}
# "每场成本控制在2500元以内", "单场成本…": a conclusion's clause about a unit, not the year.
_PER_UNIT = re.compile(_PER_UNIT_WORDS.pattern + "|每")


def per_unit(indicator: Indicator) -> tuple[bool, str | None]:
    """Whether a cost indicator states a cost per unit (单位成本), and the unit when its words
    or its value name one (每场 → 场, 人均 → 人, 2500元/场 → 场).

    >>> per_unit(Indicator(name="单场活动成本", target="3000元"))
    (True, '场')
    >>> per_unit(Indicator(name="资助资金总额", target="8万元"))
    (False, None)
    """
    quantity = parse_quantity(indicator.target, indicator.unit or "元")
    if quantity is not None and quantity.unit.startswith("元/"):
        noun = quantity.unit.removeprefix("元/")
        return True, _UNIT_NOUNS.get(noun, noun)
    matches = [
        m
        for m in _PER_UNIT_WORDS.finditer(f"{indicator.name or ''}{indicator.target or ''}")
        if m.group("each") != "年"  # 每年 is the year's total
    ]
    if not matches:
        return False, None
    nouns = [n for m in matches for n in (m.group("single"), m.group("each"), m.group("mean")) if n]
    return True, _UNIT_NOUNS.get(nouns[0], nouns[0]) if nouns else None


def _cost_totals(entry: ProjectYear) -> Iterator[tuple[int, Indicator, Quantity]]:
    """Cost indicators whose target is a total in 元 (a rate, a count or a per-unit cost such
    as 2500元/场 or 单场成本 3000元 is not comparable with the year's money), with their place."""
    for index, indicator in enumerate(entry.report.performance.indicators):
        if _is_cost(indicator) and not per_unit(indicator)[0]:
            quantity = parse_quantity(indicator.target, indicator.unit or "元")
            if quantity is not None and quantity.unit == "元":
                yield index, indicator, quantity


def check_cost_indicator(report: _Report, rules: ScoringRules) -> Iterator[Finding]:
    """A total cost indicator (成本指标) the year's executed amount does not meet: above a
    ceiling (≤), or different from an exact amount (=, or no comparison stated)."""
    own = report.entry.own_budget
    if own is None or own.executed is None:
        return
    for index, indicator, quantity in _cost_totals(report.entry):
        amount = quantity.value
        nature = indicator.nature.value if indicator.nature else quantity.comparator
        if nature == "≥" or nature == "定性":
            continue
        if nature == "≤" and own.executed <= amount:
            continue
        if nature != "≤" and amount == own.executed:
            continue
        yield report.finding(
            Severity.WARNING,
            "成本指标与执行数不符",
            ("performance", "indicators", index, "target"),
            f"成本指标 {nature or ''}{yuan(amount)} 元，本年实际执行 {yuan(own.executed)} 元",
            f"差额 {yuan(abs(amount - own.executed))} 元",
            "核对成本指标与预算执行数；成本超出目标时说明原因",
        )


def _completed_count(indicators: list[Indicator], noun: str) -> Decimal | None:
    """The one quantity of ``noun`` (场, 人, 户 …) the report says was done: the 完成值 of its
    non-cost indicators in that unit, when they all give the same number."""
    counts = {
        quantity.value
        for indicator in indicators
        if not _is_cost(indicator)
        for quantity in [parse_quantity(indicator.actual, indicator.unit)]
        if quantity is not None and quantity.unit == noun and quantity.value > 0
    }
    return counts.pop() if len(counts) == 1 else None


def check_unit_cost(report: _Report, rules: ScoringRules) -> Iterator[Finding]:
    """A cost ceiling per unit (每场 ≤ 2500 元) against 实际执行 ÷ the quantity the report says
    it completed, where it states exactly one such quantity; otherwise no comparison at all."""
    own = report.entry.own_budget
    if own is None or not own.executed:
        return
    indicators = report.entry.report.performance.indicators
    for index, indicator in enumerate(indicators):
        if not _is_cost(indicator):
            continue
        unit_cost, noun = per_unit(indicator)
        quantity = parse_quantity(indicator.target, indicator.unit or "元")
        if not unit_cost or noun is None or quantity is None:
            continue
        if not quantity.unit.startswith("元"):
            continue
        nature = indicator.nature.value if indicator.nature else quantity.comparator
        count = _completed_count(indicators, noun)
        if nature != "≤" or count is None:
            continue  # an exact standard (=) may be paid to part of a year's count
        each = own.executed / count
        if quantize(each) <= quantity.value:
            continue
        yield report.finding(
            Severity.WARNING,
            "单位成本高于目标",
            ("performance", "indicators", index, "target"),
            f"成本指标 每{noun} ≤{yuan(quantity.value)} 元；本年实际执行 {yuan(own.executed)} 元"
            f" ÷ 完成 {count.normalize():f} {noun} = 每{noun} {yuan(quantize(each))} 元",
            f"高出 {yuan(quantize(each) - quantity.value)} 元/{noun}",
            "核对完成数量与实际执行数；单位成本超出目标时说明原因",
        )


def _rate_disagrees(stated_text: str, rate: Decimal | None) -> bool:
    """A stated execution rate that the amounts contradict. A rate written to whole percents
    (96%) agrees with 96.30 %: the slack is half the last digit written."""
    stated = parse_quantity(stated_text, "%")
    if stated is None or stated.unit != "%" or rate is None:
        return False
    places = len(normalise(stated_text).partition(".")[2].rstrip("%").strip())
    return abs(stated.value / 100 - rate) > Decimal(5).scaleb(-places - 3)


def check_sums(report: _Report, rules: ScoringRules) -> Iterator[Finding]:
    """Totals that are not the sum of their parts; stated totals and rates vs computed ones."""
    for index, line in enumerate(report.entry.report.budget):
        if (
            line.stated_adjusted is not None
            and line.adjusted is not None
            and line.stated_adjusted != line.adjusted
        ):
            yield report.finding(
                Severity.ERROR,
                "合计不等于各项之和",
                ("budget", index, "stated_adjusted"),
                f"{line.year}年全年预算填为 {line.stated_adjusted:,} 元，年初预算加追加减调减为 {line.adjusted:,} 元",
                fix="核对全年预算数",
            )
        if line.stated_rate and line.adjusted:
            rate = line.rate
            if _rate_disagrees(line.stated_rate, rate):
                yield report.finding(
                    Severity.ERROR,
                    "执行率与金额不符",
                    ("budget", index, "stated_rate"),
                    f"{line.year}年执行率填为 {line.stated_rate}，按金额计算为 {percent(rate)}",
                    fix="改为按金额计算的执行率",
                )
        if line.sources:
            for key, label, total in (
                ("initial", "年初预算", line.initial),
                ("adjusted", "全年预算", line.adjusted),
                ("executed", "实际执行", line.executed),
            ):
                parts = [getattr(s, key) for s in line.sources if getattr(s, key) is not None]
                if parts and total is not None and sum(parts, Decimal(0)) != total:
                    yield report.finding(
                        Severity.ERROR,
                        "合计不等于各项之和",
                        ("budget", index, "sources"),
                        f"{line.year}年{label}合计 {total:,} 元，各资金来源之和 {sum(parts, Decimal(0)):,} 元",
                        "、".join(
                            f"{s.source} {getattr(s, key):,}"
                            for s in line.sources
                            if getattr(s, key) is not None
                        ),
                        "核对各资金来源金额与合计",
                    )


def check_low_execution(report: _Report, rules: ScoringRules) -> Iterator[Finding]:
    """Execution below 90 % needs a reason (自评表: 执行率低于90%须说明原因); execution above
    the full-year budget is spending that was never approved, or a typing slip."""
    for index, line in enumerate(report.entry.report.budget):
        rate = line.rate
        if rate is not None and rate > 1:
            yield report.finding(
                Severity.ERROR,
                "实际执行超过全年预算",
                ("budget", index, "executed"),
                f"{line.year}年实际执行 {yuan(line.executed)} 元，超过全年预算 {yuan(line.adjusted)} 元"
                f"（执行率 {percent(rate)}）",
                fix="核对实际执行数；年中追加的预算请写在 supplementary（追加）中",
            )
        if line.year != report.entry.year:
            continue
        if rate is not None and rate < Decimal("0.9") and not line.execution_reason:
            yield report.finding(
                Severity.WARNING,
                "执行率低于90%未说明原因",
                ("budget", index),
                f"{line.year}年执行率 {percent(rate)}，未说明原因",
                fix="在 execution_reason 中说明执行率偏低的原因",
            )


# --- indicators ----------------------------------------------------------------------------


def check_indicators(report: _Report, rules: ScoringRules) -> Iterator[Finding]:
    indicators = report.entry.report.performance.indicators
    if not indicators:
        yield report.finding(
            Severity.WARNING,
            "缺少绩效指标",
            ("performance",),
            "报告没有绩效指标",
            fix="按绩效目标表填写指标",
        )
        return
    if report.entry.report.kind is DocumentKind.TARGETS:
        return  # published before any money is spent: targets only, nothing done to score
    for key, label in (("actual", "完成值"), ("score", "得分")):
        blank = [i for i, ind in enumerate(indicators) if getattr(ind, key) is None]
        if blank:
            lines = "、".join(
                str(report.entry.document.line_of(("performance", "indicators", i))) for i in blank
            )
            yield report.finding(
                Severity.WARNING,
                f"{label}未填写",
                ("performance", "indicators", blank[0]),
                f"{len(blank)} 个指标未填写{label}（第 {lines} 行）",
                fix=f"逐项填写{label}",
            )
    for index, indicator in enumerate(indicators):
        target = parse_quantity(indicator.target, indicator.unit)
        actual = parse_quantity(indicator.actual, indicator.unit)
        quantitative = indicator.nature is not Nature.QUALITATIVE and target is not None
        if quantitative and indicator.actual is not None and actual is None:
            yield report.finding(
                Severity.WARNING,
                "定量指标完成值不是数字",
                ("performance", "indicators", index, "actual"),
                f"指标值 {indicator.target}，完成值却写“{indicator.actual}”",
                fix="填写实际完成的数值",
            )
        levels = f"{indicator.level1 or ''}{indicator.level2 or ''}"
        satisfaction = "满意度" in levels or (indicator.target or "").strip("。") == "满意"
        measured = any(ch.isdigit() for ch in f"{indicator.target or ''}{indicator.actual or ''}")
        if satisfaction and not measured:
            yield report.finding(
                Severity.NOTE,
                "满意度没有测量值",
                ("performance", "indicators", index),
                f"满意度指标只写“{indicator.target or indicator.actual}”，没有测量的数值",
                fix="以调查得到的满意率作指标值与完成值，如 ≥90% / 95%",
            )
    yield from _check_weights(report, rules)
    yield from _check_scores(report, rules)


def _check_weights(report: _Report, rules: ScoringRules) -> Iterator[Finding]:
    indicators = report.entry.report.performance.indicators
    weights = [ind.weight for ind in indicators if ind.weight is not None]
    if not weights:
        return
    if len(weights) < len(indicators):
        missing = next(i for i, ind in enumerate(indicators) if ind.weight is None)
        yield report.finding(
            Severity.WARNING,
            "部分指标未填写权重",
            ("performance", "indicators", missing, "weight"),
            f"{len(indicators) - len(weights)} 个指标未填写权重",
            fix="逐项填写权重（分值）",
        )
        return
    evaluation = report.entry.report.evaluation
    execution = (
        evaluation.execution_weight
        if evaluation.execution_weight is not None
        else rules.execution_weight
    )
    total = sum(weights, Decimal(0)) + execution
    if total != rules.full_marks:
        yield report.finding(
            Severity.WARNING,
            "权重合计不为100",
            ("performance", "indicators"),
            f"指标权重合计 {sum(weights, Decimal(0))}，加预算执行 {execution} 分，共 {total} 分",
            fix=f"调整权重，使合计为 {rules.full_marks}",
        )
    top = max(weights)
    # "Most of the weight": more than half of the full marks in one indicator.
    if top > rules.full_marks / 2:
        index = next(i for i, ind in enumerate(indicators) if ind.weight == top)
        yield report.finding(
            Severity.WARNING,
            "单个指标权重过大",
            ("performance", "indicators", index, "weight"),
            f"一个指标占 {top} 分，超过满分的一半",
            fix="权重应分布在多个指标上",
        )


def _check_scores(report: _Report, rules: ScoringRules) -> Iterator[Finding]:
    """Stated scores that the figures do not allow (beyond the rounding tolerance)."""
    card = score_report(report.entry, rules)
    for index, item in enumerate(card.indicators):
        if item.differs:
            allowed = item.low_text + ("" if item.high == item.low else f"–{item.high_text}")
            yield report.finding(
                Severity.WARNING,
                "得分与计算不符",
                ("performance", "indicators", index, "score"),
                f"得分填为 {item.stated}，按指标值与完成值计算应为 {allowed}",
                f"指标值 {item.indicator.target}，完成值 {item.indicator.actual}，"
                f"权重 {item.indicator.weight}",
                "核对得分或完成值",
            )
    if card.execution_differs:
        yield report.finding(
            Severity.WARNING,
            "得分与计算不符",
            ("evaluation", "execution_score"),
            f"预算执行得分填为 {card.stated_execution}，按执行率计算为 "
            f"{fraction_text(card.execution_score)}",
            f"执行率 {percent(card.execution_rate)}，分值 {card.execution_weight}",
            "核对预算执行得分",
        )
    if card.total_differs:
        low, high = fraction_text(card.total_low), fraction_text(card.total_high)
        yield report.finding(
            Severity.WARNING,
            "总分与计算不符",
            ("evaluation", "total_score"),
            f"总分填为 {card.stated_total}，按各项计算为 {low if low == high else low + '–' + high}",
            fix="核对各项得分与总分",
        )


# --- text ----------------------------------------------------------------------------------

_LEFTOVERS = [
    (
        re.compile(r"[（(]\s*\d+\s*字以内\s*[)）]|\d+字以内"),
        "模板说明未删除",
        "删去模板中的字数说明",
    ),
    (
        re.compile(r"错误[!！]\s*未定义书签|错误[!！]\s*未找到引用源|\[bookmark:|_GoBack"),
        "Word 错误文字",
        "删去 Word 生成的错误或书签文字",
    ),
    (
        re.compile(r"请(在此)?填写|此处填写|待填写|XXX|×××|某某"),
        "占位文字未替换",
        "把占位文字换成实际内容",
    ),
]


def _texts(entry: ProjectYear) -> Iterator[tuple[Location, str]]:
    report = entry.report
    for index, item in enumerate(report.overview.basic_info):
        yield ("overview", "basic_info", index), item
    for section in ("overview", "funds", "implementation", "evaluation", "performance"):
        model = getattr(report, section)
        for name, value in model:
            if isinstance(value, str) and name not in ("table_title",):
                yield (section, name), value
    for index, indicator in enumerate(report.performance.indicators):
        for name, value in indicator:
            if isinstance(value, str):
                yield ("performance", "indicators", index, name), value
    for index, goal in enumerate(report.form.goals):  # a form's 年度总体目标
        for name, value in goal:
            if isinstance(value, str):
                yield ("form", "goals", index, name), value


def check_leftovers(report: _Report, rules: ScoringRules) -> Iterator[Finding]:
    for loc, text in _texts(report.entry):
        for pattern, what, fix in _LEFTOVERS:
            match = pattern.search(text)
            if match:
                yield report.finding(
                    Severity.WARNING, what, loc, f"含有“{match.group(0)}”", fix=fix
                )


def check_empty_problems(report: _Report, rules: ScoringRules) -> Iterator[Finding]:
    evaluation = report.entry.report.evaluation
    for key, label in (("problems", "存在的问题"), ("suggestions", "相关建议")):
        value = (getattr(evaluation, key) or "").strip().rstrip("。.")
        if value in ("无", "暂无", "没有"):
            yield report.finding(
                Severity.NOTE,
                f"{label}写“无”",
                ("evaluation", key),
                f"{label}只写了“{getattr(evaluation, key).strip()}”",
                fix=f"如实分析{label}；确实没有时说明依据",
            )


# --- copies between projects ---------------------------------------------------------------

_GRAM = 12  # characters per shingle: long enough that shared phrases are not chance
_COPY_SHARE = Decimal("0.6")  # share of a paragraph's shingles found in one other project
_COPY_FIELDS = {
    ("overview", "basic_info"),
    ("overview", "content"),
    ("overview", "expected_effect"),
}
# Budget-history sentences ("2022年预算安排8万元，实际执行8万元…") repeat whenever the amounts do;
# the figure checks cover them.
_BUDGET_SENTENCE = re.compile(r"\d{4}年预算安排")


def _shingles(text: str) -> set[str]:
    text = re.sub(r"\s+", "", text)
    return {text[i : i + _GRAM] for i in range(max(len(text) - _GRAM + 1, 0))}


def check_copies(reports: list[ProjectYear]) -> Iterator[Finding]:
    """Project-specific text (基本情况, 主要内容, 预期效果) copied from another project of the same
    year. Passages nearly all projects of a department share are its template, not a copy."""
    by_year: dict[int, list[ProjectYear]] = defaultdict(list)
    for entry in reports:
        by_year[entry.year].append(entry)
    for entries in by_year.values():
        paragraphs = [
            (entry, loc, text, _shingles(text))
            for entry in entries
            for loc, text in _texts(entry)
            if loc[:2] in _COPY_FIELDS and len(text) >= 20 and not _BUDGET_SENTENCE.search(text)
        ]
        owners: dict[str, set[str]] = defaultdict(set)
        for entry, _, _, grams in paragraphs:
            for gram in grams:
                owners[gram].add(entry.slug)
        size = Counter(e.department.slug for e in entries)
        for entry, loc, text, grams in paragraphs:
            # Boilerplate is text nearly every project of the department shares (at least 4
            # projects and 80 % of them); text in fewer projects is a copy.
            template_from = max(4, -(-size[entry.department.slug] * 4 // 5))
            shared: Counter[str] = Counter()
            for gram in grams:
                holders = owners[gram]
                if 1 < len(holders) < template_from:
                    shared.update(h for h in holders if h != entry.slug)
            for other_slug, count in sorted(shared.items()):
                if Decimal(count) / len(grams) < _COPY_SHARE:
                    continue
                # Reported in both files: which one was copied from cannot be known.
                other = next(e for e in entries if e.slug == other_slug)
                passage = _longest_shared(text, other)
                yield _Report(entry).finding(
                    Severity.WARNING,
                    "文字与其他项目雷同",
                    loc,
                    f"与“{other.name}”（{other.source}）的文字雷同",
                    f"相同段落：“{passage}”",
                    "按本项目实际情况重写；若确为共同内容，请说明",
                )


def _longest_shared(text: str, other: ProjectYear) -> str:
    best = ""
    for loc, candidate in _texts(other):
        if loc[:2] not in _COPY_FIELDS:
            continue
        matcher = difflib.SequenceMatcher(None, text, candidate, autojunk=False)
        match = matcher.find_longest_match(0, len(text), 0, len(candidate))
        if match.size > len(best):
            best = text[match.a : match.a + match.size]
    return best if len(best) <= 80 else best[:80] + "…"


# --- forms ---------------------------------------------------------------------------------


def form_total_gaps(funds: list[FundRow]) -> list[tuple[int, str, Decimal, Decimal]]:
    """Where a form's total row is not the sum of the rows below it (其中…): (row index, column
    label, stated total, sum of the parts). A real form shows 年度资金总额 0 / 0 / 0 above
    其中：本年财政拨款 90 / 89.974 / 89.974."""
    gaps = []
    for index, row in enumerate(funds):
        if not row.is_total:
            continue
        parts = []
        for part in funds[index + 1 :]:
            if part.is_total:
                break
            parts.append(part)
        for key, label in (
            ("initial", "年初预算数"),
            ("adjusted", "全年预算数"),
            ("executed", "全年执行数"),
        ):
            stated = getattr(row, key)
            values = [getattr(p, key) for p in parts if getattr(p, key) is not None]
            if stated is not None and values and sum(values, Decimal(0)) != stated:
                gaps.append((index, label, stated, sum(values, Decimal(0))))
    return gaps


def check_form(report: _Report, rules: ScoringRules) -> Iterator[Finding]:
    """A form's own totals against their parts, and its stated execution rates."""
    funds = report.entry.report.form.funds
    for index, label, stated, parts in form_total_gaps(funds):
        yield report.finding(
            Severity.ERROR,
            "合计不等于各项之和",
            ("form", "funds", index),
            f"{funds[index].label}的{label}填为 {wan_exact(stated)} 万元，其下各项之和为 {wan_exact(parts)} 万元",
            "、".join(
                f"{r.label} {wan_exact(r.adjusted)}"
                for r in funds[index + 1 :]
                if r.adjusted is not None
            ),
            "核对表中的合计行",
        )
    for index, row in enumerate(funds):
        rate = ratio(row.executed, row.adjusted)
        if row.rate and _rate_disagrees(row.rate, rate):
            yield report.finding(
                Severity.ERROR,
                "执行率与金额不符",
                ("form", "funds", index, "rate"),
                f"{row.label}执行率填为 {row.rate}，按金额计算为 {percent(rate)}",
                fix="改为按金额计算的执行率",
            )


def check_incomplete(report: _Report, rules: ScoringRules) -> Iterator[Finding]:
    """An imported fragment is kept for the clerk to finish, never published as it is."""
    if report.entry.report.incomplete:
        yield report.finding(
            Severity.ERROR,
            "导入的片段尚未补全",
            ("incomplete",),
            "这份文件由 gongkai import 从不完整的原文导入",
            fix="按原件补全缺少的部分，然后删去 incomplete: true",
        )
    reading = report.entry.report.ocr
    if reading is not None and not reading.checked:
        yield report.finding(
            Severity.ERROR,
            "文字识别的结果尚未核对",
            ("ocr", "checked"),
            f"这份文件由扫描件“{reading.source}”文字识别（OCR）读取，可能有认错的字和数字",
            fix="对照原件逐项核对（导入核对.xlsx 列出了置信度低的格子及其图片），"
            "然后把 ocr 下的 checked 改为 true",
        )


# --- blank reports -------------------------------------------------------------------------

BLANK_SHARE = Decimal("0.4")  # below this share of its parts filled, a report is not ready


def filled_parts(entry: ProjectYear) -> tuple[int, int]:
    """How many of a report's parts hold something, of how many: the sections of the form,
    the indicators and this year's figures."""
    report = entry.report
    if report.kind is not DocumentKind.REPORT:  # a form: its header, money, goals, indicators
        form, own = report.form, entry.own_budget
        parts = [
            form.supervisor or form.implementer,
            any(r.initial is not None or r.executed is not None for r in form.funds),
            any(g.expected or g.actual for g in form.goals),
            report.performance.indicators,
            own is not None and (own.initial is not None or own.executed is not None),
        ]
        return sum(1 for part in parts if part), len(parts)
    parts: list[object] = [
        report.overview.basic_info,
        *(getattr(report.overview, k) for k in ("content", "expected_effect", "basis")),
        *(getattr(report.overview, k) for k in ("procedure", "method")),
        *(getattr(report.funds, k) for k in ("application", "usage", "financial_management")),
        *(getattr(report.implementation, k) for k in ("organisation", "management", "supervision")),
        report.performance.indicators,
        *(getattr(report.evaluation, k) for k in ("conclusion", "problems", "suggestions")),
        entry.own_budget,
    ]
    return sum(1 for part in parts if part), len(parts)


def check_blank_report(report: _Report, rules: ScoringRules) -> Iterator[Finding]:
    """A report that is mostly blank (a `gongkai new` skeleton left as it was) is not ready."""
    filled, total = filled_parts(report.entry)
    if Decimal(filled) / total < BLANK_SHARE:
        yield report.finding(
            Severity.ERROR,
            "报告大部分未填写",
            ("name",),
            f"报告的 {total} 个部分只填写了 {filled} 个",
            fix="按报告原文填写各部分后再公开；尚未完成的报告请勿放在 data/ 中",
        )


# --- running -------------------------------------------------------------------------------

REPORT_CHECKS: list[Callable[[_Report, ScoringRules], Iterable[Finding]]] = [
    check_stated_change,
    check_conclusion_budget,
    check_cost_indicator,
    check_unit_cost,
    check_sums,
    check_low_execution,
    check_indicators,
    check_leftovers,
    check_empty_problems,
    check_blank_report,
    check_form,
    check_incomplete,
]


# --- targets kept or changed (issue 23) ------------------------------------------------------


def _target_text(indicator: Indicator) -> str:
    return stated_target(indicator) or "（空）"


def _row_name(indicator: Indicator) -> str:
    return indicator.name or indicator.level2 or indicator.level1 or "指标"


def check_lowered_targets(catalog: Catalog) -> Iterator[Finding]:
    """A target the self-evaluation lists lower than the 绩效目标表 published it: the commonest
    way to make a self-evaluation look good. Cites both documents."""
    seen: set[str] = set()
    for documents in catalog.linked.values():
        if documents.targets.key in seen:
            continue
        seen.add(documents.targets.key)
        targets = documents.targets
        for key, rows in comparisons(documents).items():
            evaluation = next(e for e in documents.evaluations if e.key == key)
            for row in lowered(rows):
                assert row.promised is not None and row.listed is not None
                where = _Report(evaluation)
                line = targets.document.line_of(
                    ("performance", "indicators", row.promised_index or 0, "target")
                )
                yield where.finding(
                    Severity.WARNING,
                    "年初目标要求被降低",
                    ("performance", "indicators", row.listed_index or 0, "target"),
                    f"“{_row_name(row.listed)}”年初目标 {_target_text(row.promised)}，"
                    f"{evaluation.report.kind.value}所列目标 {_target_text(row.listed)}",
                    f"绩效目标表 {targets.source}" + (f" 第{line}行" if line else ""),
                    "按年初公开的绩效目标评价；目标确经批准调整的，写明调整的依据和日期",
                )


def check_budget_up_target_down(catalog: Catalog) -> Iterator[Finding]:
    """提示: a project whose 全年预算 rose on the year before while the same indicator's target
    fell — more money for less promised. Targets as published: a year's 绩效目标表 where
    there is one, else the targets its report lists."""
    for project in catalog.projects.values():
        for before_year, year in itertools.pairwise(sorted(project.years)):
            if year != before_year + 1:
                continue
            old, new = project.years[before_year].own_budget, project.years[year].own_budget
            if old is None or new is None or old.adjusted is None or new.adjusted is None:
                continue
            if new.adjusted <= old.adjusted:
                continue
            before = _published(catalog, project.years[before_year])
            now = _published(catalog, project.years[year])
            rows = compare_targets(
                before.report.performance.indicators, now.report.performance.indicators
            )
            for row in lowered(rows):
                assert row.promised is not None and row.listed is not None
                yield _Report(now).finding(
                    Severity.NOTE,
                    "预算增加而目标降低",
                    ("performance", "indicators", row.listed_index or 0, "target"),
                    f"全年预算 {wan(old.adjusted)} → {wan(new.adjusted)} 万元，"
                    f"“{_row_name(row.listed)}”目标 {_target_text(row.promised)}（{before_year}年）"
                    f" → {_target_text(row.listed)}（{year}年）",
                    f"{before_year}年见 {before.source}",
                    "说明预算增加而目标降低的原因",
                )


def _published(catalog: Catalog, entry: ProjectYear) -> ProjectYear:
    """The document holding a year's targets as published: its 绩效目标表 where there is one."""
    documents = catalog.year_documents(entry)
    return documents.targets if documents else entry


def audit(catalog: Catalog, rules: ScoringRules | None = None) -> list[Finding]:
    """Every finding for every report, sorted by file, line and severity."""
    rules = rules or ScoringRules()
    findings: list[Finding] = []
    for entry in catalog.reports:
        report = _Report(entry)
        for check in REPORT_CHECKS:
            findings.extend(check(report, rules))
    findings.extend(check_copies(catalog.reports))
    findings.extend(check_lowered_targets(catalog))
    findings.extend(check_budget_up_target_down(catalog))
    return sorted(findings)


__all__ = ["Finding", "Severity", "audit", "quantize", "tally"]
