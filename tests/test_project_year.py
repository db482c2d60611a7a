"""One project-year, all its documents (issue 23): a 绩效目标表 and its self-evaluation linked,
their targets compared row by row, a target made easier found by the audit, the pages and the
totals, and a second document placed beside the first by ``new`` and ``import``."""

from __future__ import annotations

import csv
import io
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, copy_project, mkdocs_build, run_cli
from test_site import caption, soup, table_rows, text_of

from gongkai.checks.audit import Severity, audit
from gongkai.checks.targets import TargetChange, compare_targets, judge
from gongkai.model.catalog import load_catalog
from gongkai.model.linking import link_documents, name_similarity
from gongkai.model.report import DocumentKind, Indicator, Report

ZHUJING = "zhujing-zhurong-xinfang-weiwen-jingfei"
DEPT = "data/2023/xiqu-xinfangju"

# The 绩效目标表 of the sample's 驻京驻蓉信访维稳经费, as it would have been published with the
# 2023 budget: its name worded a little differently, its cost ceiling 5 万元 before the 10 万
# 追加 (the sample's report lists 150000), and a 可持续影响 target the report leaves out.
TARGETS: dict[str, Any] = {
    "name": "驻京驻蓉信访维稳工作经费",
    "slug": f"{ZHUJING}-mubiao",
    "kind": "绩效目标表",
    "title": "项目支出绩效目标表",
    "budget": [{"year": 2023, "initial": 50000}],
    "disclosure": {"targets": {"approved": "2023-02-10", "published": "2023-02-24"}},
    "performance": {
        "indicators": [
            {
                "level1": "产出指标",
                "level2": "数量指标",
                "name": "本年度内进京赴蓉信访事项",
                "target": "≤5件",
            },
            {"level1": "产出指标", "level2": "时效指标", "target": "全年"},
            {
                "level1": "产出指标",
                "level2": "成本指标",
                "nature": "≤",
                "target": "50000",
                "unit": "元",
            },
            {"level1": "满意度指标", "level2": "服务对象满意度指标", "target": "满意"},
            {
                "level1": "效益指标",
                "level2": "可持续影响指标",
                "name": "信访秩序持续好转",
                "target": "持续好转",
            },
        ]
    },
}


def _report(**fields: Any) -> Report:
    return Report.model_validate({"name": "x", **fields})


# --- linking ----------------------------------------------------------------------------------


def test_names_are_the_same_project_despite_small_differences() -> None:
    assert name_similarity("驻京驻蓉信访维稳经费", "驻京驻蓉信访维稳工作经费") >= 0.8
    assert name_similarity("保安费用", "2023年度保安经费绩效目标表") == 1.0
    # A number tells two projects apart, however alike the rest.
    assert name_similarity("第一批农业补贴资金", "第二批农业补贴资金") == 0.0
    assert name_similarity("保安费用", "接访费用") < 0.8


def _docs(*items: tuple[str, str, str, str | None]) -> list[tuple[str, Report]]:
    """(place, kind, name, project code) → the pairs link_documents reads."""
    return [
        (place, _report(name=name, kind=kind, form={"project_code": code} if code else {}))
        for place, kind, name, code in items
    ]


def test_documents_link_by_code_else_by_name_within_department_and_year() -> None:
    documents = _docs(
        ("2023/a", "绩效目标表", "保安经费", None),
        ("2023/a", "自评表", "保安费用", None),
        ("2023/a", "绩效目标表", "办公楼维修", "5100001"),
        ("2023/a", "自评报告", "机关办公用房修缮", "5100001"),  # other name, same code
        ("2023/b", "自评表", "保安费用", None),  # another department
        ("2024/a", "自评表", "保安费用", None),  # another year
        ("2023/a", "自评表", "办公楼维修", "5100002"),  # same name, other code: never
    )
    links = link_documents(documents)
    assert {(link.targets, link.evaluation, link.matched_by) for link in links} == {
        (0, 1, "项目名称"),
        (2, 3, "项目代码"),
    }


