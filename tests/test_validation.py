"""Validation: each kind of error, in Chinese, with file, line and field; all at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA

from gongkai.model.catalog import load_catalog
from gongkai.model.errors import DataErrors

REPORT = "2023/xiqu-xinfangju/baoan-feiyong.yml"


def errors_of(data: Path) -> list[str]:
    with pytest.raises(DataErrors) as caught:
        load_catalog(data)
    return [str(e) for e in caught.value.errors]


def write(data: Path, relative: str, text: str) -> None:
    path = data / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_sample_data_is_valid() -> None:
    catalog = load_catalog(Path(__file__).parent.parent / "data")
    assert len(catalog.reports) == 4
    assert [d.name for d in catalog.departments.values()] == ["攀枝花市西区信访局"]


def test_amount_error_names_file_line_field_and_value(data_copy: Path) -> None:
    path = data_copy / REPORT
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip() == "executed: 80000")
    lines[index] = lines[index].replace("80000", "八万")
    path.write_text("\n".join(lines), encoding="utf-8")
    assert errors_of(data_copy) == [
        f"data/{REPORT} 第{index + 1}行 budget[0].executed（实际执行）：应为金额（元），"
        '只写阿拉伯数字，如 80000，实际为 "八万"'
    ]


CASES = [
    # (YAML text of a report, the expected line, a part of the expected message)
    (
        "name: 项目\nbudget:\n  - year: 2023\n    initial: -5\n",
        4,
        "budget[0].initial（年初预算）：金额不能为负数",
    ),
    ("name: 项目\nbudget:\n  - year: 2023\n    initial: 1.005\n", 4, "最多两位小数"),
    ("name: 项目\nbudget:\n  - year: 二〇二三\n", 3, "budget[0].year（年度）：应为整数"),
    ("name: 项目\nbudget:\n  - year: 1800\n", 3, "应不小于 1990"),
    ("name: 项目\nbudget:\n  - year: 2023\n  - year: 2023\n", 2, "年度 2023 重复出现"),
    (
        "name: 项目\ndisclosure:\n  targets:\n    approved: 2023年2月\n",
        4,
        "disclosure.targets.approved（批复日期）：应为日期",
    ),
    ("name: 项目\ndisclosure:\n  targets:\n    approved: 2023-02-30\n", 4, "日期不存在"),
    (
        "name: 项目\ndisclosure:\n  targets:\n"
        "    approved: 2023-02-10\n    published: 2023-02-01\n",
        3,
        "disclosure.targets（绩效目标）：公开日期 2023-02-01 早于批复日期 2023-02-10",
    ),
    ("name: 项目\ndisclosure:\n  approved: 2023-02\n", 3, "disclosure.approved：未知字段"),
    (
        "name: 项目\ncorrections:\n"
        "  - date: 2024-03\n    field: budget[0].executed\n    reason: 笔误\n",
        3,
        "corrections[0].date（更正日期）：更正日期要写到日",
    ),
    (
        "name: 项目\ncorrections:\n  - date: 2024-03-01\n    field: x\n",
        3,
        "corrections[0].reason（更正原因）：缺少此项",
    ),
    ("name: 项目\nbugdet: []\n", 2, "bugdet：未知字段，是否应为 budget？"),
    ("budget: []\n", 1, "name（项目名称）：缺少此项（必填）"),
    ("name: 项目\nbudget: 80000\n", 2, "budget（历年预算安排与执行）：应为列表"),
    ("name: 项目\noverview: 文字\n", 2, "overview（一、项目概况）：应为若干「字段: 值」"),
    ("name: [1, 2]\n", 1, "name（项目名称）：应为文字"),
    ("name: <b>项目</b>\n", 1, "名称不能包含尖括号"),
    ("name: 项目\nslug: Bao An\n", 2, "slug（网址名）：只能用小写英文字母"),
    ("name: 项目\nperformance:\n  indicators:\n    - level1: 产出指标\n", 4, "指标至少要有名称"),
    (
        "name: 项目\nperformance:\n  indicators:\n    - name: a\n      nature: 约等于\n",
        5,
        "应为以下之一：=、≥、≤、定性",
    ),
    (
        "name: 项目\nperformance:\n  indicators:\n    - name: a\n      weight: 十分\n",
        5,
        "weight（权重）：应为数字",
    ),
    ("name: 项目\n\tbudget: []\n", 2, "制表符"),
    ("name: 项目\nname: 项目二\n", 2, "字段 name 重复出现"),
    ("name: &a 项目\ntitle: *a\n", 2, "不支持 YAML 锚点与别名"),
    ("name: !!python/object/apply:os.system ['echo hi']\n", 1, "不支持的标签"),
    ("name: 项目\nbudget: [\n", 3, "文件意外结束"),
    ("name 项目\nbudget: []\n", 2, "YAML 格式错误"),
    ("- 项目\n", 1, "应为若干「字段: 值」"),
    # These two ended the build with Python's traceback (Decimal refused .inf; a list as a key
    # was put in a set).
    ("name: 项目\nbudget:\n  - year: 2023\n    initial: .inf\n", 4, "「.inf」不是一个具体的数"),
    ("name: 项目\n? [a, b]\n: 值\n", 2, "字段名只能是一个词，不能是列表或映射"),
]


@pytest.mark.parametrize(("text", "line", "message"), CASES)
def test_each_error_kind(data_copy: Path, text: str, line: int, message: str) -> None:
    write(data_copy, "2023/xiqu-xinfangju/new.yml", text)
    found = errors_of(data_copy)
    assert len(found) >= 1
    first = found[0]
    assert first.startswith(f"data/2023/xiqu-xinfangju/new.yml 第{line}行"), first
    assert message in first, first


def test_file_level_problems(data_copy: Path) -> None:
    (data_copy / "2023/xiqu-xinfangju/gbk.yml").write_bytes("name: 保安费用\n".encode("gbk"))
    write(data_copy, "2023/xiqu-xinfangju/empty.yml", "  \n")
    write(data_copy, "2023/xiqu-xinfangju/comment.yml", "# 只有注释\n")
    write(data_copy, "2023/loose.yml", "name: 项目\n")
    write(data_copy, "2023/nobody/x.yml", "name: 项目\n")
    (data_copy / "2023/xiqu-xinfangju/bom.yml").write_bytes("\ufeffname: 带BOM的项目\n".encode())
    found = "\n".join(errors_of(data_copy))
    assert "gbk.yml 第1行：文件不是 UTF-8 编码" in found
    assert "empty.yml：文件是空的" in found
    assert "comment.yml：文件没有内容" in found
    assert "data/2023/loose.yml：文件位置不对" in found
    assert "nobody/x.yml：目录名 nobody 不是部门名录 departments.yml 中的部门代号" in found
    assert "bom.yml" not in found  # a BOM is harmless


def test_all_errors_of_a_run_are_reported_together(data_copy: Path) -> None:
    write(
        data_copy,
        "2023/xiqu-xinfangju/a.yml",
        "name: 项目A\nbudget:\n  - year: 2023\n    executed: 八万\n    initial: x\n",
    )
    write(data_copy, "2022/xiqu-xinfangju/b.yml", "nam: 项目B\n")
    found = errors_of(data_copy)
    assert len(found) == 4  # executed, initial, unknown nam, missing name
    assert sum("a.yml" in e for e in found) == 2
    assert sum("b.yml" in e for e in found) == 2


def test_slug_collisions_are_errors_never_overwrites(data_copy: Path) -> None:
    write(data_copy, "2023/xiqu-xinfangju/gongshi.yml", "name: 公示\n")
    write(data_copy, "2023/xiqu-xinfangju/gongshi2.yml", "name: 公式\n")
    found = errors_of(data_copy)
    assert len(found) == 1
    assert "网址名 gongshi 与 data/2023/xiqu-xinfangju/gongshi.yml（公示）重复" in found[0]
    write(data_copy, "2023/xiqu-xinfangju/gongshi2.yml", "name: 公式\nslug: gongshi-gongshi\n")
    assert len(load_catalog(data_copy).in_year(2023)) == 6


def test_same_slug_in_two_departments_is_an_error(data_copy: Path) -> None:
    departments = data_copy / "departments.yml"
    departments.write_text(
        departments.read_text(encoding="utf-8") + "  - slug: caizhengju\n    name: 西区财政局\n",
        encoding="utf-8",
    )
    write(data_copy, "2022/caizhengju/baoan.yml", "name: 保安费用\n")
    found = errors_of(data_copy)
    assert len(found) == 1 and "网址名 baoan-feiyong" in found[0]


def test_department_file_errors(data_copy: Path) -> None:
    write(
        data_copy,
        "departments.yml",
        "departments:\n  - slug: a\n    name: 甲\n  - slug: a\n    name: 乙\n  - slug: B\n",
    )
    found = "\n".join(errors_of(data_copy))
    assert "departments[2].slug（部门代号）：只能用小写英文字母" in found
    assert "departments[2].name（部门全称）：缺少此项" in found


def test_empty_keys_count_as_not_given(data_copy: Path) -> None:
    write(
        data_copy,
        "2024/xiqu-xinfangju/draft.yml",
        "name: 草稿\nbudget:\n  - year: 2024\n    initial:\noverview:\n  basic_info:\n",
    )
    catalog = load_catalog(data_copy)
    draft = catalog.projects["caogao"].years[2024]
    assert draft.report.budget[0].initial is None and draft.report.overview.basic_info == []


def test_a_documents_lines_are_kept_small_and_read_as_written() -> None:
    from gongkai.model.loader import YamlDocument, parse_yaml

    text = "name: 甲\nbudget:\n  - year: 2023\n    initial: 1\n  - year: 2024\n    initial: 2\n"
    first, second = parse_yaml(text, "a.yml"), parse_yaml("\n\n" + text, "b.yml")
    assert isinstance(first, YamlDocument) and isinstance(second, YamlDocument)
    assert dict(first.lines) == {
        (): 1,
        ("name",): 1,
        ("budget",): 2,
        ("budget", 0): 3,
        ("budget", 0, "year"): 3,
        ("budget", 0, "initial"): 4,
        ("budget", 1): 5,
        ("budget", 1, "year"): 5,
        ("budget", 1, "initial"): 6,
    }
    assert second.lines[("budget", 1, "initial")] == 8  # its own numbers…
    assert first.lines._places is second.lines._places  # …over one shared shape
    assert first.line_of(("budget", 1, "initial", "unit")) == 6  # the nearest that exists
    assert ("budget", 2) not in first.lines and first.lines.get(("budget", 2)) is None


def test_a_reports_parsed_data_is_let_go_once_validated() -> None:
    # The model holds the values; the document keeps only what messages need: the lines.
    catalog = load_catalog(Path(__file__).parent.parent / "data")
    for entry in catalog.reports:
        assert entry.document.data is None
        assert entry.document.line_of(("name",)) is not None


_CORNERS = """\
text: 甲乙
quoted: "2023-02-30"
number: 0x1F
octal: 0o17
old_octal: 017
sixty: 1:30
signed: -1_000
decimal: 12.50
exponent: 1e3
infinite: .inf
date: 2023-02-28
stamp: 2023-02-28 10:00:00
yes_word: yes
off_word: Off
nothing: ~
empty:
tagged: !!str 123
as_float: !!float 3
1: integer key
1.5: decimal key
true: boolean key
list: [1, two, 3.0, null, {a: b}]
nested:
  - - deep
    - - deeper: [x]
