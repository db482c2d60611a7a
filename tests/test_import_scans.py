"""Scanned and photographed forms (issue 22): the page straightened and freed of its red stamp,
the grid rebuilt from its ruling lines, OCR on this machine, and nothing published unchecked.

The image steps are tested on drawn tables (exact answers); the whole import on the scans of
real forms in ``tests/corpus/real/scans`` (made by ``scans.py`` from the published originals),
against the figures the same form gives from its spreadsheet."""

from __future__ import annotations

import itertools
import re
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
from conftest import copy_project, run_cli

from gongkai.commands.importing.run import import_files

cv2 = pytest.importorskip("cv2")
np = pytest.importorskip("numpy")

ROOT = Path(__file__).resolve().parent.parent
SCANS = ROOT / "tests/corpus/real/scans"
BUILT = ROOT / "tests/corpus/real/built"


def _drawn_table() -> np.ndarray:
    """A white page with a 4 × 3 table: the first column's top two cells merged down, the
    bottom row's last two cells merged across."""
    page = np.full((700, 900, 3), 255, np.uint8)
    ys, xs = [100, 200, 300, 400, 500], [100, 350, 600, 800]
    for y in ys:
        cv2.line(page, (xs[0], y), (xs[-1], y), (0, 0, 0), 2)
    for x in xs:
        cv2.line(page, (x, ys[0]), (x, ys[-1]), (0, 0, 0), 2)
    cv2.line(page, (xs[0] + 3, ys[1]), (xs[1] - 3, ys[1]), (255, 255, 255), 4)  # merged down
    cv2.line(page, (xs[2], ys[3] + 3), (xs[2], ys[4] - 3), (255, 255, 255), 4)  # merged across
    return page


def _masks(page: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from gongkai.commands.importing.containers import scan

    gray = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    ink = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15
    )
    return scan._line_masks(ink)


def test_the_grid_comes_from_the_ruling_lines_with_its_merged_cells() -> None:
    from gongkai.commands.importing.containers.scan import find_grid

    horizontal, vertical = _masks(_drawn_table())
    grid = find_grid(horizontal, vertical, (90, 90, 810, 510))
    assert grid is not None
    assert [round(y / 10) for y in grid.rows] == [10, 20, 30, 40, 50]
    assert [round(x / 10) for x in grid.columns] == [10, 35, 60, 80]
    # (row, column, rowspan, colspan): the merged cells span; every other cell is one.
    assert (0, 0, 2, 1) in grid.cells and (3, 1, 1, 2) in grid.cells
    assert len(grid.cells) == 12 - 1 - 1


def test_a_tall_page_is_read_in_bands_cut_only_where_a_row_ends() -> None:
    from gongkai.commands.importing.containers.scan import BAND, _bands, _Grid

    # Rows every 100 px down a 3,000 px page; rows 5–15 are one merged cell in column 0.
    rows = list(range(100, 2901, 100))
    cells = [(r, 1, 1, 1) for r in range(len(rows) - 1)] + [(5, 0, 10, 1)]
    cells += [(r, 0, 1, 1) for r in range(len(rows) - 1) if not 5 <= r < 15]
    bands = _bands(3000, [_Grid(rows, [0, 400, 800], cells)])
    assert bands[0][0] == 0 and bands[-1][1] == 3000
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bands))  # no gap, no overlap
    assert all(bottom - top <= BAND for top, bottom in bands[:-1])
    # No cut inside the merged cell (rows[5] < y < rows[15]); every cut is a row line.
    cuts = [bottom for _top, bottom in bands[:-1]]
    assert cuts and all(y in rows and not rows[5] < y < rows[15] for y in cuts)
    # A page with no table to cut at is read whole.
    assert _bands(3000, []) == [(0, 3000)]


@pytest.mark.slow  # OCR of two pages: seconds
def test_a_cell_on_a_continued_page_is_placed_as_it_is_on_that_paper() -> None:
    from gongkai.commands.importing.containers.scan import read_scan
    from gongkai.commands.importing.scanned import _place

    stem = "yn-yongde-2022-yingyang"  # a 自评表 over two pages, its table joined in the data
    document = read_scan(SCANS / stem / f"{stem}.stamp.pdf", pdf=True)
    reading = document.scan
    assert reading is not None and {c.page for c in reading.cells} == {0, 1}
    second = [c for c in reading.cells if c.page == 1 and c.text]
    # The second page's first table begins at its own first row, as the clerk counts it.
    assert min(c.row for c in second) == 0 and {c.table for c in second} == {0}
    total = next(c for c in second if c.text.startswith("总分"))
    # 总分 is the last row of the second page (8 rows there), not row 8 + page one's rows.
    assert total.row == max(c.row for c in reading.cells if c.page == 1) == 7
    assert _place(total, reading.cells).startswith("第 2 页表 1 第 8 行")


