"""gongkai import: the reference text and the same reports as .docx reproduce the sample data;
slips of real documents; several reports in one file; bad input writes nothing."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import docx
import pytest
import yaml
from conftest import DATA, SAMPLE, Ran, run_cli

from gongkai.commands.importing.parse import parse_report, split_reports
from gongkai.commands.importing.sources import Table, read_blocks
from gongkai.model.slug import slugify

# The reference report: the sample ships it as its 原文附件, byte for byte the text in
# shared/reference/, so the tests read the project's own copy and never skip.
REFERENCE = (
    Path(__file__).resolve().parents[1]
    / "data/2023/xiqu-xinfangju/原文/附件4-项目支出绩效自评报告.txt"
)


def run_import(out: Path, *args: str) -> Ran:
    return run_cli(Path.cwd(), "import", "--out", str(out), *args)


@pytest.fixture()
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(DATA / "departments.yml", folder / "departments.yml")
    return folder


def comparable(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.get("disclosure", {}).pop("index_number", None)  # numbered later by gongkai publish
    data.pop("attachments", None)  # originals are listed by the clerk, not imported
    return json.loads(json.dumps(data, default=str))


def assert_same_as_sample(out: Path) -> None:
    written = sorted((out / "2023/xiqu-xinfangju").glob("*.yml"))
    assert [p.name for p in written] == [p.name for p in sorted(SAMPLE.glob("*.yml"))]
    for path in written:
        assert comparable(path) == comparable(SAMPLE / path.name), path.name


def test_reference_text_reproduces_the_sample_data(out: Path) -> None:
    result = run_import(out, str(REFERENCE))
    assert result.returncode == 0, result.stderr
    assert "共写入 4 个文件" in result.stdout
    assert "报告标题之前的文字未导入：“附件4”" in result.stdout
    assert "推断：预算金额" in result.stdout
    assert_same_as_sample(out)
    check = run_cli(Path.cwd(), "--data", str(out), "check")
    assert check.returncode == 0, check.stderr
    # Re-importing gives the same files, and does not need --force for that.
    before = {p: p.read_bytes() for p in out.rglob("*.yml")}
    again = run_import(out, str(REFERENCE))
    assert again.returncode == 0 and "共写入 0 个文件" in again.stdout
    assert {p: p.read_bytes() for p in out.rglob("*.yml")} == before


def test_written_yaml_is_pleasant_to_edit(out: Path) -> None:
    assert run_import(out, str(REFERENCE)).returncode == 0
    text = (out / "2023/xiqu-xinfangju/zhujing-zhurong-xinfang-weiwen-jingfei.yml").read_text(
        encoding="utf-8"
    )
    assert text.startswith("# yaml-language-server: $schema=../../../schema/report.schema.json\n")
    assert "\\u" not in text and "驻京驻蓉信访维稳经费" in text
    keys = [
        line.split(":")[0]
        for line in text.splitlines()
        if line and not line.startswith((" ", "-", "#"))
    ]
    assert keys == [
        "name",
        "budget",
        "disclosure",
        "overview",
        "funds",
        "implementation",
        "performance",
        "evaluation",
    ]
    assert "  content: |-\n    为贯彻落实" in text  # long text as a block


def build_docx(path: Path, source: Path) -> None:
    """The reference reports as a Word document: paragraphs, and each indicator table as a real
    table with its 一级 cells merged over their rows."""
    document = docx.Document()
    for block in read_blocks(source):
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        header, *rows = block.rows
        table = document.add_table(rows=0, cols=3)
        cells = table.add_row().cells
        for cell, text in zip(cells, header[1:], strict=True):
            cell.text = text
        level1 = None
        start = 0
        for row in rows:
            cells = table.add_row().cells
            values = row[1:]
            index = len(table.rows) - 1
            if values[0]:
                level1, start = values[0], index
                cells[0].text = level1
            else:
                table.cell(start, 0).merge(table.cell(index, 0))
            cells[1].text, cells[2].text = values[1], values[2]
    document.save(str(path))


def test_docx_with_real_merged_tables_imports_to_the_same_data(out: Path, tmp_path: Path) -> None:
    source = tmp_path / "附件4.docx"
    build_docx(source, REFERENCE)
    merged = docx.Document(str(source)).tables[0]
    assert merged.cell(1, 0)._tc is merged.cell(2, 0)._tc  # the 一级 cell really spans rows
    result = run_import(out, str(source))
    assert result.returncode == 0, result.stderr
    assert_same_as_sample(out)


SLIPS = """项目支出绩效自评报告
（培 训 经 费）
一 、项 目 概 况
（ 一 ） 项目基本情况。
１．全年开展培训四期。[bookmark: _GoBack]
２． 2022年预算安排3万元，实际执行2.5万元；2023年预算安排3万元，调减0.5万，实际执行2.4万元，较上年下降4%。
（2） 项目绩效目标。
1. 项目主要内容。开展培训。
二、项目资金申报及使用情况
（1）项目资金申报及批复情况。
该项资金于2023年1月5日申报，2023年2月10日批复并于2023年2月20日在区政府网站公开。
（5） 资金计划、到位及使用情况。错误!未定义书签。
    资金已到位。
