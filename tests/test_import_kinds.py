"""Importing the kinds of documents departments publish, as they come: the 自评表 (national and
Sichuan layouts), the 绩效目标表, department-level reports, narrative reports under other
titles, web copies with their 索引号 header, "|" tables and one-cell-a-line tables, and
fragments — .docx built here with python-docx (merged cells included) and text files in
``tests/corpus/kinds``. Each input's expected fields are checked, and the round trip (import,
build, page) shows every figure and indicator of the input."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from conftest import ROOT, copy_project, mkdocs_build, run_cli
from test_site import soup, text_of

from gongkai.commands.linkcheck import check_links
from gongkai.model.money import wan_exact

CORPUS = Path(__file__).parent / "corpus/kinds"


# --- .docx forms, built as Word writes them ------------------------------------------------


def _table(document: Any, rows: list[list[str]], merges: list[tuple[int, int, int, int]]) -> None:
    """A Word table from ``rows`` (one string per grid cell); ``merges`` are (row, col, row2,
    col2) spans, whose text is the top-left cell's."""
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    for r1, c1, r2, c2 in merges:
        keep = table.cell(r1, c1).text
        merged = table.cell(r1, c1).merge(table.cell(r2, c2))
        merged.text = keep


def national_form(path: Path) -> Path:
    """财预〔2020〕10号 自评表, with codes before names, a 0 / 0 / 0 total above 90 / 89.974 /
    89.974, a fill-in hint, merged 一级 cells and a 总分 row."""
    document = docx.Document()
    document.add_paragraph("项目支出绩效自评表")
    document.add_paragraph("（2023年度）")
    rows = [
        ["项目名称", "51000021R000000019951-工资性支出", "", "", "", "", "", "", ""],
        [
            "主管部门",
            "219-池州市贵池区棠溪镇人民政府",
            "",
            "",
            "",
            "实施单位",
            "219-池州市贵池区棠溪镇人民政府",
            "",
            "",
        ],
        [
            "项目资金（万元）",
            "",
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
            "",
        ],
        ["", "年度资金总额", "0", "0", "0", "10", "0%", "0", ""],
        ["", "其中：本年财政拨款", "90", "89.974", "89.974", "—", "100%", "—", ""],
        ["", "上年结转资金", "", "", "", "—", "", "—", ""],
        ["", "其他资金", "", "", "", "—", "", "—", ""],
        ["年度总体目标", "预期目标", "", "", "", "实际完成情况", "", "", ""],
        [
            "",
            "保障机关干部职工工资按时足额发放（100字以内）",
            "",
            "",
            "",
            "全年按时足额发放工资，保障机关正常运转",
            "",
            "",
            "",
        ],
        [
            "绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
        ["", "产出指标(50分)", "数量指标", "发放人数", "≥45人", "46人", "20", "20", ""],
        ["", "", "质量指标", "工资发放准确率", "100%", "100%", "15", "15", ""],
        ["", "", "时效指标", "发放及时率", "100%", "100%", "15", "15", ""],
        [
            "",
            "效益指标(30分)",
            "社会效益指标",
            "保障机关正常运转",
            "正常运转",
            "正常运转",
            "30",
            "30",
            "",
        ],
        [
            "",
            "满意度指标(10分)",
            "服务对象满意度指标",
            "干部职工满意度",
            "≥90%",
            "95%",
            "10",
            "10",
            "",
        ],
        ["总分", "", "", "", "", "", "100", "90", ""],
    ]
    merges = [
        (0, 1, 0, 8),
        (1, 1, 1, 4),
        (1, 6, 1, 8),
        (2, 0, 6, 0),
        (7, 0, 8, 0),
        (7, 1, 7, 4),
        (7, 5, 7, 8),
        (8, 1, 8, 4),
        (8, 5, 8, 8),
        (9, 0, 14, 0),
        (10, 1, 12, 1),
        (15, 0, 15, 5),
    ]
    _table(document, rows, merges)
    document.save(path)
    return path


def sichuan_form(path: Path) -> Path:
    """四川 510000_0013zp: 指标性质, 度量单位, 权重; money rows 总额 / 财政资金 / … with 原因."""
    document = docx.Document()
    document.add_paragraph("部门预算项目支出绩效自评表（2023年度）")
    document.add_paragraph("填报单位：攀枝花市西区农业农村和水利局")
    rows = [
        ["项目名称", "高标准农田建设补助", "", "", "", "", "", "", "", ""],
        [
            "主管部门",
            "攀枝花市西区农业农村和水利局",
            "",
            "",
            "",
            "实施单位",
            "攀枝花市西区农业农村和水利局",
            "",
            "",
            "",
        ],
        [
            "项目资金（万元）",
            "",
            "年初预算",
            "调整后预算数",
            "预算执行数",
            "预算执行率",
            "权重",
            "得分",
            "原因",
            "",
        ],
        ["", "总额", "320", "350.5", "310.445", "88.57%", "10", "8.86", "部分工程未完工", ""],
        ["", "财政资金", "300", "330.5", "295.445", "89.39%", "", "", "", ""],
        ["", "财政专户管理资金", "", "", "", "", "", "", "", ""],
        ["", "单位资金", "20", "20", "15", "75%", "", "", "", ""],
        ["", "其他资金", "", "", "", "", "", "", "", ""],
        ["年度总体目标", "预期目标", "", "", "", "实际完成情况", "", "", "", ""],
        ["", "建成高标准农田1200亩", "", "", "", "建成高标准农田1080亩", "", "", "", ""],
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "指标性质",
            "指标值",
            "度量单位",
            "完成值",
            "权重",
            "得分",
            "未完成原因分析",
        ],
        [
            "产出指标",
            "数量指标",
            "新建高标准农田面积",
            "≥",
            "1200",
            "亩",
            "1080",
            "30",
            "27",
            "两处地块征地延期",
        ],
        ["", "质量指标", "工程验收合格率", "=", "100", "%", "100", "20", "20", ""],
        ["效益指标", "经济效益指标", "亩均增产", "≥", "50", "公斤", "55", "20", "20", ""],
        [
            "满意度指标",
            "服务对象满意度指标",
            "受益农户满意度",
            "≥",
            "90",
            "%",
            "92",
            "20",
            "20",
            "",
        ],
    ]
    merges = [
        (0, 1, 0, 9),
        (1, 1, 1, 4),
        (1, 6, 1, 9),
        (2, 0, 7, 0),
        (8, 0, 9, 0),
        (8, 1, 8, 4),
        (8, 5, 8, 9),
        (9, 1, 9, 4),
        (9, 5, 9, 9),
        (11, 0, 12, 0),
    ]
    _table(document, rows, merges)
    document.save(path)
    return path