def test_a_name_that_fits_two_targets_tables_links_to_neither() -> None:
    documents = _docs(
        ("2023/a", "绩效目标表", "社区服务经费", None),
        ("2023/a", "绩效目标表", "社区服务费用", None),
        ("2023/a", "自评表", "社区服务资金", None),
    )
    assert link_documents(documents) == []


# --- comparing targets --------------------------------------------------------------------------


def _ind(level2: str, name: str | None, target: str | None, **more: Any) -> Indicator:
    return Indicator(level1="产出指标", level2=level2, name=name, target=target, **more)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (_ind("数量指标", "培训场次", "≥12次"), _ind("数量指标", "培训场次", "≥8次"), "要求降低"),
        (
            _ind("数量指标", "培训场次", "≥12次"),
            _ind("数量指标", "培训场次", "≥ 15 次"),
            "要求提高",
        ),
        (_ind("数量指标", "培训场次", "≥12次"), _ind("数量指标", "培训场次", "12次"), "一致"),
        (_ind("数量指标", "培训场次", "≥ 12 次"), _ind("数量指标", "培训场次", "≥12次"), "一致"),
        # A ceiling raised is a target made easier, though its number grew.
        (
            _ind("成本指标", "成本", "50000", nature="≤", unit="元"),
            _ind("成本指标", "成本", "150000"),
            "要求降低",
        ),
        (
            _ind("时效指标", "完成时限", "≤5个工作日"),
            _ind("时效指标", "完成时限", "≤3个工作日"),
            "要求提高",
        ),
        (_ind("满意度指标", "满意度", "≥90%"), _ind("满意度指标", "满意度", "≥85%"), "要求降低"),
        # No way to tell easier from harder: a plain 改动.
        (_ind("质量指标", "验收", "合格"), _ind("质量指标", "验收", "基本合格"), "改动"),
        (_ind("数量指标", "宣传册", "=1000册"), _ind("数量指标", "宣传册", "=800册"), "改动"),
        (_ind("数量指标", "人数", "100人"), _ind("数量指标", "人数", "80人"), "改动"),
        (_ind("数量指标", "面积", "≥8万平方米"), _ind("数量指标", "面积", "≥5千米"), "改动"),
        (_ind("数量指标", "人数", "≥100人"), _ind("数量指标", "人数", None), "自评未写明"),
    ],
)
def test_a_target_is_judged_only_as_far_as_its_values_tell(
    before: Indicator, after: Indicator, expected: str
) -> None:
    assert judge(before, after).value == expected


def test_rows_match_by_level_and_name_tolerant_of_wording() -> None:
    before = [
        _ind("数量指标", "举办培训场次", "≥12场"),
        _ind("数量指标", "第一批补贴人数", "≥100人"),
        _ind("质量指标", "培训合格率", "≥95%"),
        _ind("时效指标", None, "全年"),
    ]
    after = [
        _ind("数量指标", "举办的培训场次", "≥8场"),  # worded differently: the same row
        _ind("数量指标", "第二批补贴人数", "≥100人"),  # another number: another row
        _ind("时效指标", None, "全年"),  # nameless: the level's one row
        _ind("满意度指标", "学员满意度", "≥90%"),
    ]
    rows = compare_targets(before, after)
    assert [(r.indicator.name, r.change) for r in rows] == [
        ("举办的培训场次", TargetChange.LOWERED),
        ("第一批补贴人数", TargetChange.DROPPED),
        ("培训合格率", TargetChange.DROPPED),
        (None, TargetChange.KEPT),
        ("第二批补贴人数", TargetChange.ADDED),
        ("学员满意度", TargetChange.ADDED),
    ]


# --- the site -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def paired(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("paired") / "project")
    (project / DEPT / "zhujing-mubiao.yml").write_text(
        yaml.safe_dump(TARGETS, allow_unicode=True), encoding="utf-8"
    )
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    return project


