"""Nothing published that the data does not support: scores by hand with exact fractions,
negated and partial answers, units, totals over one set of projects, future and month-precise
dates, the feed, negative budgets, contradictions on the page and in every download, and the
audit's precision and recall on the labelled corpus."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from conftest import ROOT, copy_project, mkdocs_build
from test_site import caption, soup, table_rows

from gongkai.checks.deadlines import Status, assess
from gongkai.checks.ledger import Ledger
from gongkai.checks.scoring import (
    ScoringRules,
    qualitative_result,
    score_indicator,
    score_report,
)
from gongkai.commands import cli
from gongkai.model.catalog import load_catalog
from gongkai.model.errors import DataErrors
from gongkai.model.money import percent, round_fraction
from gongkai.model.report import BudgetYear, DisclosureEvent, Indicator
from gongkai.outputs.feed import atom_feed
from gongkai.outputs.opendata import BUDGET_COLUMNS, INDICATOR_COLUMNS, Column
from gongkai.settings import Settings
from gongkai.site import Site

RULES = ScoringRules()
W = Fraction(10)


def ind(**fields: Any) -> Indicator:
    return Indicator(name="x", **fields)


# --- qualitative answers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "actual",
    [
        "未按时完成",
        "没有完成",
        "未能完成",
        "未能达到",
        "未全部完成",
        "延期完成",
        "不是",
        "无法实现",
        "不太满意",
        "不满意",
        "未完成",
        "否",
    ],
)
def test_negated_answers_are_not_achieved(actual: str) -> None:
    assert qualitative_result(actual, "按时完成") == "missed"
    result = score_indicator(ind(nature="定性", target="按时完成", actual=actual, weight=10), RULES)
    # Not achieved: 0–60 % of the weight.
    assert (result.low, result.high) == (Fraction(0), Fraction(6))


@pytest.mark.parametrize(
    ("actual", "band"),
    [
        ("基本完成", "partly"),
        ("部分完成", "partly"),
        ("较满意", "partly"),
        ("已按时完成", "achieved"),
        ("全部完成", "achieved"),
        ("非常满意", "achieved"),
        ("未发生", "achieved"),  # 未 negates 发生, not the target: no accident happened
        ("无安全责任事故", "achieved"),
        ("见附件", None),
    ],
)
def test_partial_and_achieved_wording(actual: str, band: str | None) -> None:
    assert qualitative_result(actual) == band


def test_a_project_that_failed_every_indicator_is_not_graded_good(tmp_path: Path) -> None:
    failed = [
        {
            "level2": "时效指标",
            "name": f"任务{n}",
            "nature": "定性",
            "target": "按时完成",
            "actual": answer,
            "weight": 30,
        }
        for n, answer in enumerate(["未按时完成", "没有完成", "延期完成"])
    ]
    card = score_report(_report(tmp_path, indicators=failed))
    # Execution 10 (100 %) + three indicators at 0–60 % of 30 → 10 to 10 + 3 × 18 = 64.
    assert (card.total_low, card.total_high) == (Fraction(10), Fraction(64))
    assert card.grade == "差至中"


# --- quantitative, units, rounding -------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        # 8万元 is 80000 元: 79800 ≤ 80000 meets a ceiling in full.
        ({"nature": "≤", "target": "8万元", "actual": "79800元"}, W),
        # ≥ 80000 with 79800: 79800 / 80000 × 10 = 9.975.
        ({"nature": "≥", "target": "8万元", "actual": "79800元"}, Fraction(79800, 80000) * 10),
        ({"nature": "=", "target": "12", "actual": "12次"}, W),
        ({"nature": "=", "target": "12", "unit": "次", "actual": "12"}, W),
        ({"nature": "≥", "target": "≥95％", "actual": "96.5%"}, W),
        ({"nature": "≥", "target": "1.2万人次", "actual": "9000人次"}, Fraction(9000, 12000) * 10),
        ({"nature": "≤", "target": "5个工作日", "actual": "8个工作日"}, Fraction(5, 8) * 10),
        ({"nature": "≤", "target": "2500元/场", "actual": "2400元/场"}, W),
        ({"target": "2023年12月31日前完成", "nature": "定性", "actual": "2024年1月完成"}, None),
    ],
)
def test_units_are_compared_in_one_unit(fields: dict[str, Any], expected: Fraction | None) -> None:
    result = score_indicator(ind(weight=10, **fields), RULES)
    if expected is None:  # a deadline missed: not achieved
        assert (result.low, result.high) == (Fraction(0), Fraction(6))
    else:
        assert result.low == result.high == expected


def test_units_that_cannot_be_reconciled_are_not_scored() -> None:
    result = score_indicator(ind(nature="≥", target="95%", actual="12次", weight=10), RULES)
    assert not result.computed and "单位不同" in result.note


def _report(tmp_path: Path, **overrides: Any) -> Any:
    data: dict[str, Any] = {
        "name": "测试项目",
        "budget": [{"year": 2023, "initial": 100000, "executed": 100000}],
        "performance": {"indicators": overrides.pop("indicators", [])},
        **overrides,
    }
    folder = tmp_path / "data"
    (folder / "2023/bumen").mkdir(parents=True, exist_ok=True)
    (folder / "departments.yml").write_text(
        "departments:\n  - slug: bumen\n    name: 测试部门\n", encoding="utf-8"
    )
    (folder / "2023/bumen/ceshi.yml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    return load_catalog(folder).reports[0]


def test_three_thirds_add_up_to_exactly_eighty(tmp_path: Path) -> None:
    thirds = [
        {
            "level2": "数量指标",
            "name": f"指标{n}",
            "nature": "≥",
            "target": "3",
            "actual": "1",
            "weight": 10,
        }
        for n in range(3)
    ]
    whole = {
        "level2": "质量指标",
        "name": "全部",
        "nature": "=",
        "target": "1",
        "actual": "1",
        "weight": 60,
    }
    card = score_report(_report(tmp_path, indicators=[*thirds, whole]))
    # 10 (execution) + 60 + 3 × (1/3 × 10) = 80 exactly: 良, not 79.99 中.
    assert card.total_low == card.total_high == Fraction(80)
    assert round_fraction(card.total_low) == Decimal("80.00") and card.grade == "良"


@pytest.mark.parametrize(
    ("indicators", "reason"),
    [
        ([], "报告没有绩效指标，本站不计算得分。"),
        (
            [
                {
                    "level2": "数量指标",
                    "name": "a",
                    "nature": "=",
                    "target": "1",
                    "actual": "1",
                    "weight": 40,
                }
            ],
            "各项权重合计 50 分，不是满分 100 分。",
        ),
        (
            [{"level2": "数量指标", "name": "a", "target": "1"}],
            "报告未写明各指标的权重和完成值，本站不计算得分。",
        ),
        (
            [
                {
                    "level2": "数量指标",
                    "name": "a",
                    "nature": "=",
                    "target": "1",
                    "actual": "1",
                    "weight": 45,
                },
                {
                    "level2": "质量指标",
                    "name": "b",
                    "nature": "定性",
                    "target": "达标",
                    "actual": "见附件",
                    "weight": 45,
                },
            ],
            "有 1 个指标的完成情况无法判断（见上表）。",
        ),
    ],
)
def test_no_total_is_invented_from_missing_data(
    tmp_path: Path, indicators: list[dict[str, Any]], reason: str
) -> None:
    card = score_report(_report(tmp_path, indicators=indicators))
    assert card.total_low is None and card.grade is None
    assert reason in card.reasons


def test_rule_text_and_tolerance_come_from_the_rules_in_effect(tmp_path: Path) -> None:
    rules = ScoringRules(
        execution_weight=Decimal(20),
        grades=((Decimal(85), "优"), (Decimal(70), "良"), (Decimal(0), "差")),
        tolerance=Decimal("0.5"),
    )
    text = "\n".join(rules.describe())
    assert "× 20" in text and "× 10" not in text
    assert "优 ≥ 85，良 70–85，差 < 70" in text
    # A stated 9.7 against a computed 10: within 0.5 here, outside the default 0.05.
    indicator = ind(nature="=", target="1", actual="1", weight=10, score="9.7")
    assert not score_indicator(indicator, rules).differs
    assert score_indicator(indicator, RULES).differs
    # The report's own execution weight wins over the configured one.
    own = [
        {
            "level2": "数量指标",
            "name": "a",
            "nature": "=",
            "target": "1",
            "actual": "1",
            "weight": 85,
        }
    ]
    card = score_report(
        _report(tmp_path, indicators=own, evaluation={"execution_weight": 15}), RULES
    )
    assert card.execution_weight == 15 and card.total_low == 100
    assert any("× 15" in line for line in card.rule_text)


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("approved", "published", "status", "label"),
    [
        # Deadline 2023-02-20; published some day in March: at least 9 days late (1 March).
        ("2023-01-31", "2023-03", Status.LATE, "至少逾期 9 天"),
        ("2023-01-31", "2023-03-03", Status.LATE, "逾期 11 天"),
        # Approved some day in January (deadline 21 Jan – 20 Feb), published 3 March.
        ("2023-01", "2023-03-03", Status.LATE, "至少逾期 11 天"),
        ("2023-01-31", "2023-02", Status.UNKNOWN, "无法核实（日期只精确到月）"),
    ],
)
def test_month_precise_dates_give_only_bounds(
    approved: str, published: str, status: Status, label: str
) -> None:
    result = assess(DisclosureEvent(approved=approved, published=published), dt.date(2024, 1, 1))
    assert (result.status, result.label) == (status, label)


def _run_cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_date_after_today_is_an_error_in_check_and_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "project")
    config = str(project / "mkdocs.yml")
    code, out = _run_cli("--config", config, "check", "--today", "2023-02-15", capsys=capsys)
    assert code == 1
    assert "baoan-feiyong.yml 第" in out and "disclosure.targets.published" in out
    assert "绩效目标公开日期 2023-03 晚于今天（2023-02-15）" in out
    # On the real clock the sample's dates are past: check passes.
    assert _run_cli("--config", config, "check", capsys=capsys)[0] == 0
    # A build refuses a date later than the day it runs.
    path = project / "data/2023/xiqu-xinfangju/baoan-feiyong.yml"
    text = path.read_text(encoding="utf-8").replace("declared: 2022-12", "declared: 2099-12")
    path.write_text(text, encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "disclosure.declared" in result.stderr and "晚于今天" in result.stderr


def test_the_feed_states_no_day_the_data_does_not_hold(tmp_path: Path) -> None:
    catalog = load_catalog(_exact_and_month(tmp_path))
    site = Site(Settings(root=tmp_path), catalog, Ledger(), dt.date(2024, 1, 1))
    raw = atom_feed(site, "测试站").decode("utf-8")
    assert raw.count("<entry>") == 1  # the month-precise publication is left out
    assert "2023-02-20T00:00:00+08:00" in raw and "2023-03-01" not in raw


def _exact_and_month(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    (folder / "2023/bumen").mkdir(parents=True)
    (folder / "departments.yml").write_text(
        "departments:\n  - slug: bumen\n    name: 测试部门\n", encoding="utf-8"
    )
    for slug, published in (("jia", "2023-02-20"), ("yi", "2023-03")):
        data = {
            "name": f"项目{slug}",
            "disclosure": {"targets": {"approved": "2023-02-10", "published": published}},
        }
        (folder / f"2023/bumen/{slug}.yml").write_text(
            yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
        )
    return folder


# --- money -------------------------------------------------------------------------------------


def test_a_negative_full_year_budget_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="全年预算为负数"):
        BudgetYear(year=2023, initial=50000, supplementary=10000, reduction=70000)
    folder = _exact_and_month(tmp_path)
    path = folder / "2023/bumen/jia.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["budget"] = [{"year": 2023, "initial": 50000, "reduction": 60000, "executed": 0}]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataErrors) as raised:
        load_catalog(folder)
    message = raised.value.report()
    assert "jia.yml 第" in message and "budget[0]" in message
    assert "调减不能大于年初预算与追加之和" in message


def test_no_minus_zero_percent() -> None:
    assert percent(Decimal("-0.000001"), signed=True) == "0.00%"
    assert percent(Decimal("-0.000001")) == "0.00%"


# --- a site with a gap and a contradiction ---------------------------------------------------


@pytest.fixture(scope="module")
def gap_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample plus a project whose 全年预算 is missing (only 实际执行 given), grown "100%"
    from a year of zero."""
    project = copy_project(tmp_path_factory.mktemp("gap") / "project")
    extra = {
        "name": "无预算项目",
        "budget": [
            {"year": 2022, "initial": 0, "executed": 0},
            {"year": 2023, "executed": 70000, "stated_change": "较上年增长100%"},
        ],
    }
    (project / "data/2023/xiqu-xinfangju/wu-yusuan.yml").write_text(
        yaml.safe_dump(extra, allow_unicode=True), encoding="utf-8"
    )
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return site