def targets_form(path: Path) -> Path:
    """绩效目标表 published with the budget: targets, no 完成值."""
    document = docx.Document()
    document.add_paragraph("2024年度项目支出绩效目标表")
    document.add_paragraph("（单位：万元）")
    rows = [
        ["项目名称", "城乡居民基本医疗保险补助", "", "", "", ""],
        ["主管部门", "攀枝花市西区医疗保障局", "", "实施单位", "攀枝花市西区医疗保障局", ""],
        ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", ""],
        ["", "年度资金总额", "456.123", "", "", ""],
        ["", "其中：本年财政拨款", "456.123", "", "", ""],
        ["年度总体目标", "预期目标", "", "", "", ""],
        ["", "按标准足额落实城乡居民医保财政补助", "", "", "", ""],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "分值"],
        ["", "产出指标", "数量指标", "补助参保人数", "≥5.2万人", "40"],
        ["", "", "时效指标", "资金拨付及时率", "100%", "20"],
        ["", "效益指标", "社会效益指标", "参保群众看病负担", "有效减轻", "30"],
        ["", "满意度指标", "服务对象满意度指标", "参保群众满意度", "≥90%", "10"],
    ]
    merges = [
        (0, 1, 0, 5),
        (1, 1, 1, 2),
        (1, 4, 1, 5),
        (2, 0, 4, 0),
        (5, 0, 6, 0),
        (5, 1, 5, 5),
        (6, 1, 6, 5),
        (7, 0, 11, 0),
        (8, 1, 9, 1),
    ]
    _table(document, rows, merges)
    document.save(path)
    return path