def test_the_self_evaluation_sets_the_published_targets_beside_its_own(paired: Path) -> None:
    page = soup(paired / "site", f"2023/{ZHUJING}/index.html")
    listed = text_of(page.select_one(".gk-year-documents"))
    assert "项目支出绩效目标表：2023年2月24日公开，公开时效：按时公开（用时14天）" in listed
    assert "项目支出绩效自评报告（本页）" in listed
    rows = table_rows(caption(page, "年初目标与自评所列目标对照"))
    # The mark second, so that a phone shows it without scrolling the table.
    assert rows == [
        ["指标", "对照", "年初目标", "自评所列目标", "完成值"],
        ["数量指标本年度内进京赴蓉信访事项", "自评未写明", "≤5件", "报告未写明", "报告未写明"],
        ["时效指标（无指标名称）", "一致", "全年", "全年", "报告未写明"],
        ["成本指标（无指标名称）", "要求降低", "≤50000元", "150000", "报告未写明"],
        ["服务对象满意度指标（无指标名称）", "一致", "满意", "满意", "报告未写明"],
        ["可持续影响指标信访秩序持续好转", "自评未列", "持续好转", "自评未列", "无"],
        ["质量指标确保年度内无滋事倒流情况", "年初未列", "年初未列", "报告未写明", "报告未写明"],
        ["社会效益指标保障全区和谐稳定", "年初未列", "年初未列", "报告未写明", "报告未写明"],
    ]
    lead = text_of(page.find(id="mubiao-duizhao").find_next("p"))
    assert "共7项指标：一致2项，要求降低1项，自评未列1项，年初未列2项，自评未写明1项。" in lead
    # The targets come before the self-evaluation's own sections.
    html = str(page)
    assert html.index('id="mubiao-duizhao"') < html.index('id="yi"')


def test_the_targets_page_points_to_its_self_evaluation(paired: Path) -> None:
    page = soup(paired / "site", f"2023/{ZHUJING}-mubiao/index.html")
    section = page.select_one(".gk-year-documents")
    assert "项目支出绩效自评报告所列目标与本表不同的有4项，见其中的对照表。" in text_of(section)
    link = section.find("a", href=lambda h: h and h.endswith("#mubiao-duizhao"))
    assert link is not None and page.find(id="mubiao-duizhao") is None


def test_a_single_document_states_no_comparison(paired: Path) -> None:
    page = soup(paired / "site", "2023/baoan-feiyong/index.html")
    assert page.select_one(".gk-year-documents") is None
    assert page.find(id="mubiao-duizhao") is None
    assert "年初目标" not in page.get_text()


def test_a_project_year_counts_once_in_the_totals(paired: Path) -> None:
    page = soup(paired / "site", "2023/index.html")
    lead = text_of(page.select_one(".gk-lead"))
    # 8 + 2 + 8 + 15 万元: the 绩效目标表's 5 万元 is the same project-year as the 15 万元.
    assert "2023年度共公开4个项目，全年预算合计33.00万元，实际执行33.00万元" in lead
    counted = text_of(page.select_one(".gk-target-summary"))
    assert counted == (
        "1个项目同时公开了年初绩效目标表和自评，其中1个项目的自评所列目标与年初公开的不同"
        "（1个项目有目标要求降低）。"
    )
    department = soup(paired / "site", "bumen/xiqu-xinfangju/index.html")
    assert text_of(department.select_one(".gk-target-summary")) == counted


def test_the_project_page_lists_both_documents_targets_first(paired: Path) -> None:
    page = soup(paired / "site", f"xiangmu/{ZHUJING}/index.html")
    item = text_of(page.find(id="baogao").find_next("li"))
    assert item == (
        "2023年度：项目支出绩效目标表（文件所写名称：驻京驻蓉信访维稳工作经费）；项目支出绩效自评报告"
    )
    assert not (paired / "site" / f"xiangmu/{ZHUJING}-mubiao").exists()
    listing = soup(paired / "site", "xiangmu/index.html")
    assert "共4个项目" in text_of(listing.find("article"))


