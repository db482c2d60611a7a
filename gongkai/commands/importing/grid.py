"""The one shape every container reader yields (导入的共同网格): a document is a list of blocks,
each a paragraph of text or a :class:`Table` whose cells sit in their true columns.

A merged cell is read as the form means it: its text stands in every column it spans across
(a 项目名称 value spread over eight columns is one value), and only in its first row when it
spans down (a 原因 note beside five money rows belongs to the first). A copy that lost the
columns (a browser copy, one cell a line, a run-together line) is marked ``certain=False``:
the form reader then places a value only where its column can be proven.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


class SourceError(Exception):
    """The file cannot be read as a report; the message is Chinese and names the file."""


# Bounds of one table (表格上限), checked before its grid is made: spans can claim any size.
MAX_ROWS = 20_000  # rows of one table: a form has about sixty, a project list a few thousand
MAX_COLUMNS = 300  # columns of one table: a form has about ten


class TableTooLarge(SourceError):
    """A table past :data:`MAX_ROWS` or :data:`MAX_COLUMNS`; the file is named by the caller."""


def check_table(rows: int, columns: int) -> None:
    """Refuse a table before its grid is made: spans can claim any size."""
    if rows > MAX_ROWS:
        raise TableTooLarge(
            f"表格有 {rows} 行，超过导入上限 {MAX_ROWS} 行；一张绩效表只有几十行，"
            "请确认是否选错了文件"
        )
    if columns > MAX_COLUMNS:
        raise TableTooLarge(
            f"表格有 {columns} 列，超过导入上限 {MAX_COLUMNS} 列；一张绩效表只有十来列，"
            "请确认是否选错了文件"
        )


@dataclass
class Table:
    """A table (表格) as rows of cell texts in grid columns.

    ``certain`` is False where the source did not keep the columns (text copies): cells are in
    order, but a row may lack the cells that a merge above it covered. ``stream`` marks cells
    copied one a line, whose row breaks are unknown (each row then holds one cell);
    ``blanks_lost`` such a stream whose copy dropped the empty cells."""

    rows: list[list[str]] = field(default_factory=list)
    certain: bool = True
    stream: bool = False
    blanks_lost: bool = False  # a stream whose empty cells the copy dropped


Block = str | Table


@dataclass
class Document:
    """What one container holds for the form and narrative readers: its blocks, the page header
    of a web copy, and how it was read (容器, 编码, 工作表)."""

    blocks: list[Block]
    container: str
    encoding: str | None = None
    part: str | None = None  # the sheet or page range inside the file
    scan: Any = None  # a ScanReading where the file was read by OCR (containers.scan)


def run_on(parts: list[str]) -> str:
    """Pieces of one text (a cell's lines, a line's words) as one: Chinese runs on without a
    space, two Latin words keep one.

    >>> run_on(["全市空气质", "量达到优良"]), run_on(["2023.07-", "2024.01"]), run_on(["Table", "Grid"])
    ('全市空气质量达到优良', '2023.07-2024.01', 'Table Grid')
    """
    joined = ""
    for part in parts:
        latin = (
            joined[-1:].isascii()
            and joined[-1:].isalpha()
            and part[:1].isascii()
            and part[:1].isalpha()
        )
        joined += (" " if latin else "") + part
    return joined


def expand_spans(
    width: int, cells: list[tuple[int, int, int, int, str]], height: int
) -> list[list[str]]:
    """Rows of a grid from cells given as (row, column, rowspan, colspan, text): a cell's text
    across all its columns, in its first row only.

    >>> expand_spans(3, [(0, 0, 2, 1, "产出指标"), (0, 1, 1, 2, "数量"), (1, 1, 1, 1, "a"),
    ...                  (1, 2, 1, 1, "b")], 2)
    [['产出指标', '数量', '数量'], ['', 'a', 'b']]
    """
    check_table(height, width)
    rows = [[""] * width for _ in range(height)]
    for row, column, _rowspan, colspan, text in cells:
        for c in range(column, min(column + colspan, width)):
            if row < height:
                rows[row][c] = text
    return rows


_FIGURE = re.compile(r"^[-+]?[\d,，.]+%?$")  # a cell that is a figure alone


def continues(before: Block, after: Block) -> bool:
    """A table at the top of a page that goes on from the table at the foot of the page before
    (the same columns)."""
    return (
        isinstance(before, Table)
        and isinstance(after, Table)
        and bool(before.rows and after.rows)
        and len(before.rows[-1]) == len(after.rows[0])
    )


def join_split(table: Table, rest: Table) -> None:
    """Put a table split by a page break back together. Its first row is the rest of the last
    row when a page cut that row: its cells stand only under cells of that row (or of a cell
    merged down into it), and it leaves empty the short figures that row already holds whole.
    The rest of a merged cell's text goes back to that cell."""
    last, first = table.rows[-1], rest.rows[0]

    def origin(column: int) -> int | None:
        """The row whose cell reaches down into the last row at ``column``."""
        for index in range(len(table.rows) - 1, -1, -1):
            if table.rows[index][column]:
                return index
        return None

    under = all(not cell or origin(i) is not None for i, cell in enumerate(first))
    figures = [i for i, cell in enumerate(last) if _FIGURE.match(cell)]
    filled_first = [i for i, cell in enumerate(first) if cell]
    filled_last = [i for i, cell in enumerate(last) if cell]
    if figures:
        cut = under and all(not first[i] for i in figures) and bool(filled_first)
    else:
        # A row without figures (a 其中 line): cut when the rest holds fewer of its cells.
        cut = (
            under
            and 0 < len(filled_first) < len(filled_last)
            and set(filled_first) <= set(filled_last)
            and not all(first[i].strip("…. ") == "" for i in filled_first)
        )
    rows = rest.rows
    if cut:
        for column, cell in enumerate(first):
            at = origin(column)
            if cell and at is not None:
                table.rows[at][column] += cell
        rows = rows[1:]
    table.rows.extend(rows)
