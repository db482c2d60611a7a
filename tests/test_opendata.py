"""Downloads, the Fiscal Data Package and charts, checked against the YAML data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import DATA, SAMPLE, copy_project, fingerprint, mkdocs_build
from frictionless import validate
from test_site import soup

from gongkai.files import NO_CACHE
from gongkai.model.catalog import Catalog, load_catalog
from gongkai.outputs import opendata
from gongkai.outputs.kept import CACHE_FOLDER, NO_KEPT, KeptBundles
from gongkai.outputs.opendata import write_downloads

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


# --- Written as the project-years pass (边读边写): the same files, memory that does not grow ---


def _cells(path: Path) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(path)
    return {
        name: [[(c.value, c.number_format) for c in row] for row in book[name].iter_rows()]
        for name in book.sheetnames
    }


def _bundles(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix != ".xlsx"
    }


def test_every_bundle_equals_the_bundle_written_alone(tmp_path: Path) -> None:
    # A full write makes each project-year's parts once and keeps them on disk for its
    # project's bundle; writing one bundle alone makes them afresh: both must give one file.
    catalog = load_catalog(DATA)
    whole, alone = tmp_path / "whole", tmp_path / "alone"
    day = dt.date(2024, 5, 1)
    write_downloads(catalog, whole, day, "站")
    stems = ["quanbu", *map(str, catalog.years), *(f"xiangmu/{p}" for p in catalog.projects)]
    for stem in stems:
        write_downloads(catalog, alone, day, "站", {stem})
    assert _bundles(whole / "xiazai") == _bundles(alone / "xiazai")
    workbooks = sorted((whole / "xiazai").rglob("*.xlsx"))
    assert len(workbooks) == len(stems)
    for path in workbooks:
        assert _cells(path) == _cells(alone / path.relative_to(whole))
    assert not list(whole.rglob("*.tmp")) and not list(alone.rglob("*.tmp"))


def test_large_workbook_rows_equal_the_csv(built_site: Path) -> None:
    # The whole site's and each year's workbooks are written row by row (constant_memory):
    # same rows, same order, same figures as the CSV beside them, and the sheet as a table.
    for stem in ("quanbu", "2023"):
        rows = read_csv(built_site / f"xiazai/{stem}-yusuan.csv")
        sheet = openpyxl.load_workbook(built_site / f"xiazai/{stem}.xlsx")["预算"]
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:AA{len(rows) + 1}"
        headers = [c.value for c in sheet[1]]
        cells = [
            dict(zip(headers, (c.value for c in r), strict=True))
            for r in sheet.iter_rows(min_row=2)
        ]
        assert len(cells) == len(rows) > 0
        for line, cell in zip(rows, cells, strict=True):
            assert cell["项目网址名"] == line["项目网址名"]
            assert cell["预算年度"] == int(line["预算年度"])
            for key in ("年初预算（元）", "实际执行（元）", "追加（元）"):
                assert amount(line[key]) == (None if cell[key] is None else Decimal(str(cell[key])))


def test_a_failed_write_keeps_the_downloads_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = load_catalog(DATA)
    day = dt.date(2024, 5, 1)
    scratch = tmp_path / "scratch"  # where the large workbooks' rows wait meanwhile
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    site = tmp_path / "site"
    write_downloads(catalog, site, day, "站")
    before = _bundles(site / "xiazai")
    made = opendata._Bundle.add
    calls = []

    def failing(bundle: object, parts: object) -> None:
        calls.append(parts)
        if len(calls) == 3:  # midway through the first year's bundle and the whole site's
            raise OSError("磁盘已满")
        made(bundle, parts)  # type: ignore[arg-type]

    monkeypatch.setattr(opendata._Bundle, "add", failing)
    with pytest.raises(OSError, match="磁盘已满"):
        write_downloads(catalog, site, day, "站")
    assert len(calls) == 3
    assert _bundles(site / "xiazai") == before  # old files whole, no half-written one
    assert not list(site.rglob("*.tmp"))
    assert not list(scratch.iterdir())  # nor rows left waiting


def test_files_left_by_a_stopped_writer_are_removed(tmp_path: Path) -> None:
    # A serve session's build stops the writer of the build before it (taken over): its
    # unfinished files must not stay in the folder people download from.
    left = tmp_path / "xiazai" / "xiangmu" / ".baoan-feiyong.json.4242.tmp"
    left.parent.mkdir(parents=True)
    left.write_text("[", encoding="utf-8")
    write_downloads(load_catalog(DATA), tmp_path, dt.date(2024, 5, 1), "站", {"2023"})
    assert not left.exists()
    assert (tmp_path / "xiazai" / "2023.json").is_file()


def _written_bundles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The bundles the writer writes itself from now on (not put in place from the kept)."""
    written: list[str] = []
    start = opendata._Bundle.__init__

    def counted(bundle: object, root: Path, stem: str, *args: object, **kwargs: object) -> None:
        written.append(stem)
        start(bundle, root, stem, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(opendata._Bundle, "__init__", counted)
    return written


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_kept_bundles_are_put_in_place_and_give_the_same_bytes(
    tmp_path: Path, data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(NO_KEPT, raising=False)
    day, cache = dt.date(2024, 5, 1), tmp_path / "cache"
    written = _written_bundles(monkeypatch)
    write_downloads(load_catalog(data_copy), tmp_path / "first", day, "站", kept=KeptBundles(cache))
    assert len(written) == 6  # 4 projects, 2023, everything
    kept = sorted(cache.iterdir())
    assert len(kept) == 5  # the one year's bundle holds what everything's does: the same bytes

    written.clear()
    write_downloads(load_catalog(data_copy), tmp_path / "again", day, "站", kept=KeptBundles(cache))
    assert written == []
    assert _files(tmp_path / "again") == _files(tmp_path / "first")
    linked = tmp_path / "again/xiazai/xiangmu/baoan-feiyong.xlsx"
    assert any(linked.stat().st_ino == (k / "3").stat().st_ino for k in kept)

    # One project-year edited: its project's bundle, its year's and everything's are written;
    # the same bytes as a writer keeping nothing; the kept ones no build uses are removed.
    report = data_copy / "2023/xiqu-xinfangju/baoan-feiyong.yml"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("executed: 80000\n  stated", "executed: 79000\n  stated"))
    catalog = load_catalog(data_copy)
    written.clear()
    write_downloads(catalog, tmp_path / "edited", day, "站", kept=KeptBundles(cache))
    assert sorted(written) == ["2023", "quanbu", "xiangmu/baoan-feiyong"]
    write_downloads(catalog, tmp_path / "fresh", day, "站")
    assert _files(tmp_path / "edited") == _files(tmp_path / "fresh")
    assert len(list(cache.iterdir())) == 5
    assert set(cache.iterdir()) != set(kept)

    # Another day in the workbooks' dates: nothing kept fits.
    written.clear()
    write_downloads(catalog, tmp_path / "later", day.replace(day=2), "站", kept=KeptBundles(cache))
    assert len(written) == 6


def _kept_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Catalog, dt.date, Path]:
    """The sample's downloads written once to ``first/``, the bundles kept in ``cache/``."""
    monkeypatch.delenv(NO_KEPT, raising=False)
    catalog, day, cache = load_catalog(DATA), dt.date(2024, 5, 1), tmp_path / "cache"
    write_downloads(catalog, tmp_path / "first", day, "站", kept=KeptBundles(cache))
    return catalog, day, cache