def test_totals_and_rate_come_from_the_same_projects(gap_site: Path) -> None:
    page = soup(gap_site, "2023/index.html")
    lead = page.select_one(".gk-lead").get_text()
    # Sample: budgets 8 + 9 + 9 + 15 = 41 万, executed 8 + 9 + 9 + 15 (hand sums of the files).
    sample = [
        yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "data/2023/xiqu-xinfangju").glob("*.yml"))
    ]
    lines = [next(b for b in s["budget"] if b["year"] == 2023) for s in sample]
    budget = sum(b["initial"] + b.get("supplementary", 0) - b.get("reduction", 0) for b in lines)
    executed = sum(b["executed"] for b in lines)
    rate = Decimal(executed) / Decimal(budget) * 100
    assert f"执行率 {rate.quantize(Decimal('0.01'))}%" in lead
    assert f"实际执行 {Decimal(executed) / 10000:.2f} 万元" in lead  # 7 万 not added
    notes = [n.get_text() for n in page.select(".gk-note")]
    assert any("未计入：无预算项目（报告未写明全年预算）" in n for n in notes)
    total = table_rows(caption(page, "2023年度项目预算执行情况"))[-1]
    assert total[0] == "合计（5个项目中的4个）"


def test_growth_from_zero_is_shown_as_unverifiable(gap_site: Path) -> None:
    page = soup(gap_site, "2023/wu-yusuan-xiangmu/index.html")
    rows = table_rows(caption(page, "无预算项目历年预算执行（金额单位：万元）"))
    assert rows[-1][-1] == "较上年增长100%无法核对"  # cell text, tags dropped
    notes = [p.get_text(" ", strip=True) for p in page.select(".gk-flag-note")]
    reason = "2022年金额为零，增长幅度无法计算，报告所述变化无法核对"
    assert f"无法核对 2023年报告称“较上年增长100%”：{reason}。" in notes
    raw = (gap_site / "xiazai/2023-yusuan.csv").read_bytes().decode("utf-8-sig")
    line = next(
        r
        for r in csv.DictReader(io.StringIO(raw))
        if r["项目网址名"] == "wu-yusuan-xiangmu" and r["预算年度"] == "2023"
    )
    assert line["报告所述变化与金额相符"] == "" and line["报告所述变化无法核对的原因"] == reason
    content = json.loads((gap_site / "xiazai/quanbu.json").read_text(encoding="utf-8"))
    report = next(r for r in content["reports"] if r["slug"] == "wu-yusuan-xiangmu")
    figure = next(f for f in report["figures"] if f["year"] == 2023)
    assert figure["stated_change_unverifiable"] == reason