merged:
  <<: {a: 1}
  b: 2
binary: !!binary aGk=
a_set: !!set {x, y}
"""


@pytest.mark.parametrize(
    "text",
    [
        _CORNERS,
        *(_CORNERS.splitlines(keepends=True)),
        "- 1\n- [2, [3, {4: 5}]]\n",
        "plain\n",
        "a: 1\na: 2\n",  # a repeated key: refused by either
        "a: 1\n1: 2\n'1': 3\n",
        "? [complex, key]\n: value\n",
        "a: !!omap [{x: 1}]\n",
        "a: !custom 1\n",
        "",
    ],
)
def test_the_quick_walk_reads_what_pyyamls_constructor_reads(text: str) -> None:
    """The values and lines of a well-formed file come from one quick walk of libyaml's nodes;
    whatever it does not handle itself (merge keys, sets, binaries, odd tags, keys that are
    not scalars) is left to PyYAML's constructor; libyaml asks the safe resolver the short way:
    the same data, of the same types, the same lines in the same order, the same refusals as
    PyYAML's own resolver and constructor, for every file of the sample data too."""
    import yaml

    from gongkai.model import loader

    # libyaml with PyYAML's own resolver and constructor
    resolver = yaml.resolver.Resolver
    reference = type(
        "Reference",
        (loader._FastLoader,),
        {
            name: getattr(resolver, name)
            for name in ("resolve", "descend_resolver", "ascend_resolver")
        },
    )

    def standard(text: str) -> tuple[object, dict[object, int]] | None:
        reader = reference(text)
        try:
            node = reader.get_single_node()
            lines: dict[loader.Location, int] = {}
            if node is not None:
                loader._record_lines(node, (), lines)
            return (reader.construct_document(node) if node is not None else None), lines
        except (yaml.YAMLError, ValueError):
            return None
        finally:
            reader.dispose()

    texts = [text] if text else [p.read_text("utf-8") for p in DATA.rglob("*.yml")]
    for each in texts:
        quick = loader._parse_fast(each)
        read = None if quick is None else (quick.data, dict(quick.lines))
        expected = standard(each)
        assert repr(read) == repr(expected), each
        if read is not None and expected is not None:
            assert list(read[1]) == list(expected[1])  # the same order: the shared shapes


def test_numbers_with_a_decimal_point_are_read_exactly() -> None:
    """A number with a decimal point is read as the exact decimal written (".5" too, as YAML
    allows); one that is not a finite number is refused with its line."""
    from decimal import Decimal

    from gongkai.model.loader import YamlDocument, parse_yaml

    read = parse_yaml("a: .5\nb: -1_000.25\nc: 12.50\n", "a.yml")
    assert isinstance(read, YamlDocument)
    assert read.data == {"a": Decimal("0.5"), "b": Decimal("-1000.25"), "c": Decimal("12.50")}
    assert str(read.data["c"]) == "12.50"
    for text, line in (("a: 1\nb: .nan\n", 2), ("a: -.inf\n", 1), ("a: 1:30.5\n", 1)):
        refused = parse_yaml(text, "a.yml")
        assert not isinstance(refused, YamlDocument) and refused.line == line, text
        assert "不是一个具体的数" in refused.message, refused.message