def department_form(path: Path) -> Path:
    """部门整体支出绩效自评表: 单位名称, 基本支出 / 项目支出 under the total."""
    document = docx.Document()
    document.add_paragraph("部门（单位）整体支出绩效自评表")
    document.add_paragraph("（2023年度）")
    rows = [
        ["单位名称", "攀枝花市西区信访局", "", "", "", "", "", ""],
        [
            "部门资金（万元）",
            "",
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
        ],
        ["", "年度资金总额", "180.2", "198.76", "195.31", "10", "98.26%", "9.83"],
        ["", "其中：基本支出", "142.2", "150.76", "150.76", "", "", ""],
        ["", "项目支出", "38", "48", "44.55", "", "", ""],
        ["年度总体目标", "预期目标", "", "", "实际完成情况", "", "", ""],
        [
            "",
            "依法及时处理群众来信来访",
            "",
            "",
            "全年受理信访事项1,236件，按期办结率99%",
            "",
            "",
            "",
        ],
        [
            "绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
        ],
        ["", "产出指标", "质量指标", "信访事项按期办结率", "≥95%", "99%", "40", "40"],
        ["", "效益指标", "社会效益指标", "群众信访秩序", "持续好转", "持续好转", "30", "28"],
        ["", "满意度指标", "服务对象满意度指标", "群众满意率", "≥85%", "91%", "20", "20"],
        ["总分", "", "", "", "", "", "100", "97.83"],
    ]
    merges = [
        (0, 1, 0, 7),
        (1, 0, 4, 0),
        (5, 0, 6, 0),
        (5, 1, 5, 3),
        (5, 4, 5, 7),
        (6, 1, 6, 3),
        (6, 4, 6, 7),
        (7, 0, 10, 0),
        (11, 0, 11, 5),
    ]
    _table(document, rows, merges)
    document.save(path)
    return path


def titled_in_table(path: Path) -> Path:
    """A 自评表 whose title, year and unit line stand in the table's own first rows, with
    cells that hold line breaks, as many Word forms are made."""
    document = docx.Document()
    rows = [
        ["项目支出绩效自评表（2023年度）", "", "", "", "", "", "", ""],
        ["单位：万元", "", "", "", "", "", "", ""],
        [
            "项目名称",
            "乡村振兴\n衔接资金",
            "",
            "",
            "实施单位",
            "攀枝花市西区格里坪镇人民政府",
            "",
            "",
        ],
        [
            "项目资金（万元）",
            "",
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
        ],
        ["", "年度资金总额", "210", "210", "189.6", "10", "90.29%", "9.03"],
        ["年度总体目标", "预期目标", "", "", "实际完成情况", "", "", ""],
        ["", "建设产业路3公里", "", "", "建成产业路2.7公里", "", "", ""],
        [
            "绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
        ],
        ["", "产出指标", "数量指标", "产业路长度", "3公里", "2.7公里", "50", "45"],
        ["", "效益指标", "经济效益指标", "带动农户增收", "≥200户", "236户", "30", "30"],
        ["", "满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%", "93%", "10", "10"],
        ["总分", "", "", "", "", "", "100", "94.03"],
    ]
    merges = [
        (0, 0, 0, 7),
        (1, 0, 1, 7),
        (2, 1, 2, 3),
        (2, 5, 2, 7),
        (3, 0, 4, 0),
        (5, 0, 6, 0),
        (5, 1, 5, 3),
        (5, 4, 5, 7),
        (6, 1, 6, 3),
        (6, 4, 6, 7),
        (7, 0, 10, 0),
        (11, 0, 11, 5),
    ]
    _table(document, rows, merges)
    document.save(path)
    return path


def fragment_docx(path: Path) -> Path:
    """Only the indicator table of a 绩效目标表, nothing around it."""
    document = docx.Document()
    rows = [
        ["一级指标", "二级指标", "三级指标", "年度指标值"],
        ["产出指标", "数量指标", "培训人次", "≥600人次"],
        ["", "质量指标", "培训合格率", "≥95%"],
        ["满意度指标", "服务对象满意度指标", "学员满意度", "≥90%"],
    ]
    _table(document, rows, [(1, 0, 2, 0)])
    document.save(path)
    return path