def test_contradictions_are_in_every_download(built_site: Path) -> None:
    raw = (built_site / "xiazai/2023-yusuan.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    zhujing = next(
        r for r in rows if r["项目网址名"].startswith("zhujing") and r["预算年度"] == "2023"
    )
    assert zhujing["报告所述较上年变化"] == "较上年增长66%"
    assert zhujing["实际执行较上年增减（元）"] == "100000"
    assert zhujing["实际执行较上年变化率"] == "2.0000"
    assert zhujing["报告所述变化与金额相符"] == "否"
    content = json.loads((built_site / "xiazai/quanbu.json").read_text(encoding="utf-8"))
    report = next(r for r in content["reports"] if r["slug"].startswith("zhujing"))
    figure = next(f for f in report["figures"] if f["year"] == 2023)
    assert figure["stated_change_agrees"] is False and figure["executed_change_rate"] == "2.0000"


def _kind_ok(column: Column, value: Any) -> bool:
    if value is None:
        return True
    if column.kind in ("amount", "rate"):
        return isinstance(value, str) and Decimal(value).is_finite()
    if column.kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if column.kind == "flag":
        return isinstance(value, bool)
    return isinstance(value, str)


def _walk_numbers(value: Any) -> list[Any]:
    """Every JSON number in ``value`` but years (integers by the dictionary)."""
    if isinstance(value, dict):
        return [n for k, v in value.items() if k != "year" for n in _walk_numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _walk_numbers(v)]
    return [value] if isinstance(value, float | int) and not isinstance(value, bool) else []