def test_a_skewed_page_is_straightened_and_a_red_stamp_removed() -> None:
    from gongkai.commands.importing.containers.scan import find_grid, remove_red, straighten

    page = _drawn_table()
    cv2.circle(page, (480, 250), 80, (30, 30, 220), 8)  # a red seal across two cells
    cv2.putText(page, "89.974", (620, 360), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (0, 0, 0), 2)
    turned = cv2.warpAffine(
        page,
        cv2.getRotationMatrix2D((450, 350), 1.5, 1.0),
        (900, 700),
        borderValue=(255, 255, 255),
    )
    clean = straighten(remove_red(turned))
    # Of the seal's 4,000 red pixels, only dark ones are left, where it crossed a black line;
    # the black figure is kept.
    hsv = cv2.cvtColor(clean, cv2.COLOR_BGR2HSV)
    red = (hsv[:, :, 1] > 70) & ((hsv[:, :, 0] < 12) | (hsv[:, :, 0] > 160)) & (hsv[:, :, 2] > 120)
    assert int(red.sum()) == 0
    assert int((cv2.cvtColor(clean, cv2.COLOR_BGR2GRAY) < 80).sum()) > 1000
    horizontal, vertical = _masks(clean)
    grid = find_grid(horizontal, vertical, (60, 60, 840, 560))
    # Straightened: the same grid as the upright page, merged cells and all.
    assert grid is not None and len(grid.rows) == 5 and len(grid.columns) == 4
    assert (0, 0, 2, 1) in grid.cells and (3, 1, 1, 2) in grid.cells


def test_without_the_ocr_extra_the_clerk_is_told_the_one_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # as if not installed
    picture = tmp_path / "自评表.png"
    cv2.imwrite(str(picture), _drawn_table())
    outcome = import_files([picture], tmp_path / "data", None, None, False)
    assert outcome.errors and 'pip install -e ".[ocr]"' in outcome.errors[0]
    assert "扫描件或照片" in outcome.errors[0] and not (tmp_path / "data").exists()


def test_check_strict_refuses_a_file_read_by_ocr_until_it_is_checked(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    path = project / "data/2023/xiqu-xinfangju/baoan-feiyong.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["ocr"] = {
        "source": "保安费用自评表.pdf",
        "checked": False,
        "fields": [{"field": "name", "text": "保安费用", "confidence": 99}],
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    refused = run_cli(project, "check", "--strict")
    assert refused.returncode != 0
    assert "ocr.checked：这份文件由扫描件“保安费用自评表.pdf”文字识别" in refused.stderr
    data["ocr"]["checked"] = True
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    checked = run_cli(project, "check", "--strict")
    assert "ocr.checked" not in checked.stdout + checked.stderr


def _imported(path: Path, out: Path) -> tuple[dict, object]:
    outcome = import_files([path], out, None, None, False)
    files = sorted(out.glob("[0-9]*/*/*.yml"))
    assert len(files) == 1, outcome.errors
    return yaml.safe_load(files[0].read_text(encoding="utf-8")), outcome


@pytest.mark.slow  # OCR of a page: seconds
def test_a_stamped_scan_gives_the_spreadsheets_figures_and_is_kept_unpublished(
    tmp_path: Path,
) -> None:
    stem = "ah-guichi-2022-weituo"
    scanned, outcome = _imported(SCANS / stem / f"{stem}.stamp.pdf", tmp_path / "scan")
    typed, _ = _imported(BUILT / stem / f"{stem}.xlsx", tmp_path / "xlsx")
    # The same project, unit and figures as the spreadsheet gives (the stamp hid the unit).
    for key in ("name", "kind", "budget"):
        assert scanned[key] == typed[key], key
    assert scanned["form"]["implementer"] == typed["form"]["implementer"]
    # The same rows and figures; OCR writes a label's colon full-width (年度资金总额：).
    for row in scanned["form"]["funds"]:
        row["label"] = unicodedata.normalize("NFKC", row["label"])
    assert scanned["form"]["funds"] == typed["form"]["funds"]

    # The same indicators, word for word but for the quotation marks' shape (OCR: ” as ").
    def words(form: dict) -> list[str]:
        return [
            re.sub(r"[\"“”]", '"', i.get("name") or "") for i in form["performance"]["indicators"]
        ]

    assert words(scanned) == words(typed)
    # Never published as it is: incomplete, and every value says what OCR saw and how surely.
    assert scanned["incomplete"] is True
    assert scanned["ocr"]["source"] == f"{stem}.stamp.pdf" and scanned["ocr"]["checked"] is False
    fields = {f["field"]: f for f in scanned["ocr"]["fields"]}
    assert fields["name"]["text"] == "委托业务项目" and fields["name"]["confidence"] >= 90
    # The form's own total is wrong in the original (0 beside 89.974 万元): its figures go to
    # the review with their images, for the clerk to compare with the paper.
    review = outcome.reviews[0]  # type: ignore[attr-defined]
    assert review.mismatches and review.doubts
    assert any(d.text == "89.974" for d in review.doubts)
    assert all(d.image.startswith(b"\x89PNG") for d in review.doubts)


def _leaves(value: object, path: tuple = ()) -> list[tuple[tuple, object]]:
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, key))]
    if isinstance(value, list):
        return [leaf for n, item in enumerate(value) for leaf in _leaves(item, (*path, n))]
    return [(path, value)]


