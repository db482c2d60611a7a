"""Scores and the automatic audit: hand-worked scores, each check triggered and not, the three
real defects of the reference reports, nothing on a clean report."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA, copy_project, mkdocs_build, run_cli, run_cli_process
from test_site import caption, soup, table_rows

from gongkai.checks.audit import Severity, audit
from gongkai.checks.scoring import ScoringRules, score_indicator, score_report
from gongkai.model.catalog import load_catalog
from gongkai.model.money import round_fraction
from gongkai.model.report import Indicator

CLEAN: dict[str, Any] = {
    "name": "社区矫正培训",
    "budget": [
        {"year": 2022, "initial": 100000, "executed": 100000},
        {
            "year": 2023,
            "initial": 100000,
            "supplementary": 20000,
            "executed": 114000,
            "stated_change": "较上年增长14%",
        },
    ],
    "overview": {
        "basic_info": [
            "保障全区社区矫正对象的教育培训经费，全年组织集中培训四期，覆盖全部在册对象。"
        ],
        "content": "聘请司法所骨干和律师授课，按季度组织集中教育培训，并建立培训档案。",
        "expected_effect": "矫正对象法律意识明显增强，年度再犯率控制在百分之二以内。",
    },
    "performance": {
        "indicators": [
            {
                "level1": "产出指标",
                "level2": "数量指标",
                "name": "培训期数",
                "nature": "≥",
                "target": "4",
                "unit": "期",
                "actual": "4",
                "weight": 30,
                "score": 30,
            },
            {
                "level1": "产出指标",
                "level2": "质量指标",
                "name": "培训合格率",
                "nature": "≥",
                "target": "90%",
                "actual": "95%",
                "weight": 20,
                "score": 20,
            },
            {
                "level1": "产出指标",
                "level2": "成本指标",
                "name": "培训成本",
                "nature": "≤",
                "target": "114000",
                "unit": "元",
                "actual": "114000",
                "weight": 10,
                "score": 10,
            },
            {
                "level1": "效益指标",
                "level2": "社会效益指标",
                "name": "再犯率",
                "nature": "≤",
                "target": "2%",
                "actual": "1%",
                "weight": 20,
                "score": 20,
            },
            {
                "level1": "满意度指标",
                "level2": "服务对象满意度指标",
                "name": "参训人员满意度",
                "nature": "≥",
                "target": "90%",
                "actual": "96%",
                "weight": 10,
                "score": 10,
            },
        ]
    },
    "evaluation": {
        "conclusion": "项目资金使用规范，全年完成培训四期，预算控制在12万元以内。建议预算申报数12万元。",
        "recommended_budget": 120000,
        "problems": "培训场地不足，第三期培训推迟两周举行。",
        "suggestions": "提前一个季度预订培训场地。",
        "execution_score": 9.5,
        "total_score": 99.5,
        "grade": "优",
    },
}


def write_reports(root: Path, *reports: dict[str, Any]) -> Path:
    data = root / "data"
    (data / "2023/xiqu-sifaju").mkdir(parents=True)
    (data / "departments.yml").write_text(
        "departments:\n  - slug: xiqu-sifaju\n    name: 西区司法局\n", encoding="utf-8"
    )
    for index, report in enumerate(reports):
        text = yaml.safe_dump(report, allow_unicode=True, sort_keys=False)
        (data / f"2023/xiqu-sifaju/r{index}.yml").write_text(text, encoding="utf-8")
    return data


def findings_for(tmp_path: Path, *reports: dict[str, Any]) -> list[Any]:
    return audit(load_catalog(write_reports(tmp_path, *reports)))


def variant(**changes: Any) -> dict[str, Any]:
    """The clean report with ``changes`` applied at dotted paths (``evaluation.problems``)."""
    report = copy.deepcopy(CLEAN)
    for path, value in changes.items():
        target = report
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        last = keys[-1]
        if isinstance(target, list):
            target[int(last)] = value
        elif value is None:
            target.pop(last, None)
        else:
            target[last] = value
    return report


# --- scores --------------------------------------------------------------------------------


def ind(**fields: Any) -> Indicator:
    return Indicator(name="x", **fields)


RULES = ScoringRules()


@pytest.mark.parametrize(
    ("fields", "low", "high"),
    [
        # ≥: min(actual / target, 1) × weight — 90 / 95 × 10 = 9.473… → 9.47
        ({"nature": "≥", "target": "95%", "actual": "90%", "weight": 10}, "9.47", "9.47"),
        ({"nature": "≥", "target": "4", "actual": "5", "weight": 30}, "30.00", "30.00"),
        # ≤: min(target / actual, 1) × weight — 80000 / 100000 × 20 = 16
        ({"nature": "≤", "target": "80000", "actual": "100000", "weight": 20}, "16.00", "16.00"),
        ({"nature": "≤", "target": "2%", "actual": "1%", "weight": 20}, "20.00", "20.00"),
        # =: equal gives the weight; otherwise the smaller ratio — 3 / 4 × 8 = 6
        ({"nature": "=", "target": "4", "actual": "4", "weight": 8}, "8.00", "8.00"),
        ({"nature": "=", "target": "4", "actual": "3", "weight": 8}, "6.00", "6.00"),
        # A prefix in the target stands for the nature.
        ({"target": "≥90%", "actual": "45%", "weight": 10}, "5.00", "5.00"),
        # Qualitative: achieved 80–100 %, partly 60–80 %, not 0–60 % of the weight.
        (
            {"nature": "定性", "target": "按时完成", "actual": "已完成", "weight": 10},
            "8.00",
            "10.00",
        ),
        ({"nature": "定性", "target": "满意", "actual": "基本满意", "weight": 10}, "6.00", "8.00"),
        ({"nature": "定性", "target": "完成", "actual": "未完成", "weight": 5}, "0.00", "3.00"),
    ],
)
def test_indicator_scores_by_hand(fields: dict[str, Any], low: str, high: str) -> None:
    result = score_indicator(ind(**fields), RULES)
    assert result.low is not None and result.high is not None
    assert (round_fraction(result.low), round_fraction(result.high)) == (
        Decimal(low),
        Decimal(high),
    )


@pytest.mark.parametrize(
    ("fields", "note"),
    [
        ({"target": "95%", "actual": "90%"}, "报告未写明这个指标的权重"),
        ({"target": "95%", "weight": 10}, "报告未写明这个指标的完成值"),
        ({"nature": "≥", "target": "95%", "actual": "完成", "weight": 10}, "完成值“完成”却不是"),
        ({"target": "95%", "actual": "90%", "weight": 10}, "未写明指标性质"),
        ({"nature": "≥", "target": "95%", "actual": "12次", "weight": 10}, "单位不同（% 与 次）"),
        (
            {"nature": "定性", "target": "按时完成", "actual": "见附件", "weight": 10},
            "没有说明是否达成",
        ),
    ],
)
def test_indicator_scores_that_cannot_be_computed_say_why(
    fields: dict[str, Any], note: str
) -> None:
    result = score_indicator(ind(**fields), RULES)
    assert not result.computed and note in result.note


def test_report_total_and_grade(tmp_path: Path) -> None:
    catalog = load_catalog(write_reports(tmp_path, CLEAN))
    card = score_report(catalog.reports[0])
    assert card.execution_rate == Decimal(114000) / Decimal(120000)
    assert card.execution_score == Decimal("9.50")
    assert card.weight_total == 100
    assert card.total_low == card.total_high == Decimal("99.50")
    assert card.grade == "优"
    assert not card.total_differs and not card.execution_differs
    assert [RULES.grade(Decimal(v)) for v in (90, "89.99", 80, 60, "59.9")] == [
        "优",
        "良",
        "良",
        "中",
        "差",
    ]


def test_stated_scores_that_differ_are_flagged_on_the_page(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    report = variant(
        evaluation__total_score=95,
        evaluation__execution_score=10,
        performance__indicators__1={**CLEAN["performance"]["indicators"][1], "score": 15},
    )
    path = project / "data/2023/xiqu-xinfangju/peixun.yml"
    path.write_text(yaml.safe_dump(report, allow_unicode=True), encoding="utf-8")
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    rows = table_rows(caption(soup(site, "2023/shequ-jiaozheng-peixun/index.html"), "自评得分"))
    assert rows[1] == ["预算执行率", "10.00", "执行率95.00%", "9.50", "10.00与计算不符"]
    assert rows[3][0] == "培训合格率" and rows[3][3:] == ["20.00", "15.00与计算不符"]
    assert rows[-1] == [
        "合计",
        "100.00",
        "等级：优≥90，良80–90，中60–80，差<60",
        "99.50（优）",
        "95.00（优）与计算不符",
    ]
    # The reference reports give no weights and no results: one plain sentence, no table.
    page = soup(site, "2023/baoan-feiyong/index.html")
    assert page.select("table.gk-scores") == []
    reason = page.select_one(".gk-score-reason").get_text(strip=True)
    assert reason.startswith("报告未写明各指标的权重和完成值，本站不计算得分。")
    assert "预算执行率得分 10.00" in reason


# --- the audit -----------------------------------------------------------------------------


def test_clean_report_has_no_findings(tmp_path: Path) -> None:
    other = variant(
        name="人民调解员补贴",
        overview__basic_info=["按件补贴全区人民调解员，调解成功一件补贴两百元，全年预计四百件。"],
        overview__content="由各街道司法所审核调解卷宗后按月申报，区司法局复核发放。",
        overview__expected_effect="调解成功率保持在百分之九十五以上，矛盾纠纷就地化解。",
    )
    assert findings_for(tmp_path, CLEAN, other) == []


def test_reference_defects_are_found_with_file_and_line() -> None:
    found = audit(load_catalog(DATA))
    zhujing = "data/2023/xiqu-xinfangju/zhujing-zhurong-xinfang-weiwen-jingfei.yml"
    maodun = "data/2023/xiqu-xinfangju/maodun-huajie-he-yinan-xinfang-wenti-feiyong.yml"
    lines = (
        (DATA / "2023/xiqu-xinfangju/zhujing-zhurong-xinfang-weiwen-jingfei.yml")
        .read_text(encoding="utf-8")
        .splitlines()
    )

    rate = [f for f in found if f.check == "变化率与金额不符"]
    assert len(rate) == 1 and rate[0].source == zhujing and rate[0].severity is Severity.ERROR
    assert lines[rate[0].line - 1].strip() == "stated_change: 较上年增长66%"
    assert "+200.00%" in rate[0].figures

    ceiling = [f for f in found if f.check == "结论中的预算与金额不符"]
    assert len(ceiling) == 1 and ceiling[0].source == zhujing
    assert lines[ceiling[0].line - 1].strip().startswith("conclusion:")
    assert (
        "预算控制在5万元以内" in ceiling[0].message and "成本指标 150,000 元" in ceiling[0].figures
    )

    copies = [f for f in found if f.check == "文字与其他项目雷同" and f.source == maodun]
    assert len(copies) == 1 and copies[0].field == "overview.basic_info[0]"
    assert "保安费用" in copies[0].message and "两名保安人员" in copies[0].figures
    maodun_lines = (
        (DATA / "2023/xiqu-xinfangju/maodun-huajie-he-yinan-xinfang-wenti-feiyong.yml")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    assert (
        "两名保安人员" in maodun_lines[copies[0].line]
    )  # the block scalar's text follows its key line
    assert all(f.severity is not Severity.ERROR for f in found if f.source != zhujing)


def _indicator(index: int, **changes: Any) -> dict[str, Any]:
    return {**CLEAN["performance"]["indicators"][index], **changes}


TRIGGERS = [
    (
        "变化率与金额不符",
        variant(budget__1={**CLEAN["budget"][1], "stated_change": "较上年增长66%"}),
    ),
    (
        "变化率与金额不符",
        variant(budget__1={**CLEAN["budget"][1], "stated_change": "较上年无变化"}),
    ),
    (
        "结论中的预算与金额不符",
        variant(evaluation__conclusion="预算控制在5万元以内。建议预算申报数12万元。"),
    ),
    ("建议预算与结论不符", variant(evaluation__conclusion="建议预算申报数10万元。")),
    (
        "成本指标与执行数不符",
        variant(
            performance__indicators__2=_indicator(2, target="100000", score="8.77"),
            evaluation__total_score="98.27",
        ),
    ),
    ("合计不等于各项之和", variant(budget__1={**CLEAN["budget"][1], "stated_adjusted": 110000})),
    (
        "合计不等于各项之和",
        variant(
            budget__1={
                **CLEAN["budget"][1],
                "sources": [
                    {"source": "财政资金", "executed": 100000},
                    {"source": "单位资金", "executed": 10000},
                ],
            }
        ),
    ),
    ("执行率与金额不符", variant(budget__1={**CLEAN["budget"][1], "stated_rate": "100%"})),
    (
        "执行率低于90%未说明原因",
        variant(
            budget__1={**CLEAN["budget"][1], "executed": 90000},
            performance__indicators__2=_indicator(2, target="90000", actual="90000"),
            budget__1__stated_change=None,
            evaluation__execution_score=None,
            evaluation__total_score=None,
        ),
    ),
    ("缺少绩效指标", variant(performance__indicators=[])),
    ("完成值未填写", variant(performance__indicators__0=_indicator(0, actual=None))),
    ("得分未填写", variant(performance__indicators__0=_indicator(0, score=None))),
    ("定量指标完成值不是数字", variant(performance__indicators__0=_indicator(0, actual="完成"))),
    (
        "满意度没有测量值",
        variant(
            performance__indicators__4=_indicator(4, target="满意", actual="满意", nature="定性")
        ),
    ),
    ("权重合计不为100", variant(performance__indicators__0=_indicator(0, weight=20, score=20))),
    (
        "单个指标权重过大",
        variant(
            performance__indicators__0=_indicator(0, weight=55, score=55),
            performance__indicators__1=_indicator(1, weight=5, score=5),
            performance__indicators__3=_indicator(3, weight=10, score=10),
            performance__indicators__4=_indicator(4, weight=10, score=10),
        ),
    ),
    ("模板说明未删除", variant(overview__content="（200字以内）聘请司法所骨干授课。")),
    ("Word 错误文字", variant(evaluation__problems="培训场地不足，详见错误!未定义书签。")),
    ("占位文字未替换", variant(overview__expected_effect="请填写预期效果")),
    ("存在的问题写“无”", variant(evaluation__problems="无。")),
    ("相关建议写“无”", variant(evaluation__suggestions="暂无")),
]


@pytest.mark.parametrize(
    ("check", "report"), TRIGGERS, ids=[f"{c}-{i}" for i, (c, _) in enumerate(TRIGGERS)]
)
def test_each_check_is_triggered_by_a_minimal_report(
    tmp_path: Path, check: str, report: dict[str, Any]
) -> None:
    found = findings_for(tmp_path, report)
    assert [f.check for f in found] == [check], [str(f) for f in found]
    assert found[0].source == "data/2023/xiqu-sifaju/r0.yml" and found[0].line


def test_copy_check_needs_shared_project_text(tmp_path: Path) -> None:
    copied = variant(name="人民调解员补贴")  # every paragraph the same as CLEAN's
    found = findings_for(tmp_path, CLEAN, copied)
    assert {f.check for f in found} == {"文字与其他项目雷同"}
    assert {f.source for f in found} == {
        "data/2023/xiqu-sifaju/r0.yml",
        "data/2023/xiqu-sifaju/r1.yml",
    }


def test_template_text_shared_by_most_projects_is_not_a_copy(tmp_path: Path) -> None:
    shared = "按照区财政局统一部署，本单位成立评价工作组，对照绩效目标逐项核查。"
    reports = [
        variant(
            name=f"项目{n}",
            overview__basic_info=[
                f"第{n}个项目的具体内容各不相同，这是编号为{n}的专门说明文字。",
                shared,
            ],
            overview__content=f"内容{n}：本项目独有的实施方式，编号{n}号，与其他项目完全不同。",
            overview__expected_effect=f"效果{n}：本项目独有的预期效果，编号{n}号，与其他项目不同。",
        )
        for n in "一二三四"
    ]
    assert findings_for(tmp_path, *reports) == []


def test_check_strict_fails_on_audit_errors(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    assert run_cli(project, "check").returncode == 0
    # In a process of its own: the exit status is what a shell script or CI sees.
    strict = run_cli_process(project, "check", "--strict")
    assert strict.returncode == 4
    assert "自动审核发现 2 处错误" in strict.stderr and "较上年增长66%" in strict.stderr
    listing = run_cli(project, "audit")
    assert listing.returncode == 0 and "审核完成：错误 2 项" in listing.stdout


def test_audit_page_only_in_internal_builds(built_site: Path, tmp_path: Path) -> None:
    assert not (built_site / "shenhe").exists()
    assert "自动审核" not in (built_site / "index.html").read_text(encoding="utf-8")
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "    data_dir: data\n", "    data_dir: data\n    audit_page: true\n"
        ),
        encoding="utf-8",
    )
    site = tmp_path / "site"
    assert mkdocs_build(project, site).returncode == 0
    page = soup(site, "shenhe/index.html")
    rows = table_rows(
        caption(
            page, "data/2023/xiqu-xinfangju/zhujing-zhurong-xinfang-weiwen-jingfei.yml的审核发现"
        )
    )
    assert any(r[0] == "错误" and "变化率与金额不符" in r[3] for r in rows)


# --- costs per unit (issue 23) ---------------------------------------------------------------

_EVENTS = {"level1": "产出指标", "level2": "数量指标", "name": "举办活动场次"}
_PER_EVENT = {"level1": "产出指标", "level2": "成本指标", "nature": "≤", "target": "3000元"}


def _unit_cost_report(count: str, cost_name: str, executed: int = 58000) -> dict[str, Any]:
    return {
        "name": "校园文化活动",
        "budget": [{"year": 2023, "initial": 64000, "executed": executed}],
        "performance": {
            "indicators": [
                {**_EVENTS, "target": "≥18场", "actual": count},
                {**_PER_EVENT, "name": cost_name},
            ]
        },
    }


def _cost_findings(tmp_path: Path, report: dict[str, Any]) -> list[Any]:
    return [f for f in findings_for(tmp_path, report) if "成本" in f.check]


@pytest.mark.parametrize(
    "cost_name", ["单场活动成本", "每场活动成本", "场均成本", "活动平均每场成本", "每场费用"]
)
def test_a_cost_per_event_is_never_compared_with_the_total(tmp_path: Path, cost_name: str) -> None:
    # 58,000 ÷ 20 场 = 2,900 元 a 场, under 3,000: nothing, though 58,000 > 3,000.
    assert _cost_findings(tmp_path, _unit_cost_report("20场", cost_name)) == []


def test_a_cost_per_event_over_its_ceiling_is_found_with_the_arithmetic(tmp_path: Path) -> None:
    (finding,) = _cost_findings(tmp_path, _unit_cost_report("18场", "单场活动成本"))
    # 58,000 ÷ 18 = 3,222.222… → 3,222.22; 3,222.22 − 3,000 = 222.22
    assert finding.check == "单位成本高于目标" and finding.severity is Severity.WARNING
    assert "58,000 元 ÷ 完成 18 场 = 每场 3,222.22 元" in finding.message
    assert finding.figures == "高出 222.22 元/场"


@pytest.mark.parametrize(
    ("count", "why"),
    [
        ("全部完成", "no number done"),
        ("18人次", "a count of another unit"),
        (None, "nothing stated as done"),
    ],
)
def test_without_the_reports_own_count_a_unit_cost_is_not_compared(
    tmp_path: Path, count: str | None, why: str
) -> None:
    report = _unit_cost_report("18场", "单场活动成本")
    report["performance"]["indicators"][0]["actual"] = count
    if count is None:
        del report["performance"]["indicators"][0]["actual"]
    assert _cost_findings(tmp_path, report) == [], why


def test_an_exact_standard_per_person_is_not_judged_by_division(tmp_path: Path) -> None:
    report = _unit_cost_report("98人", "人均补助标准")
    report["performance"]["indicators"][1]["nature"] = "="
    report["performance"]["indicators"][0]["name"] = "补助人数"
    assert _cost_findings(tmp_path, report) == []
