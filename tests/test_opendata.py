"""Downloads, the Fiscal Data Package and charts, checked against the YAML data."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import SAMPLE
from frictionless import validate
from test_site import soup

REPORTS = sorted(SAMPLE.glob("*.yml"))


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode()), "CSV must start with a BOM for Excel"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def yaml_of(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def amount(text: str) -> Decimal | None:
    return Decimal(text) if text else None


@pytest.mark.parametrize("stem", ["quanbu", "2023"])
def test_budget_csv_has_every_figure(built_site: Path, stem: str) -> None:
    rows = read_csv(built_site / f"xiazai/{stem}-yusuan.csv")
    expected = []
    for path in REPORTS:
        for line in yaml_of(path)["budget"]:
            expected.append((path.stem, line))
    assert len(rows) == len(expected)
    for (slug, line), row in zip(
        expected, sorted(rows, key=lambda r: (r["项目网址名"], r["预算年度"])), strict=True
    ):
        assert row["项目网址名"] == slug and int(row["预算年度"]) == line["year"]
        assert amount(row["年初预算（元）"]) == line.get("initial")
        assert amount(row["追加（元）"]) == line.get("supplementary")
        assert amount(row["实际执行（元）"]) == line.get("executed")
        full = line["initial"] + line.get("supplementary", 0) - line.get("reduction", 0)
        assert amount(row["全年预算（元）"]) == full
        assert Decimal(row["执行率"]) == (Decimal(line["executed"]) / full).quantize(
            Decimal("0.0001")
        )
        assert row["报告所述较上年变化"] == line.get("stated_change", "")


def test_indicator_csv_has_every_cell(built_site: Path) -> None:
    rows = read_csv(built_site / "xiazai/2023-zhibiao.csv")
    expected = [
        (p.stem, n, i)
        for p in REPORTS
        for n, i in enumerate(yaml_of(p)["performance"]["indicators"], 1)
    ]
    assert len(rows) == len(expected) == 24
    by_key = {(r["项目网址名"], int(r["序号"])): r for r in rows}
    for slug, number, indicator in expected:
        row = by_key[(slug, number)]
        assert row["一级指标"] == indicator["level1"] and row["二级指标"] == indicator["level2"]
        assert row["三级指标"] == indicator.get("name", "") and row["指标值"] == indicator.get(
            "target", ""
        )


def test_project_xlsx_has_every_figure_with_frozen_headers(built_site: Path) -> None:
    for path in REPORTS:
        data = yaml_of(path)
        book = openpyxl.load_workbook(built_site / f"xiazai/xiangmu/{path.stem}.xlsx")
        sheet = book["预算"]
        assert sheet.freeze_panes == "A2"
        headers = [c.value for c in sheet[1]]
        assert headers[:9] == [
            "部门代号",
            "部门",
            "项目网址名",
            "项目名称",
            "文件种类",
            "报告年度",
            "预算年度",
            "年初预算（元）",
            "年初预算（万元）",
        ]
        assert (
            sheet.cell(2, headers.index("年初预算（万元）") + 1).number_format == '#,##0.00" 万元"'
        )
        rows = [
            dict(zip(headers, (c.value for c in row), strict=True))
            for row in sheet.iter_rows(min_row=2)
        ]
        assert len(rows) == len(data["budget"])
        for line, row in zip(data["budget"], rows, strict=True):
            assert row["预算年度"] == line["year"]
            assert row["年初预算（元）"] == line["initial"]
            assert row["实际执行（元）"] == line["executed"]
            assert row["实际执行（万元）"] == pytest.approx(line["executed"] / 10000)
            assert row["追加（元）"] == line.get("supplementary")
        indicators = book["绩效指标"]
        assert indicators.max_row == 1 + len(data["performance"]["indicators"])


def test_json_download_holds_each_report_whole(built_site: Path) -> None:
    content = json.loads((built_site / "xiazai/quanbu.json").read_text(encoding="utf-8"))
    assert content["currency"] == "CNY"
    by_slug = {r["slug"]: r for r in content["reports"]}
    for path in REPORTS:
        data = yaml_of(path)
        report = by_slug[path.stem]["report"]
        for key, value in data.items():
            if key in ("title",):
                continue
            assert report[key] == _as_json(value), key


def _as_json(value: object, key: str = "") -> object:
    """The YAML value as the JSON download holds it: numbers (but years) as exact digits."""
    if isinstance(value, dict):
        return {k: _as_json(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and key != "year":
        return str(value)
    return value


def test_fiscal_data_package_is_valid(built_site: Path) -> None:
    package = built_site / "xiazai/datapackage.json"
    report = validate(str(package))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    measures = descriptor["model"]["measures"]
    assert {m["phase"] for m in measures.values()} == {"approved", "adjusted", "executed"}
    assert all(
        m["currency"] == "CNY" and m["direction"] == "expenditure" for m in measures.values()
    )
    assert descriptor["model"]["dimensions"]["activity"]["dimensionType"] == "activity"
    rows = list(csv.DictReader((built_site / "xiazai/fdp-budget.csv").open(encoding="utf-8")))
    assert sorted((r["project"], r["executed"]) for r in rows) == [
        ("baoan-feiyong", "80000"),
        ("jiefang-feiyong", "20000"),
        ("maodun-huajie-he-yinan-xinfang-wenti-feiyong", "80000"),
        ("zhujing-zhurong-xinfang-weiwen-jingfei", "150000"),
    ]


@pytest.mark.parametrize(
    "page",
    [
        "index.html",
        "2023/index.html",
        "xiangmu/baoan-feiyong/index.html",
        "2023/baoan-feiyong/index.html",
        "xiazai/index.html",
    ],
)
def test_pages_link_downloads_that_exist(built_site: Path, page: str) -> None:
    html = soup(built_site, page)
    links = [a["href"] for nav in html.select(".gk-downloads") for a in nav.find_all("a")]
    assert any(link.endswith(".xlsx") for link in links) and any(
        link.endswith(".csv") for link in links
    )
    for link in links:
        assert (built_site / Path(page).parent / link).resolve().is_file(), link


@pytest.mark.parametrize(
    "page",
    [
        "index.html",
        "2023/index.html",
        "xiangmu/baoan-feiyong/index.html",
        "2023/zhujing-zhurong-xinfang-weiwen-jingfei/index.html",
    ],
)
def test_charts_are_inline_svg_with_title_and_description(built_site: Path, page: str) -> None:
    svg = soup(built_site, page).select_one("figure.gk-chart svg")
    assert svg is not None and svg["role"] == "img"
    title, desc = svg.find("title"), svg.find("desc")
    ids = svg["aria-labelledby"].split()
    assert [title["id"], desc["id"]] == ids
    assert "万元" in desc.get_text()
    assert len(svg.find_all("rect")) >= 3


def test_project_chart_bars_match_the_figures(built_site: Path) -> None:
    svg = soup(built_site, "2023/zhujing-zhurong-xinfang-weiwen-jingfei/index.html").select_one(
        "figure.gk-chart svg"
    )
    desc = svg.find("desc").get_text()
    assert desc.endswith(
        "2022年全年预算5.00万元、实际执行5.00万元；2023年全年预算15.00万元、实际执行15.00万元。"
    )
    bars = [r for r in svg.find_all("rect") if r.find("title")]
    heights = sorted(float(r["height"]) for r in bars)
    assert heights[-1] == pytest.approx(3 * heights[0])  # 15万 is three times 5万
    # The axis runs to a round 20万: the tallest bar fills three quarters of the plot.
    ticks = [t.get_text() for t in svg.find_all("text", attrs={"text-anchor": "end"})]
    assert ticks == ["0", "5", "10", "15", "20"]  # round ticks need no ".00"


def test_chart_page_weight_is_small(built_site: Path) -> None:
    html = (built_site / "2023/zhujing-zhurong-xinfang-weiwen-jingfei/index.html").read_text(
        encoding="utf-8"
    )
    svg = re.search(r"<svg role=\"img\".*?</svg>", html, re.S)
    assert svg is not None and len(svg.group(0).encode()) < 5000


@pytest.mark.parametrize("name", ["quanbu", "2023", "xiangmu/baoan-feiyong"])
def test_bundles_made_of_each_reports_parts_read_as_one_piece(built_site: Path, name: str) -> None:
    # A project-year's rows, CSV lines and JSON are made once and put into its three bundles:
    # each file must still be exactly what writing it whole gives.
    folder = built_site / "xiazai"
    text = (folder / f"{name}.json").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=1) + "\n"
    assert json.loads(text)["reports"]
    for part in ("yusuan", "zhibiao"):
        data = (folder / f"{name}-{part}.csv").read_bytes()
        assert data.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        again = io.StringIO(newline="")
        csv.writer(again, lineterminator="\r\n").writerows(rows)
        assert data.decode("utf-8-sig") == again.getvalue()
        assert len(rows) > 1 and len({len(r) for r in rows}) == 1