def _at(data: object, path: tuple) -> object:
    for part in path:
        if (isinstance(data, dict) and part in data) or (
            isinstance(data, list) and isinstance(part, int) and part < len(data)
        ):
            data = data[part]
        else:
            return None
    return data


def _put(data: dict, path: tuple, value: object) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _plain(value: object) -> object:
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


@pytest.mark.slow  # OCR of a page and two builds
def test_a_clerk_fixes_the_cells_the_review_shows_and_publishes_the_papers_figures(
    tmp_path: Path,
) -> None:
    """Issue 22's promise, as the clerk goes: import the stamped scan, look only at what the
    review workbook lists, correct those values, mark the file checked, and the page shows every
    figure of the paper (the same as the page made from the department's own spreadsheet)."""
    from openpyxl import load_workbook

    stem = "sc-daying-2023-anke"  # a form whose own arithmetic holds
    scanned_project = copy_project(tmp_path / "scan")
    typed_project = copy_project(tmp_path / "typed")
    sample = {p.relative_to(scanned_project) for p in scanned_project.glob("data/*/*/*.yml")}
    for project, source in (
        (scanned_project, SCANS / stem / f"{stem}.stamp.pdf"),
        (typed_project, BUILT / stem / f"{stem}.xlsx"),
    ):
        ran = run_cli(project, "import", str(source), "--out", "data")
        assert ran.returncode == 0, ran.stdout + ran.stderr
    [path] = [
        p
        for p in scanned_project.glob("data/*/*/*.yml")
        if p.relative_to(scanned_project) not in sample
    ]
    [typed_path] = [
        p
        for p in typed_project.glob("data/*/*/*.yml")
        if p.relative_to(typed_project) not in sample
    ]
    scanned = yaml.safe_load(path.read_text(encoding="utf-8"))
    typed = yaml.safe_load(typed_path.read_text(encoding="utf-8"))

    # What the review workbook shows the clerk: the cells OCR was unsure of, with their images.
    book = load_workbook(scanned_project / "导入核对.xlsx")
    sheet = book["扫描件核对"]
    shown = [str(row[2] or "") for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert shown and all((scanned_project / "导入核对-图片").glob("*.png"))
    fields = len(_leaves(typed))
    assert len(shown) < fields / 3, (len(shown), fields)  # a few cells, not the whole form

    # Every value that differs from the paper is either listed there or missing (never silent).
    to_fix = []
    for where, want in _leaves(typed):
        found = _at(scanned, where)
        if where[0] in ("ocr", "incomplete") or _plain(found) == _plain(want):
            continue
        if found in (None, ""):
            to_fix.append(where)  # missing: the review's 缺 list names it for the clerk
            continue
        text = str(found)
        listed = any(text == cell or (len(text) > 1 and text in cell) for cell in shown) or any(
            cell.replace(",", "") and _number_matches(cell, found) for cell in shown
        )
        assert listed, f"{'.'.join(map(str, where))}: {found!r} (paper: {want!r}) not in the review"
        to_fix.append(where)
    assert len(to_fix) < 20, to_fix

    # The clerk corrects those values from the paper and marks the file checked.
    refused = run_cli(scanned_project, "check", "--strict")
    assert refused.returncode != 0 and "ocr.checked" in refused.stderr
    for where in to_fix:
        _put(scanned, where, _at(typed, where))
    scanned["ocr"]["checked"] = True
    scanned.pop("incomplete", None)
    path.write_text(yaml.safe_dump(scanned, allow_unicode=True, sort_keys=False), "utf-8")
    checked = run_cli(scanned_project, "check", "--strict")
    assert "ocr.checked" not in checked.stdout + checked.stderr

    # The published page: every figure and indicator as on the spreadsheet's page.
    from bs4 import BeautifulSoup
    from conftest import mkdocs_build

    pages = []
    for project in (scanned_project, typed_project):
        site = project / "site"
        built = mkdocs_build(project, site)
        assert built.returncode == 0, built.stderr
        [page] = [
            p
            for p in site.glob(f"{path.parent.parent.name}/*/index.html")
            if p.parent.name in (path.stem, typed_path.stem)
        ]
        html = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        tables = html.select("main table")
        pages.append([_plain(t.get_text(" ", strip=True)) for t in tables])
    assert pages[0] and pages[0] == pages[1]


def _number_matches(cell: str, found: object) -> bool:
    from decimal import Decimal, InvalidOperation

    try:
        number, value = Decimal(cell.replace(",", "").rstrip("%")), Decimal(str(found))
    except InvalidOperation:
        return False
    return value in (number, number * 10000, number / 100)
