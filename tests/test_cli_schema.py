"""The gongkai command and the published JSON Schema."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import DATA, ROOT, run_cli

from gongkai.commands.cli import main
from gongkai.commands.schema import SCHEMAS, schema_text
from gongkai.model.catalog import load_catalog
from gongkai.model.errors import DataError


def test_check_passes_on_the_sample_data() -> None:
    result = run_cli(ROOT, "check")
    assert result.returncode == 0
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "检查通过：1 个部门，4 个项目，4 份报告（年度：2023）。"
    # The sample's mkdocs.yml leaves site_url empty (the department fills it in): a hint only.
    assert (
        lines[1:] == [line for line in lines[1:] if line.startswith("提示：")] and len(lines) == 2
    )


def test_check_lists_every_error_and_fails(data_copy: Path) -> None:
    (data_copy / "2023/xiqu-xinfangju/a.yml").write_text("name: 甲\nbudget: 1\n", encoding="utf-8")
    (data_copy / "2023/xiqu-xinfangju/b.yml").write_text("nam: 乙\n", encoding="utf-8")
    result = run_cli(ROOT, "--data", str(data_copy), "check")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 4
    assert lines[0].endswith(
        "a.yml 第2行 budget（历年预算安排与执行）：应为列表（每项另起一行，以“- ”开头），实际为 1"
    )
    assert lines[-1] == "共发现 3 处数据错误，网站未生成；请改正后重试。"
    assert "Traceback" not in result.stderr


def test_new_writes_a_valid_commented_skeleton(data_copy: Path, capsys: object) -> None:
    assert main(["--data", str(data_copy), "new", "会计核算服务费", "--year", "2024"]) == 0
    path = data_copy / "2024/xiqu-xinfangju/kuaijihesuan-fuwufei.yml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../schema/report.schema.json")
    assert 'name: "会计核算服务费"' in text and "# 年初预算" in text
    entry = load_catalog(data_copy).projects["kuaijihesuan-fuwufei"].years[2024]
    assert entry.name == "会计核算服务费" and [b.year for b in entry.report.budget] == [2023, 2024]
    # Never overwrites.
    path.write_text(text + "# 已编辑\n", encoding="utf-8")
    assert main(["--data", str(data_copy), "new", "会计核算服务费", "--year", "2024"]) == 1
    assert path.read_text(encoding="utf-8").endswith("# 已编辑\n")


def test_new_needs_a_department_when_there_are_several(data_copy: Path) -> None:
    listing = data_copy / "departments.yml"
    listing.write_text(
        listing.read_text(encoding="utf-8") + "  - slug: czj\n    name: 财政局\n", encoding="utf-8"
    )
    result = run_cli(ROOT, "--data", str(data_copy), "new", "新项目", "--year", "2024")
    assert result.returncode == 2 and "--department" in result.stderr
    assert (
        run_cli(
            ROOT, "--data", str(data_copy), "new", "新项目", "--year", "2024", "--department", "czj"
        ).returncode
        == 0
    )
    assert (data_copy / "2024/czj/xin-xiangmu.yml").is_file()


@pytest.mark.parametrize(
    ("option", "value", "told"),
    [
        ("--department", "../../x", "部门代号 ../../x 不在部门名录中（有：xiqu-xinfangju）"),
        ("--department", "czj", "部门代号 czj 不在部门名录中"),
        ("--slug", "../../../evil", "网址名只能由小写拉丁字母、数字和单个连字符组成"),
        ("--slug", "Bao An", "网址名只能由小写拉丁字母、数字和单个连字符组成"),
        ("--year", "99999", "年度应为 1990 到 2100 之间的四位数，如 2024，实际为 99999"),
    ],
)
def test_new_writes_nothing_outside_its_place(
    data_copy: Path, option: str, value: str, told: str
) -> None:
    """An unregistered department, a web name that is not one, or a year no report can have:
    refused with what to type instead, and no file anywhere (a department or web name with
    ../ wrote outside the data folder)."""

    def files() -> list[Path]:  # beside the data folder: its writer lock, now empty
        return sorted(p for p in data_copy.parent.rglob("*") if p.name != ".data.lock")

    before = files()
    args = ["--data", str(data_copy), "new", "新项目", "--year", "2024", option, value]
    result = run_cli(ROOT, *args)
    assert result.returncode == 2 and told in result.stderr, result.stderr
    assert files() == before


def test_published_schemas_are_current() -> None:
    for name in SCHEMAS:
        assert (ROOT / "schema" / name).read_text(encoding="utf-8") == schema_text(name), (
            f"schema/{name} is stale: run gongkai schema"
        )


def test_schema_accepts_the_sample_data_and_rejects_mistakes() -> None:
    report_schema = json.loads(schema_text("report.schema.json"))
    validator = jsonschema.Draft202012Validator(report_schema)
    for path in sorted(DATA.glob("*/*/*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data = json.loads(json.dumps(data, default=str))  # YAML dates as editors see them: text
        assert list(validator.iter_errors(data)) == [], path
    assert list(
        validator.iter_errors({"name": "x", "budget": [{"year": 2023, "executed": "八万"}]})
    )
    assert list(validator.iter_errors({"name": "x", "bugdet": []}))
    departments = json.loads(schema_text("departments.schema.json"))
    listing = yaml.safe_load((DATA / "departments.yml").read_text(encoding="utf-8"))
    assert list(jsonschema.Draft202012Validator(departments).iter_errors(listing)) == []


def test_code_is_ruff_clean() -> None:
    for command in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def _yaml_examples(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [
        block
        for block in re.findall(r"```yaml\n(.*?)```", text, re.S)
        if block.lstrip("# \n").count("name:")
    ]


@pytest.mark.parametrize("doc", ["README.md", "docs/shuju-geshi.md"])
def test_documented_examples_are_valid(doc: str) -> None:
    from gongkai.model.report import Report

    examples = _yaml_examples(ROOT / doc)
    assert examples
    for block in examples:
        document = yaml_text_to_data(block)
        Report.model_validate(document)


def yaml_text_to_data(text: str) -> object:
    from gongkai.model.loader import parse_yaml

    document = parse_yaml(text, "example")
    assert not isinstance(document, DataError), document
    return document.data


def test_skeleton_with_values_filled_in_is_valid(data_copy: Path) -> None:
    assert main(["--data", str(data_copy), "new", "保安费用", "--year", "2024"]) == 0
    path = data_copy / "2024/xiqu-xinfangju/baoan-feiyong.yml"
    text = path.read_text(encoding="utf-8")
    for key, value in [
        ("initial", "10000"),
        ("executed", "9000"),
        ("approved", "2024-02-10"),
        ("channel", "政府信息公开网"),
    ]:
        text = re.sub(rf"^(\s*{key}:)(\s+#)", rf"\g<1> {value}\2", text, count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")
    entry = load_catalog(data_copy).projects["baoan-feiyong"].years[2024]
    assert entry.report.disclosure.targets.approved.iso() == "2024-02-10"
    assert entry.report.budget[0].initial == 10000