def test_a_target_made_easier_is_a_warning_citing_both_documents(paired: Path) -> None:
    findings = [f for f in audit(load_catalog(paired / "data")) if f.check == "年初目标要求被降低"]
    assert len(findings) == 1
    (finding,) = findings
    assert finding.severity is Severity.WARNING
    assert finding.source == f"data/2023/xiqu-xinfangju/{ZHUJING}.yml"
    assert finding.message == "“成本指标”年初目标 ≤50000元，自评报告所列目标 150000"
    assert finding.figures.startswith("绩效目标表 data/2023/xiqu-xinfangju/zhujing-mubiao.yml 第")


# --- across years ---------------------------------------------------------------------------------


def test_budget_up_while_a_target_falls_is_an_audit_hint(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "2022/xiqu-xinfangju").mkdir(parents=True)
    (data / "2023/xiqu-xinfangju").mkdir(parents=True)
    shutil.copy(ROOT / "data/departments.yml", data / "departments.yml")

    def year(y: int, budget: int, visits: str) -> dict[str, Any]:
        return {
            "name": "信访接待",
            "kind": "绩效目标表",
            "budget": [{"year": y, "initial": budget}],
            "performance": {
                "indicators": [{"level2": "数量指标", "name": "接待群众人次", "target": visits}]
            },
        }

    for y, budget, visits in ((2022, 100000, "≥500人次"), (2023, 120000, "≥400人次")):
        (data / f"{y}/xiqu-xinfangju/jiedai.yml").write_text(
            yaml.safe_dump(year(y, budget, visits), allow_unicode=True), encoding="utf-8"
        )
    hints = [f for f in audit(load_catalog(data)) if f.check == "预算增加而目标降低"]
    assert len(hints) == 1 and hints[0].severity is Severity.NOTE
    assert hints[0].message == (
        "全年预算 10.00 → 12.00 万元，“接待群众人次”目标 ≥500人次（2022年） → ≥400人次（2023年）"
    )
    # The budget falling with the target is no hint.
    (data / "2023/xiqu-xinfangju/jiedai.yml").write_text(
        yaml.safe_dump(year(2023, 90000, "≥400人次"), allow_unicode=True), encoding="utf-8"
    )
    assert not [f for f in audit(load_catalog(data)) if f.check == "预算增加而目标降低"]


# --- placing the second document ----------------------------------------------------------------