BUILDERS = {
    "national-form.docx": national_form,
    "sichuan-form.docx": sichuan_form,
    "targets-form.docx": targets_form,
    "department-form.docx": department_form,
    "fragment-targets.docx": fragment_docx,
    "titled-in-table.docx": titled_in_table,
}
TEXTS = sorted(p.name for p in CORPUS.glob("*.txt"))
ALL = sorted([*BUILDERS, *TEXTS])
# Inputs that say neither their unit nor their year: the clerk gives them.
GIVEN = {
    "fragment-indicators.txt": ["--year", "2023", "--department", "攀枝花市西区交通运输局"],
    "fragment-targets.docx": ["--year", "2024", "--department", "攀枝花市西区人力资源和社会保障局"],
}


def materialise(name: str, folder: Path) -> Path:
    if name in BUILDERS:
        return BUILDERS[name](folder / name)
    return Path(shutil.copy(CORPUS / name, folder / name))


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """A project started afresh (no data/), every corpus input imported one by one."""
    root = tmp_path_factory.mktemp("kinds")
    project = copy_project(root / "project")
    shutil.rmtree(project / "data")
    inputs = root / "inputs"
    inputs.mkdir()
    outputs: dict[str, str] = {}
    for name in ALL:
        source = materialise(name, inputs)
        result = run_cli(project, "import", str(source), "--out", "data", *GIVEN.get(name, []))
        assert result.returncode == 0, (name, result.stdout, result.stderr)
        outputs[name] = result.stdout
    yield project, outputs


def _files(project: Path, name: str) -> list[dict[str, Any]]:
    stem = name.rsplit(".", 1)[0]
    found = []
    for path in sorted((project / "data").rglob("*.yml")):
        if path.name == "departments.yml":
            continue
        text = path.read_text(encoding="utf-8")
        if f"从 {name} 导入" in text:
            data = yaml.safe_load(text)
            data["_path"] = path
            found.append(data)
    assert found, stem
    return found


def test_the_corpus_has_at_least_twelve_inputs() -> None:
    assert len(ALL) >= 12
    kinds = {"docx": 0, "txt": 0}
    for name in ALL:
        kinds[name.rsplit(".", 1)[1]] += 1
    assert kinds["docx"] >= 5 and kinds["txt"] >= 7


def test_a_fresh_start_creates_the_data_folder_and_the_registry(
    imported: tuple[Path, dict[str, str]],
) -> None:
    project, outputs = imported
    registry = yaml.safe_load((project / "data/departments.yml").read_text(encoding="utf-8"))
    names = {d["name"]: d["slug"] for d in registry["departments"]}
    assert names["池州市贵池区棠溪镇人民政府"] == "chizhoushi-guichiqu-tang-xi-zhen-renminzhengfu"
    assert names["攀枝花市西区司法局"] == "panzhihuashi-xiqu-sifaju"
    assert "攀枝花市西区交通运输局" in names  # given with --department 名称
    assert "新建部门：池州市贵池区棠溪镇人民政府" in "".join(outputs.values())
    assert run_cli(project, "check").returncode in (0, 3)


def test_the_national_form_keeps_its_figures_codes_and_totals(
    imported: tuple[Path, dict[str, str]],
) -> None:
    project, outputs = imported
    (data,) = _files(project, "national-form.docx")
    assert data["kind"] == "自评表" and data["name"] == "工资性支出"
    form = data["form"]
    assert form["project_code"] == "51000021R000000019951"
    assert (form["supervisor"], form["supervisor_code"]) == ("池州市贵池区棠溪镇人民政府", "219")
    assert form["funds"][0] == {
        "label": "年度资金总额",
        "initial": 0,
        "adjusted": 0,
        "executed": 0,
        "weight": 10,
        "rate": "0%",
        "score": 0,
    }
    assert [r["label"] for r in form["funds"]] == [
        "年度资金总额",
        "其中：本年财政拨款",
        "上年结转资金",
        "其他资金",
    ]
    assert form["total_weight"] == 100
    # 89.974 万元 is exactly 899,740 元.
    assert form["funds"][1]["adjusted"] == 899740 and form["funds"][1]["initial"] == 900000
    assert form["goals"] == [
        {
            "expected": "保障机关干部职工工资按时足额发放（100字以内）",
            "actual": "全年按时足额发放工资，保障机关正常运转",
        }
    ]
    assert [i["name"] for i in data["performance"]["indicators"]] == [
        "发放人数",
        "工资发放准确率",
        "发放及时率",
        "保障机关正常运转",
        "干部职工满意度",
    ]
    assert data["performance"]["indicators"][1]["level1"] == "产出指标(50分)"  # merged cell
    assert data["evaluation"] == {"execution_weight": 10, "execution_score": 0, "total_score": 90}
    # The trend takes the parts where the total disagrees with them, and says so.
    assert data["budget"] == [
        {"year": 2023, "initial": 900000, "reduction": 260, "executed": 899740}
    ]
    assert "年度资金总额的全年预算数与其下各项之和不符" in outputs["national-form.docx"]
    audit = run_cli(project, "audit")
    assert "年度资金总额的全年预算数填为 0.00 万元，其下各项之和为 89.974 万元" in audit.stdout
    assert "（100字以内）" in audit.stdout  # the fill-in hint left in the form