def test_a_damaged_or_unwritable_store_only_means_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog, day, cache = _kept_once(tmp_path, monkeypatch)
    for folder in cache.iterdir():  # each kept bundle loses its XLSX
        (folder / "3").unlink()
    written = _written_bundles(monkeypatch)
    write_downloads(catalog, tmp_path / "again", day, "站", kept=KeptBundles(cache))
    assert len(written) == 6
    assert _files(tmp_path / "again") == _files(tmp_path / "first")
    assert not list((tmp_path / "again").rglob("*.tmp"))

    blocked = tmp_path / "blocked"
    blocked.write_text("not a folder")  # the store cannot be made
    written.clear()
    write_downloads(catalog, tmp_path / "third", day, "站", kept=KeptBundles(blocked / "x"))
    assert len(written) == 6
    assert _files(tmp_path / "third") == _files(tmp_path / "first")


def test_a_published_file_edited_in_place_is_not_used_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The site's files are links to the kept ones: someone saving a downloaded CSV in place in
    # the site folder changes the kept file too; the next build must not publish that.
    catalog, day, cache = _kept_once(tmp_path, monkeypatch)
    fresh = _files(tmp_path / "first")
    with (tmp_path / "first/xiazai/xiangmu/baoan-feiyong-yusuan.csv").open("a") as edited:
        edited.write("手工加的一行\n")
    written = _written_bundles(monkeypatch)
    write_downloads(catalog, tmp_path / "again", day, "站", kept=KeptBundles(cache))
    assert written == ["xiangmu/baoan-feiyong"]
    assert _files(tmp_path / "again") == fresh


def test_a_partial_write_neither_uses_nor_keeps_bundles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A serve session writes the bundles an edit touched: they changed, and keeping each edit's
    # whole-site bundle would fill the disk over a long session.
    catalog, day, cache = _kept_once(tmp_path, monkeypatch)
    before = {p: p.stat().st_mtime_ns for p in cache.rglob("*")}
    written = _written_bundles(monkeypatch)
    only = {"quanbu", "xiangmu/baoan-feiyong"}
    write_downloads(catalog, tmp_path / "first", day, "站", only, kept=KeptBundles(cache))
    assert sorted(written) == sorted(only)
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*")} == before


@pytest.mark.parametrize("switch", [NO_KEPT, NO_CACHE])
def test_the_store_can_be_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, switch: str
) -> None:
    monkeypatch.delenv(NO_KEPT, raising=False)
    monkeypatch.setenv(switch, "1")
    write_downloads(
        load_catalog(DATA),
        tmp_path / "site",
        dt.date(2024, 5, 1),
        "站",
        kept=KeptBundles(tmp_path / "cache"),
    )
    assert not (tmp_path / "cache").exists()


def test_a_build_keeps_its_bundles_beside_its_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(NO_KEPT, raising=False)
    project = copy_project(tmp_path / "project")
    epoch = {"SOURCE_DATE_EPOCH": "1709222400"}
    assert mkdocs_build(project, tmp_path / "first", env=epoch).returncode == 0
    cache = project / CACHE_FOLDER
    assert len(list(cache.iterdir())) == 5
    assert mkdocs_build(project, tmp_path / "again", env=epoch).returncode == 0
    assert fingerprint(tmp_path / "again") == fingerprint(tmp_path / "first")
    placed = (tmp_path / "again/xiazai/quanbu.xlsx").stat().st_ino
    assert placed in {(k / "3").stat().st_ino for k in cache.iterdir()}
    assert not (tmp_path / "again" / ".cache").exists()  # never published