def test_every_download_reads_back_against_the_data_dictionary(built_site: Path) -> None:
    dictionary = soup(built_site, "xiazai/index.html")
    for columns, title in (
        (BUDGET_COLUMNS, "预算表各列说明"),
        (INDICATOR_COLUMNS, "绩效指标表各列说明"),
    ):
        listed = table_rows(caption(dictionary, title))[1:]
        assert [(r[0], r[1], r[2]) for r in listed] == [
            (c.header, c.key, c.kind_label.replace(" ", "")) for c in columns
        ]
    for stem in ["quanbu", "2023", "xiangmu/baoan-feiyong"]:
        for suffix, columns in (
            ("-yusuan.csv", BUDGET_COLUMNS),
            ("-zhibiao.csv", INDICATOR_COLUMNS),
        ):
            raw = (built_site / f"xiazai/{stem}{suffix}").read_bytes().decode("utf-8-sig")
            reader = csv.DictReader(io.StringIO(raw))
            assert reader.fieldnames == [c.header for c in columns]
            for row in reader:
                for column in columns:
                    cell = row[column.header]
                    if cell and column.kind in ("amount", "rate"):
                        Decimal(cell)
                    if cell and column.kind == "integer":
                        int(cell)
                    if cell and column.kind == "flag":
                        assert cell in ("是", "否")
        book = openpyxl.load_workbook(built_site / f"xiazai/{stem}.xlsx")
        for sheet, columns in (("预算", BUDGET_COLUMNS), ("绩效指标", INDICATOR_COLUMNS)):
            headers = [c.value for c in book[sheet][1]]
            expected = []
            for column in columns:
                expected.append(column.header)
                if column.money:
                    expected.append(column.header.replace("（元）", "（万元）"))
            assert headers == expected
        content = json.loads((built_site / f"xiazai/{stem}.json").read_text(encoding="utf-8"))
        for report in content["reports"]:
            # Every number in the report itself is exact digits in a string: no JSON numbers.
            assert _walk_numbers(report["report"]) == []
            for figure in report["figures"]:
                assert list(figure) == [c.key for c in BUDGET_COLUMNS[4:]]
                for column in BUDGET_COLUMNS[4:]:
                    assert _kind_ok(column, figure[column.key]), (column.key, figure)


# --- the audit on the labelled corpus ---------------------------------------------------------


def test_audit_precision_and_recall_on_the_corpus() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import audit_corpus
    import audit_eval

    assert len(audit_corpus.CLEAN) >= 30 and len(audit_corpus.DEFECTIVE) >= 30
    result = audit_eval.evaluate()
    assert result.clean_flagged == 0, [str(f) for f in result.false_positive]
    assert result.false_positive == [] and result.missed == set()
    assert result.precision == result.recall == 1.0