def test_the_sichuan_form_reads_its_own_column_names(imported: tuple[Path, dict[str, str]]) -> None:
    project, _ = imported
    (data,) = _files(project, "sichuan-form.docx")
    assert data["kind"] == "自评表" and data["name"] == "高标准农田建设补助"
    total = data["form"]["funds"][0]
    assert (
        total["label"] == "总额" and total["adjusted"] == 3505000 and total["executed"] == 3104450
    )
    assert total["reason"] == "部分工程未完工" and total["rate"] == "88.57%"
    first = data["performance"]["indicators"][0]
    assert (first["nature"], first["target"], first["unit"], first["actual"]) == (
        "≥",
        "1200",
        "亩",
        "1080",
    )
    assert first["reason"] == "两处地块征地延期"
    assert data["budget"] == [
        {
            "year": 2023,
            "initial": 3200000,
            "supplementary": 305000,
            "executed": 3104450,
            "stated_rate": "88.57%",
        }
    ]
    assert "填报单位：攀枝花市西区农业农村和水利局" in data["unplaced"]


def test_the_targets_table_has_no_completion(imported: tuple[Path, dict[str, str]]) -> None:
    project, _ = imported
    (docx_data,) = _files(project, "targets-form.docx")
    (text_data,) = _files(project, "targets-pipes.txt")
    for data in (docx_data, text_data):
        assert data["kind"] == "绩效目标表"
        assert all("actual" not in i for i in data["performance"]["indicators"])
        assert "evaluation" not in data
    assert docx_data["form"]["funds"][0]["initial"] == 4561230  # 456.123 万元
    assert text_data["disclosure"]["targets"]["published"] == "2024-01-26"  # 发布日期
    assert text_data["disclosure"]["publisher"] == "攀枝花市西区教育局"


def test_department_level_documents(imported: tuple[Path, dict[str, str]]) -> None:
    project, _ = imported
    (form,) = _files(project, "department-form.docx")
    assert form["kind"] == "部门整体" and form["name"] == "攀枝花市西区信访局部门整体支出"
    assert [r["label"] for r in form["form"]["funds"]] == [
        "年度资金总额",
        "其中：基本支出",
        "项目支出",
    ]
    assert str(form["evaluation"]["total_score"]) == "97.83"
    (prose,) = _files(project, "department-report.txt")
    assert prose["kind"] == "部门整体" and prose["title"] == "部门整体支出绩效自评报告"
    assert prose["budget"] == [{"year": 2023, "initial": 18503600, "executed": 18021100}]
    assert "一、部门基本情况" in prose["unplaced"]


def test_web_copies_keep_their_header(imported: tuple[Path, dict[str, str]]) -> None:
    project, _ = imported
    (pipes,) = _files(project, "form-pipes.txt")
    disclosure = pipes["disclosure"]
    assert disclosure["index_number"] == "11341702003176428Q/2024-00031"
    assert disclosure["document_number"] == "棠政〔2024〕12号"
    assert disclosure["self_evaluation"]["published"] == "2024-05-20"
    assert "时效性：有效" in pipes["unplaced"]
    (lines,) = _files(project, "form-lines.txt")
    assert lines["disclosure"]["self_evaluation"]["published"] == "2024-06-03"
    assert [i["level1"] for i in lines["performance"]["indicators"]] == [
        "产出指标",
        "产出指标",
        "效益指标",
        "满意度指标",
    ]
    assert lines["form"]["funds"][0]["executed"] == 118750
    assert str(lines["evaluation"]["total_score"]) == "99.5"
    (report,) = _files(project, "evaluation-report-web.txt")
    assert report["name"] == "社区矫正工作经费"
    assert report["title"] == "部门决算中项目绩效评价报告"
    assert report["disclosure"]["document_number"] == "西司发〔2024〕18号"


