"""The downloads' XLSX writer (gongkai.outputs.xlsx): what it writes reads back as written, in
openpyxl (what pandas reads workbooks with) and as well-formed XML, the same bytes each time."""

import datetime as dt
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import openpyxl

from gongkai.outputs import xlsx

HEADERS = ["名称", "金额（元）", "金额（万元）", "执行率"]
WIDTHS = [12.0, 14.0, 14.0, 12.0]

# Texts a report may hold: XML's own characters, spaces at either end, a line break, a
# character XML cannot hold, Excel's own escape written out, and more than a cell holds.
TEXTS = [
    "保安费用 & <维稳> \"经费\" '甲'",
    "  前后有空格  ",
    "第一行\n第二行",
    "响铃\x07字符",
    "字面的 _x0041_ 不是 A",
    "长" * 40000,
]


def _as_excel_reads(text: str) -> str:
    """A cell's text as Excel shows it: each _xHHHH_ is the character it names, read once from
    left to right (openpyxl leaves them as they are)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def _write(path: Path, rows: list[list[tuple[object, int]]]) -> Path:
    book = xlsx.Workbook(
        path, [("预算", HEADERS, WIDTHS), ("空表", ["甲"], [12.0])], dt.date(2024, 3, 1), "gongkai"
    )
    for row in rows:
        book.add(0, xlsx.row_template(row))  # type: ignore[arg-type]
    book.close()
    return path


def _rows() -> list[list[tuple[object, int]]]:
    rows: list[list[tuple[object, int]]] = [[(text, xlsx.PLAIN)] for text in TEXTS]
    rows.append(
        [
            ("驻京驻蓉信访维稳经费", xlsx.PLAIN),
            (Decimal("150000.00"), xlsx.YUAN),
            (Decimal("15.0000"), xlsx.WAN),
            (Decimal("0.9500"), xlsx.RATE),
        ]
    )
    # An empty cell is left out; the next keeps its column.
    rows.append([("无预算", xlsx.PLAIN), (None, xlsx.YUAN), (None, xlsx.WAN), (Decimal("1E+2"), 0)])
    rows.append([(2023, xlsx.PLAIN), (Decimal("12345678901.23"), xlsx.YUAN)])
    return rows


def test_what_is_written_reads_back_as_written(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.xlsx", _rows())
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["预算", "空表"]
    sheet = book["预算"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == HEADERS
    texts = [_as_excel_reads(row[0]) for row in values[1:7]]
    assert texts == [*TEXTS[:5], "长" * xlsx.TEXT_LIMIT]
    assert values[7] == ["驻京驻蓉信访维稳经费", 150000, 15, 0.95]
    assert values[8] == ["无预算", None, None, 100]
    assert values[9] == [2023, 12345678901.23, None, None]
    formats = [c.number_format for c in sheet[8]]
    assert formats == ["General", "#,##0.00", '#,##0.00" 万元"', "0.00%"]
    header = sheet["A1"]
    assert header.font.b and header.fill.fgColor.rgb == "FFEEEEEE" and header.alignment.wrap_text
    assert header.border.bottom.style == "thin"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D10"
    widths = {(d.min, d.max): d.width for d in sheet.column_dimensions.values()}
    assert widths == {(1, 1): 12.7109375, (2, 3): 14.7109375, (4, 4): 12.7109375}
    assert book.properties.creator == "gongkai"
    assert book.properties.created == dt.datetime(2024, 3, 1)
    # A sheet of no rows still has its header, and a filter over it and the row below.
    empty = book["空表"]
    assert [[c.value for c in row] for row in empty.iter_rows()] == [["甲"]]
    assert empty.auto_filter.ref == "A1:A2"


def test_every_part_is_well_formed_xml_and_the_bytes_are_the_same_each_time(
    tmp_path: Path,
) -> None:
    first = _write(tmp_path / "a.xlsx", _rows())
    again = _write(tmp_path / "b.xlsx", _rows())
    assert first.read_bytes() == again.read_bytes()
    with zipfile.ZipFile(first) as package:
        names = package.namelist()
        assert names[0] == "[Content_Types].xml"
        for name in names:
            ElementTree.fromstring(package.read(name))
        workbook = package.read("xl/workbook.xml").decode()
        assert "'预算'!$A$1:$D$10" in workbook
        # Spaces at either end are kept (Excel would trim them otherwise).
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
        assert '<t xml:space="preserve">  前后有空格  </t>' in sheet
        # Nothing of the system or the time it was written on.
        assert {(i.create_system, i.date_time) for i in package.infolist()} == {
            (0, (1980, 1, 1, 0, 0, 0))
        }


def test_a_row_is_made_once_and_numbered_by_each_workbook(tmp_path: Path) -> None:
    # A project-year's rows go into its project's, its year's and the whole site's workbook:
    # each numbers the same made row where it falls.
    row = xlsx.row_template([("保安费用", 0), (Decimal("80000"), xlsx.YUAN)])
    books = []
    for name, before in (("project", 0), ("year", 5)):
        path = tmp_path / f"{name}.xlsx"
        book = xlsx.Workbook(path, [("预算", HEADERS[:2], WIDTHS[:2])], dt.date(2024, 3, 1), "g")
        for _ in range(before):
            book.add(0, xlsx.row_template([("别的项目", 0)]))
        book.add(0, row)
        book.close()
        books.append(openpyxl.load_workbook(path)["预算"])
    assert [c.value for c in books[0][2]] == ["保安费用", 80000]
    assert [c.value for c in books[1][7]] == ["保安费用", 80000]


def test_a_large_sheet_waits_on_disk_not_in_memory(tmp_path: Path) -> None:
    book = xlsx.Workbook(tmp_path / "a.xlsx", [("预算", ["甲"], [12.0])], dt.date(2024, 3, 1), "g")
    row = xlsx.row_template([("项目" * 200, 0)])
    for _ in range(1000):  # about 1.3 MB of rows
        book.add(0, row)
    assert book.rows[0]._rolled  # type: ignore[attr-defined]
    book.close()
    sheet = openpyxl.load_workbook(tmp_path / "a.xlsx", read_only=True)["预算"]
    assert sum(1 for _ in sheet.iter_rows()) == 1001


def test_column_letters() -> None:
    assert [xlsx.column_letters(n) for n in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"
    ]  # fmt: skip
