"""Workbooks (工作簿): .xlsx with openpyxl, .xls and WPS .et with xlrd. Each sheet with content is
one document; merged cells come from the workbook's own merge list, and numbers read as the
sheet shows them (its number format: 100.00%, 3.36), never as a float's long tail."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from gongkai.commands.importing.containers.limits import MAX_CELLS, check_zip
from gongkai.commands.importing.grid import Document, SourceError, Table, expand_spans


def shown(value: Any, number_format: str = "General") -> str:
    """A cell's value as the sheet shows it.

    >>> shown(1.0, "0.00%"), shown(3.3600000000000003, "0.00"), shown(251.89), shown(60.0)
    ('100.00%', '3.36', '251.89', '60')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        decimals = _decimals(number_format)
        if "%" in number_format:
            number = Decimal(repr(float(value))) * 100
            return f"{round(number, decimals if decimals is not None else 0):f}%"
        number = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
        if decimals is not None:
            text = f"{round(number, decimals):f}"
        else:
            text = (
                format(number.normalize(), "f")
                if number != number.to_integral()
                else str(int(number))
            )
        if "," in number_format and "#" in number_format:
            whole, _, fraction = text.partition(".")
            text = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
        return text
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).replace("\u00a0", " ").strip()


def _decimals(number_format: str) -> int | None:
    match = re.search(r"0\.(0+)", number_format or "")
    if match:
        return len(match.group(1))
    if re.search(r"(^|[^.])0(%|$|;|_)", number_format or "") and "General" not in number_format:
        return 0
    return None


def _covered(merged: dict[tuple[int, int], tuple[int, int]]) -> set[tuple[int, int]]:
    """The cells a merge hides: all of its area but its first cell."""
    return {
        (row, col)
        for (r0, c0), (height, width) in merged.items()
        for row in range(r0, r0 + height)
        for col in range(c0, c0 + width)
        if (row, col) != (r0, c0)
    }


def _trim(rows: list[list[str]]) -> list[list[str]]:
    while rows and not any(rows[-1]):
        rows.pop()
    width = max((i + 1 for row in rows for i, c in enumerate(row) if c), default=0)
    return [row[:width] for row in rows]


def read_xlsx(path: Path) -> list[Document]:
    import openpyxl

    check_zip(path).close()
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise SourceError(f"{path}：Excel 文件已损坏，无法打开（{type(error).__name__}）") from None
    documents = []
    for sheet in book.worksheets:
        if sheet.max_row * sheet.max_column > MAX_CELLS:
            raise SourceError(f"{path}：工作表“{sheet.title}”超过 {MAX_CELLS} 格，不像一份绩效表")
        merged = {
            (r.min_row, r.min_col): (r.max_row - r.min_row + 1, r.max_col - r.min_col + 1)
            for r in sheet.merged_cells.ranges
        }
        covered = _covered(merged)
        cells = []
        for row in sheet.iter_rows():
            for cell in row:
                if (cell.row, cell.column) in covered or cell.value is None:
                    continue
                h, w = merged.get((cell.row, cell.column), (1, 1))
                cells.append(
                    (cell.row - 1, cell.column - 1, h, w, shown(cell.value, cell.number_format))
                )
        rows = _trim(expand_spans(sheet.max_column, cells, sheet.max_row))
        if rows:
            documents.append(Document([Table(rows)], "xlsx", part=sheet.title))
    book.close()
    return documents


def read_xls(path: Path) -> list[Document]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except xlrd.XLRDError as error:
        if "encrypt" in str(error).lower():
            raise SourceError(
                f"{path}：工作簿设有打开密码（已加密），无法读取；请让报送单位去掉密码后重新提供"
            ) from None
        raise SourceError(f"{path}：Excel (.xls) 文件无法读取（{error}）") from None
    except Exception as error:
        raise SourceError(
            f"{path}：Excel (.xls) 文件已损坏，无法打开（{type(error).__name__}）"
        ) from None
    documents = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if sheet.nrows * sheet.ncols > MAX_CELLS:
                raise SourceError(
                    f"{path}：工作表“{sheet.name}”超过 {MAX_CELLS} 格，不像一份绩效表"
                )
            merged = {(r0, c0): (r1 - r0, c1 - c0) for r0, r1, c0, c1 in sheet.merged_cells}
            covered = _covered(merged)
            cells = []
            for r in range(sheet.nrows):
                for c in range(sheet.ncols):
                    if (r, c) in covered:
                        continue
                    cell = sheet.cell(r, c)
                    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        continue
                    value: Any = cell.value
                    number_format = "General"
                    if cell.ctype == xlrd.XL_CELL_NUMBER:
                        xf = book.xf_list[cell.xf_index]
                        number_format = book.format_map[xf.format_key].format_str
                    elif cell.ctype == xlrd.XL_CELL_DATE:
                        value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                    elif cell.ctype == xlrd.XL_CELL_ERROR:
                        value = ""
                    h, w = merged.get((r, c), (1, 1))
                    cells.append((r, c, h, w, shown(value, number_format)))
            rows = _trim(expand_spans(sheet.ncols, cells, sheet.nrows))
            if rows:
                documents.append(Document([Table(rows)], "xls", part=sheet.name))
    finally:
        book.release_resources()
    return documents