def test_a_form_titled_inside_its_table(imported: tuple[Path, dict[str, str]]) -> None:
    project, _ = imported
    (data,) = _files(project, "titled-in-table.docx")
    assert data["kind"] == "自评表" and data["title"] == "项目支出绩效自评表（2023年度）"
    assert data["name"] == "乡村振兴衔接资金"  # one name again, though Word broke its cell
    assert data["budget"] == [
        {"year": 2023, "initial": 2100000, "executed": 1896000, "stated_rate": "90.29%"}
    ]
    assert data["form"]["implementer"] == "攀枝花市西区格里坪镇人民政府"
    assert [i["name"] for i in data["performance"]["indicators"]] == [
        "产业路长度",
        "带动农户增收",
        "受益群众满意度",
    ]


def test_one_report_covering_two_projects(imported: tuple[Path, dict[str, str]]) -> None:
    project, outputs = imported
    found = {d["name"]: d for d in _files(project, "unit-report-two-projects.txt")}
    assert set(found) == {"公共文化服务体系建设经费", "文物保护经费"}
    assert found["文物保护经费"]["budget"] == [{"year": 2023, "initial": 60000, "executed": 54000}]
    assert "panzhihuashi-xiqu-wenhua-guangbodianshi-he-lvyouju" in str(
        found["文物保护经费"]["_path"]
    )
    assert "未找到：" in outputs["unit-report-two-projects.txt"]


def test_fragments_are_kept_and_marked_incomplete(imported: tuple[Path, dict[str, str]]) -> None:
    project, outputs = imported
    (text,) = _files(project, "fragment-indicators.txt")
    (word,) = _files(project, "fragment-targets.docx")
    assert text["incomplete"] is True and text["kind"] == "自评表"
    assert len(text["performance"]["indicators"]) == 4
    assert word["incomplete"] is True and word["kind"] == "绩效目标表"
    assert "不完整：已标为 incomplete: true" in outputs["fragment-indicators.txt"]
    strict = run_cli(project, "check", "--strict")
    assert strict.returncode == 4
    assert "incomplete：这份文件由 gongkai import 从不完整的原文导入" in strict.stderr


def test_a_folder_of_reports_becomes_a_site(tmp_path: Path) -> None:
    """The clerk hands over a folder: every report in it is imported by one command, into a
    project that has no data yet, and the site builds."""
    project = copy_project(tmp_path / "project")
    shutil.rmtree(project / "data")
    folder = tmp_path / "报告"
    (folder / "网页").mkdir(parents=True)
    for name in ALL:
        if name not in GIVEN:  # fragments need their unit and year told
            materialise(name, folder / "网页" if name.endswith(".txt") else folder)
    (folder / "~$lock.docx").write_bytes(b"Word's lock file")
    result = run_cli(project, "import", str(folder), "--out", "data")
    assert result.returncode == 0, result.stderr
    written = [p for p in (project / "data").rglob("*.yml") if p.name != "departments.yml"]
    assert len(written) == len(ALL) - len(GIVEN) + 1  # one file holds two projects
    site = tmp_path / "site"
    build = mkdocs_build(project, site)
    assert build.returncode == 0, build.stderr
    assert (site / "2023/gongzi-xingzhichu/index.html").is_file()
    assert (site / "bumen/panzhihuashi-xiqu-minzhengju/2023/index.html").is_file()
    assert check_links(site) == []