def test_new_places_the_second_document_beside_the_first(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    made = run_cli(project, "new", "驻京驻蓉信访维稳经费", "--year", "2023", "--kind", "绩效目标表")
    assert made.returncode == 0, made.stderr
    path = project / DEPT / f"{ZHUJING}-mubiao.yml"
    assert path.is_file()
    assert f"与 data/2023/xiqu-xinfangju/{ZHUJING}.yml（自评报告）同属一个项目年度" in made.stdout
    catalog = load_catalog(project / "data")
    entry = next(e for e in catalog.reports if e.slug == f"{ZHUJING}-mubiao")
    documents = catalog.year_documents(entry)
    assert documents is not None and documents.targets is entry
    assert [e.slug for e in documents.evaluations] == [ZHUJING]


def test_import_places_the_targets_table_beside_its_self_evaluation(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    registry = project / "data/departments.yml"
    registry.write_text(
        registry.read_text(encoding="utf-8")
        + "  - slug: xiqu-jiaoyuju\n    name: 攀枝花市西区教育局\n",
        encoding="utf-8",
    )
    folder = project / "data/2024/xiqu-jiaoyuju"
    folder.mkdir(parents=True)
    evaluation = {"name": "学生营养改善计划", "kind": "自评表", "title": "项目支出绩效自评表"}
    (folder / "yingyang.yml").write_text(
        yaml.safe_dump(evaluation, allow_unicode=True), encoding="utf-8"
    )
    source = Path(__file__).parent / "corpus/kinds/targets-pipes.txt"
    result = run_cli(project, "import", str(source))
    assert result.returncode == 0, result.stderr
    # The self-evaluation holds the project's slug: the 绩效目标表 takes one of its own.
    written = folder / "xuesheng-yingyang-gaishan-jihua-mubiao.yml"
    data = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert data["kind"] == "绩效目标表" and data["name"] == "学生营养改善计划"
    assert data["slug"] == "xuesheng-yingyang-gaishan-jihua-mubiao"
    assert "与 " in result.stdout and "同属一个项目年度，写在它旁边" in result.stdout
    catalog = load_catalog(project / "data")
    entry = next(e for e in catalog.reports if e.report.kind is DocumentKind.TARGETS)
    documents = catalog.year_documents(entry)
    assert documents is not None and [e.source for e in documents.evaluations] == [
        "data/2024/xiqu-jiaoyuju/yingyang.yml"
    ]


def test_the_downloads_carry_the_published_target_and_the_mark(paired: Path) -> None:
    raw = (paired / "site/xiazai/2023-zhibiao.csv").read_bytes().decode("utf-8-sig")
    rows = [r for r in csv.DictReader(io.StringIO(raw)) if r["项目网址名"] == ZHUJING]
    cost = next(r for r in rows if r["二级指标"] == "成本指标")
    assert (cost["指标值"], cost["年初目标"], cost["与年初目标对照"]) == (
        "150000",
        "≤50000元",
        "要求降低",
    )
    added = next(r for r in rows if r["二级指标"] == "质量指标")
    assert (added["年初目标"], added["与年初目标对照"]) == ("", "年初未列")
    # The 绩效目标表's own rows state no comparison; its dropped row is there as published.
    own = [r for r in csv.DictReader(io.StringIO(raw)) if r["项目网址名"] == f"{ZHUJING}-mubiao"]
    assert {r["与年初目标对照"] for r in own} == {""}
    assert "持续好转" in {r["指标值"] for r in own}


def test_two_documents_of_one_slug_are_told_how_to_part(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    same = {**TARGETS, "name": "驻京驻蓉信访维稳经费"}
    del same["slug"]
    (project / DEPT / "mubiao.yml").write_text(
        yaml.safe_dump(same, allow_unicode=True), encoding="utf-8"
    )
    result = run_cli(project, "check")
    assert result.returncode == 1
    assert (
        "请在绩效目标表 data/2023/xiqu-xinfangju/mubiao.yml 中写上 "
        f"slug: {ZHUJING}-mubiao（网站仍会把两份文件放在一起对照）" in result.stderr
    )
    same["slug"] = f"{ZHUJING}-mubiao"
    (project / DEPT / "mubiao.yml").write_text(
        yaml.safe_dump(same, allow_unicode=True), encoding="utf-8"
    )
    assert run_cli(project, "check").returncode == 0


def test_the_home_page_counts_projects_not_documents(paired: Path) -> None:
    page = soup(paired / "site", "index.html")
    years = [text_of(li) for li in page.select("ul.gk-years li")]
    assert years == ["2023年度（4个项目）"]  # five documents, four projects


def test_the_fiscal_data_package_counts_a_project_year_once(paired: Path) -> None:
    raw = (paired / "site/xiazai/fdp-budget.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(raw)))
    assert [r["project"] for r in rows if r["project"].startswith("zhujing")] == [ZHUJING]
    # The four sample files' 年初预算, not 5 万元 more for the 绩效目标表's.
    sample = [
        yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / DEPT).glob("*.yml"))
    ]
    initial = sum(next(b for b in s["budget"] if b["year"] == 2023)["initial"] for s in sample)
    assert sum(Decimal(r["approved"] or 0) for r in rows) == initial