这一段不属于任何部分。
五、评价结论及建议
（一）评价结论。
建议预算申报数3万元。
（二）存在的问题。
培训场地不足。
"""


def test_slips_of_real_documents(tmp_path: Path) -> None:
    source = tmp_path / "slips.txt"
    source.write_text(SLIPS, encoding="utf-8")
    reports, _ = split_reports(read_blocks(source))
    imported = parse_report(reports[0])
    data = imported.data
    assert data["name"] == "培 训 经 费"
    assert (
        data["overview"]["basic_info"][0] == "全年开展培训四期。[bookmark: _GoBack]"
    )  # full-width digits read; the bookmark kept word for word, for the audit to flag
    assert data["overview"]["content"] == "开展培训。"  # "（2）" where "（二）" belongs
    assert data["budget"] == [
        {"year": 2022, "initial": 30000, "executed": 25000},
        {
            "year": 2023,
            "initial": 30000,
            "reduction": 5000,
            "executed": 24000,
            "stated_change": "较上年下降4%",
        },
    ]
    assert data["disclosure"] == {
        "declared": "2023-01-05",
        "targets": {"approved": "2023-02-10", "published": "2023-02-20"},
        "channel": "区政府网站",
    }
    # The Word error string stays (it was published; the audit reports it); the section is found.
    assert data["funds"]["usage"] == "错误!未定义书签。\n\n资金已到位。\n\n这一段不属于任何部分。"
    assert data["evaluation"] == {
        "conclusion": "建议预算申报数3万元。",
        "recommended_budget": 30000,
        "problems": "培训场地不足。",
    }
    assert "相关建议" in imported.missing and "项目基本情况" in imported.filled


def test_text_outside_any_section_is_kept_with_a_warning(tmp_path: Path, out: Path) -> None:
    source = tmp_path / "loose.txt"
    source.write_text(
        "项目支出绩效自评报告\n（测试项目）\n这段话出现在所有章节之前。\n一、项目概况\n（一）项目基本情况。\n1.内容。\n",
        encoding="utf-8",
    )
    result = run_import(out, str(source), "--year", "2024")
    assert result.returncode == 0, result.stderr
    assert "未能归类的文字已放入 unplaced：“这段话出现在所有章节之前。" in result.stdout
    data = yaml.safe_load(
        (out / "2024/xiqu-xinfangju" / f"{slugify('测试项目')}.yml").read_text(encoding="utf-8")
    )
    assert data["unplaced"] == ["这段话出现在所有章节之前。"]


def test_sichuan_self_evaluation_table_form(tmp_path: Path) -> None:
    header = [
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
    ]
    rows = [
        ["产出指标", "数量指标", "培训期数", "≥", "4", "期", "4", "30", "30", ""],
        ["", "质量指标", "合格率", "≥", "90", "%", "95", "20", "20", ""],
        [
            "满意度指标",
            "服务对象满意度指标",
            "参训人员满意度",
            "≥",
            "90",
            "%",
            "85",
            "10",
            "9.4",
            "部分学员认为时间过长",
        ],
    ]
    table = "\n".join("\n".join("\t" + cell for cell in row) + "\n" for row in [header, *rows])
    source = tmp_path / "sichuan.txt"
    source.write_text(
        "项目支出绩效自评报告\n（培训）\n四、项目绩效情况\n部门预算项目支出绩效自评表\n" + table,
        encoding="utf-8",
    )
    blocks = read_blocks(source)
    assert isinstance(blocks[-1], Table) and blocks[-1].rows[0] == header
    performance = parse_report(split_reports(blocks)[0][0]).data["performance"]
    assert performance["table_title"] == "部门预算项目支出绩效自评表"
    assert performance["indicators"][1] == {
        "level1": "产出指标",
        "level2": "质量指标",
        "name": "合格率",
        "nature": "≥",
        "target": "90",
        "unit": "%",
        "actual": "95",
        "weight": 20,
        "score": 20,
    }
    assert (
        performance["indicators"][2]["score"] == Decimal("9.4")
        and performance["indicators"][2]["reason"] == "部分学员认为时间过长"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "notes.txt",
            "今天开会，讨论明年的工作安排。\n".encode(),
            "没有可识别的内容",
        ),
        ("empty.txt", b"", "文件是空的"),
        (
            "undecodable.txt",
            b"\x80\xff" * 10 + "项目支出绩效自评报告".encode("gbk") + b"\xff",
            "文字编码无法识别",
        ),
        (
            "broken.docx",
            b"PK\x03\x04 this is not really a word file",
            "文件已损坏",
        ),
        ("report.pdf", b"%PDF-1.4", "PDF 文件已损坏"),
        ("scan.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "这是图片"),
    ],
)
def test_bad_input_writes_nothing(
    tmp_path: Path, out: Path, name: str, content: bytes, message: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    alone = run_import(tmp_path / "alone", str(bad))
    assert alone.returncode == 1
    assert message in alone.stderr and "没有写入任何文件" in alone.stderr
    assert "Traceback" not in alone.stderr
    assert not list((tmp_path / "alone").rglob("*.yml"))
    # In a batch the bad file is left out whole, named with its reason; the good one is written.
    result = run_import(out, str(REFERENCE), str(bad))
    assert result.returncode == 1
    assert message in result.stderr and "1 个文件有问题" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(list((out / "2023").rglob("*.yml"))) == 4


def test_existing_files_are_not_overwritten_without_force(out: Path) -> None:
    assert run_import(out, str(REFERENCE)).returncode == 0
    target = out / "2023/xiqu-xinfangju/baoan-feiyong.yml"
    edited = target.read_text(encoding="utf-8") + "# 经办人已核对\n"
    target.write_text(edited, encoding="utf-8")
    refused = run_import(out, str(REFERENCE))
    assert refused.returncode == 1 and "已存在；确认要覆盖时加 --force" in refused.stderr
    assert target.read_text(encoding="utf-8") == edited
    forced = run_import(out, str(REFERENCE), "--force")
    assert forced.returncode == 0 and target.read_text(encoding="utf-8") != edited


def test_department_must_be_known(out: Path) -> None:
    result = run_import(out, str(REFERENCE), "--department", "nobody")
    assert result.returncode == 1 and "部门代号 nobody 不在" in result.stderr


def test_slug_of_each_report_is_its_pinyin() -> None:
    reports, _ = split_reports(read_blocks(REFERENCE))
    assert [slugify(parse_report(r).name) for r in reports] == sorted(
        p.stem for p in SAMPLE.glob("*.yml")
    )