def test_a_new_department_code_takes_the_name_the_document_gives(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    shutil.rmtree(project / "data")
    source = materialise("form-lines.txt", tmp_path)
    result = run_cli(project, "import", str(source), "--out", "data", "--department", "xiqu-sifa")
    assert result.returncode == 0, result.stderr
    registry = yaml.safe_load((project / "data/departments.yml").read_text(encoding="utf-8"))
    assert registry["departments"] == [{"slug": "xiqu-sifa", "name": "攀枝花市西区司法局"}]
    assert (project / "data/2023/xiqu-sifa/renmintiaojie-gongzuo-jingfei.yml").is_file()


def test_nothing_recognisable_is_refused_with_the_reason(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("今天开会，讨论明年的工作安排。\n会议由办公室主任主持。\n", encoding="utf-8")
    result = run_cli(ROOT, "import", str(notes), "--out", str(tmp_path / "data"))
    assert result.returncode == 1 and "没有可识别的内容" in result.stderr
    assert not (tmp_path / "data").exists()


def _figures(data: dict[str, Any]) -> list[str]:
    """What the page must show of an input: its amounts in 万元 and its indicators."""
    shown = []
    for row in data.get("form", {}).get("funds", []):
        shown.append(row["label"])
        for key in ("initial", "adjusted", "executed"):
            if key in row:
                shown.append(wan_exact(Decimal(str(row[key]))))
        shown.extend(str(row[key]) for key in ("weight", "rate", "score", "reason") if key in row)
    for goal in data.get("form", {}).get("goals", []):
        shown.extend(goal.values())
    if "total_weight" in data.get("form", {}):
        shown.append(f"分值{data['form']['total_weight']}")
    if "total_score" in data.get("evaluation", {}):
        shown.append(f"得分{data['evaluation']['total_score']}")
    for indicator in data.get("performance", {}).get("indicators", []):
        shown.extend(str(v) for k, v in indicator.items() if k not in ("weight", "score"))
        shown.extend(str(indicator[k]) for k in ("weight", "score") if k in indicator)
    return shown


@pytest.mark.parametrize("name", ALL)
def test_round_trip_the_page_shows_every_figure_and_indicator(
    imported: tuple[Path, dict[str, str]], name: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    project, _ = imported
    site = project / "site"
    if not (site / "index.html").exists():
        result = mkdocs_build(project, site)
        assert result.returncode == 0, result.stderr
    for data in _files(project, name):
        path: Path = data["_path"]
        year, slug = path.parent.parent.name, data.get("slug") or path.stem
        page = soup(site, f"{year}/{slug}/index.html")
        shown = re.sub(r"\s+", "", text_of(page.find("article")))
        assert re.sub(r"\s+", "", data["name"]) in shown
        for figure in _figures(data):
            assert re.sub(r"\s+", "", figure) in shown, (name, figure)
        # Each indicator's values stand in its own row of the form's (or report's) table.
        table = page.select_one("table.gk-form, table.gk-indicators")
        rows = [
            [re.sub(r"\s+", "", text_of(c)) for c in r.find_all(["td", "th"])]
            for r in (table.find_all("tr") if table else [])
        ]
        for indicator in data.get("performance", {}).get("indicators", []):
            label = re.sub(r"\s+", "", indicator.get("name") or indicator["target"])
            row = "".join(next((r for r in rows if label in r), []))
            for key, value in indicator.items():
                if key not in ("level1", "level2"):
                    assert re.sub(r"\s+", "", str(value)) in row, (name, key, value)


# --- the pages of the kinds, in Chromium -------------------------------------------------


@pytest.fixture(scope="module")
def kinds_site(imported: tuple[Path, dict[str, str]]) -> Path:
    project, _ = imported
    site = project / "site"
    if not (site / "index.html").exists():
        result = mkdocs_build(project, site)
        assert result.returncode == 0, result.stderr
    return site


def test_a_form_page_is_dated_by_its_own_publication(kinds_site: Path) -> None:
    """The web copy's 发布日期 (2024-05-20) is the 自评表's publication: the page's 发布日期."""
    from gongkai.model.slug import slugify

    page = soup(kinds_site, f"2023/{slugify('村级公益事业建设')}/index.html")
    assert text_of(page.select_one(".gk-dateline")) == "发布日期：2024年5月20日"
    meta = {m["name"]: m["content"] for m in page.find_all("meta", attrs={"name": True})}
    assert meta["PubDate"] == "2024-05-20"
    assert meta["ContentSource"] == "池州市贵池区棠溪镇人民政府"


def test_the_form_page_is_the_official_table_with_merged_cells(kinds_site: Path) -> None:
    page = soup(kinds_site, "2023/gongzi-xingzhichu/index.html")
    table = page.select_one("table.gk-form")
    assert table is not None
    groups = {th.get_text(strip=True): th.get("rowspan") for th in table.select("th[rowspan]")}
    assert groups["项目资金（万元）"] == "5"  # header + four money rows
    assert groups["年度总体目标"] == "2"
    assert groups["产出指标(50分)"] == "3"  # one merged 一级 cell over three rows
    text = text_of(table)
    assert "年度资金总额与各项之和不符" in text and "89.974" in text
    assert "项目代码51000021R000000019951" in text and "代码219" in text
    # The department-year page: the whole department beside its projects, never added up.
    year = soup(kinds_site, "bumen/panzhihuashi-xiqu-xinfangju/2023/index.html")
    assert "部门整体支出" in text_of(year.find("article"))
    totals = text_of(soup(kinds_site, "2023/index.html").find("article"))
    assert "不计入上表合计" in totals


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize(
    "path",
    [
        "2023/gongzi-xingzhichu/",
        "2024/chengxiangjumin-jiben-yiliaobaoxian-buzhu/",
        "2023/panzhihuashi-xiqu-xinfangju-bumen-zhengti-zhichu/",
        "bumen/panzhihuashi-xiqu-xinfangju/2023/",
    ],
)
def test_form_pages_read_on_a_phone_with_no_axe_violation(
    browser: object, kinds_site: Path, width: int, path: str
) -> None:
    from browsing import axe_violations, open_page, serve

    with serve(kinds_site) as url:
        page, outside, errors = open_page(browser, url + path, width)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # type: ignore[attr-defined]
        violations = axe_violations(page)
        assert violations == [], [(v["id"], v["nodes"][0]["target"]) for v in violations]
        assert outside == [] and errors == []
        page.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("written", "nature", "target"),
    [
        ("正向", "≥", "12"),
        ("反向指标", "≤", "12"),
        ("定量", None, "12"),
        ("≥", "≥", "12"),
        ("约", None, "约12"),
    ],
)
def test_the_nature_column_in_its_provincial_wordings(
    written: str, nature: str | None, target: str
) -> None:
    from gongkai.commands.importing.forms import _indicator

    columns = {"level1": 0, "level2": 1, "name": 2, "nature": 3, "target": 4}
    indicator, _, _ = _indicator(
        ["产出指标", "数量指标", "场次", written, "12"], columns, None, None
    )
    assert indicator is not None
    assert indicator.get("nature") == nature and indicator["target"] == target


@pytest.mark.browser
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("工资性支出", "2023/gongzi-xingzhichu"),
        ("发放及时率", "2023/gongzi-xingzhichu"),
        ("高标准农田", "2023/gaobiaozhun-nongtian-jianshe-buzhu"),
        ("参保群众满意度", "2024/chengxiangjumin-jiben-yiliaobaoxian-buzhu"),
    ],
)
def test_the_forms_are_found_by_the_search(
    browser: object, kinds_site: Path, query: str, expected: str
) -> None:
    from browsing import open_page, serve
    from test_search import first_result

    with serve(kinds_site) as url:
        page, _, errors = open_page(browser, url)
        href, _ = first_result(page, query)
        assert expected in href, (query, href)
        assert errors == []
        page.close()  # type: ignore[attr-defined]


def test_a_targets_page_claims_no_execution(kinds_site: Path) -> None:
    """A 绩效目标表 is published before money is spent: no execution, no rate, and the
    dates it states are the targets' own."""
    page = soup(kinds_site, "2024/chengxiangjumin-jiben-yiliaobaoxian-buzhu/index.html")
    facts = text_of(page.select_one(".gk-summary"))
    assert "不含执行数" in facts and "尚无执行数" in facts and "绩效目标批复" in facts
    assert "自评报告批复" not in facts
    trend = page.select_one("table.gk-trend")
    cells = [text_of(c) for c in trend.tbody.find_all("td")]
    assert "无执行数" in cells and "—" not in cells
    form = soup(kinds_site, "2023/gongzi-xingzhichu/index.html")
    assert "自评报告批复" in text_of(form.select_one(".gk-summary"))  # a form's own event
