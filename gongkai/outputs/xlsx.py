"""A small streaming XLSX writer (表格文件) for the downloads: sheets of rows with a bold,
frozen, filtered header row, written as their rows come.

Each row is made once as a :data:`RowTemplate` (the row's XML cut where its row number goes)
and then numbered by every workbook it is written into: a project-year's rows go into its
project's, its year's and the whole site's workbook. xlsxwriter, which made every cell again
for each workbook, took three quarters of the time of writing the downloads. Rows wait in a
temporary file per sheet (in memory while small), so that memory does not grow with the
workbook; the file is put together when it is closed. The same rows and date give the same
bytes.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

RowTemplate = tuple[str, ...]  # a row's XML in pieces, joined by its row number

# Cell styles (the ``s`` of a cell; see _STYLES): the header's, and three number formats.
PLAIN, HEADER, YUAN, WAN, RATE = 0, 1, 2, 3, 4
WAN_FORMAT = '#,##0.00" 万元"'
TEXT_LIMIT = 32767  # characters a cell holds in Excel (the JSON and CSV keep the whole text)
_SPOOL_IN_MEMORY = 1 << 20  # bytes of a sheet's rows kept in memory before they go to disk
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the same bytes whenever the file is made

# Characters XML 1.0 cannot hold, written as Excel's _xHHHH_ escapes (and a text that holds
# such an escape itself is escaped in turn, so that it reads back as written).
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")


def column_letters(number: int) -> str:
    """A column's letters, from 0: A … Z, AA, AB …

    >>> column_letters(0), column_letters(26)
    ('A', 'AA')
    """
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    value = value[:TEXT_LIMIT]
    value = _UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f"<is><t{space}>{escape(value)}</t></is>"


def _number(value: int | float | Decimal) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")  # exact, never with an exponent
    return repr(value)


def row_template(cells: Iterable[tuple[str | int | float | Decimal | None, int]]) -> RowTemplate:
    """A row made of cells ``(value, style)``, one per column from the first; an empty cell
    (``None``) is left out. Text is written in its cell (not in a table of shared strings,
    which would have to be held whole)."""
    pieces = ['<row r="']
    tail = '">'  # what follows the row number last written
    for column, (value, style) in enumerate(cells):
        if value is None:
            continue
        pieces.append(f'{tail}<c r="{column_letters(column)}')
        styled = f'" s="{style}"' if style else '"'
        if isinstance(value, str):
            tail = f'{styled} t="inlineStr">{_text(value)}</c>'
        else:
            tail = f"{styled}><v>{_number(value)}</v></c>"
    pieces.append(f"{tail}</row>")
    return tuple(pieces)


class Workbook:
    """One XLSX file at ``path``: ``sheets`` of (title, headers, column widths); rows added
    in any order of sheets, each sheet's in its order."""

    def __init__(
        self,
        path: Path,
        sheets: Sequence[tuple[str, Sequence[str], Sequence[float]]],
        created: dt.date,
        author: str,
    ) -> None:
        self.path, self.created, self.author = path, created, author
        self.sheets = [(title, list(widths), len(headers)) for title, headers, widths in sheets]
        self.rows: list[IO[bytes]] = []
        self.counts: list[int] = []
        try:
            for _, headers, _ in sheets:
                spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115
                self.rows.append(spool)
                self.counts.append(0)
                self.add(len(self.rows) - 1, row_template((h, HEADER) for h in headers))
        except BaseException:
            self.discard()
            raise

    def add(self, sheet: int, row: RowTemplate) -> None:
        """Write one row as the next row of ``sheet``."""
        self.counts[sheet] += 1
        self.rows[sheet].write(str(self.counts[sheet]).join(row).encode("utf-8"))

    def close(self) -> None:
        """Put the file together at ``path``."""
        try:
            with zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as book:
                for name, content in self._parts():
                    with book.open(_entry(name), "w") as member:
                        for piece in content:
                            if isinstance(piece, bytes):
                                member.write(piece)
                            else:
                                piece.seek(0)
                                shutil.copyfileobj(piece, member)
        finally:
            self.discard()

    def discard(self) -> None:
        """Let go of the rows waiting (the file is then written or given up)."""
        for spool in self.rows:
            spool.close()
        self.rows = []

    def _parts(self) -> Iterable[tuple[str, list[bytes | IO[bytes]]]]:
        count = len(self.sheets)
        yield "[Content_Types].xml", [_utf8(_content_types(count))]
        yield "_rels/.rels", [_utf8(_ROOT_RELS)]
        yield "docProps/app.xml", [_utf8(_APP)]
        yield "docProps/core.xml", [_utf8(_core(self.created, self.author))]
        yield "xl/workbook.xml", [_utf8(self._workbook())]
        yield "xl/_rels/workbook.xml.rels", [_utf8(_workbook_rels(count))]
        yield "xl/styles.xml", [_utf8(_STYLES)]
        for number, (_, widths, _) in enumerate(self.sheets):
            column, row = self._corner(number)
            area = f"A1:{column}{row}"
            head, tail = _sheet(area, widths, selected=number == 0)
            rows = self.rows[number]
            yield f"xl/worksheets/sheet{number + 1}.xml", [_utf8(head), rows, _utf8(tail)]

    def _corner(self, number: int) -> tuple[str, int]:
        """The last column and row of sheet ``number``'s filtered area (the header and at least
        the row below it)."""
        _, _, columns = self.sheets[number]
        return column_letters(max(columns, 1) - 1), max(self.counts[number], 2)

    def _workbook(self) -> str:
        sheets, filters = [], []
        for number, (title, _, _) in enumerate(self.sheets):
            name = escape(title, {'"': "&quot;"})
            sheets.append(f'<sheet name="{name}" sheetId="{number + 1}" r:id="rId{number + 1}"/>')
            column, row = self._corner(number)
            last = f"${column}${row}"
            quoted = escape("'" + title.replace("'", "''") + "'")
            filters.append(
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{number}" '
                f'hidden="1">{quoted}!$A$1:{last}</definedName>'
            )
        return (
            f"{_XML}<workbook {_MAIN} {_R}><bookViews><workbookView/></bookViews>"
            f"<sheets>{''.join(sheets)}</sheets>"
            f"<definedNames>{''.join(filters)}</definedNames></workbook>"
        )


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 0  # the same bytes on every system
    return info


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


_SELECTED = ' tabSelected="1"'  # the sheet shown when the file opens
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"

_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELS}/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_DOC}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

_APP = (
    f"{_XML}<Properties "
    'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>gongkai</Application></Properties>"
)

_WAN_CODE = escape(WAN_FORMAT, {'"': "&quot;"})
_STYLES = (
    f"{_XML}<styleSheet {_MAIN}>"
    f'<numFmts count="1"><numFmt numFmtId="164" formatCode="{_WAN_CODE}"/>'
    "</numFmts>"
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFEEEEEE"/>'
    '<bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/>'
    '</right><top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/>'
    "</bottom><diagonal/></border></borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    "</cellStyleXfs>"
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" '
    'applyFill="1" applyBorder="1" applyAlignment="1"><alignment wrapText="1"/></xf>'
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _content_types(sheets: int) -> str:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_SML}.worksheet+xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        f"{_XML}<Types "
        'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_SML}.sheet.main+xml"/>'
        f"{overrides}"
        f'<Override PartName="/xl/styles.xml" ContentType="{_SML}.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>"
    )


def _workbook_rels(sheets: int) -> str:
    listed = "".join(
        f'<Relationship Id="rId{n}" Type="{_DOC}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    styles = f'<Relationship Id="rId{sheets + 1}" Type="{_DOC}/styles" Target="styles.xml"/>'
    return f'{_XML}<Relationships xmlns="{_RELS}">{listed}{styles}</Relationships>'


def _core(created: dt.date, author: str) -> str:
    stamp = f"{created.isoformat()}T00:00:00Z"
    return (
        f"{_XML}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:creator>{escape(author)}</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _runs(widths: Sequence[float]) -> list[tuple[int, int, float]]:
    """Columns side by side of one width, as (first, last, width), from 1."""
    runs: list[tuple[int, int, float]] = []
    for number, width in enumerate(widths, start=1):
        if runs and runs[-1][2] == width and runs[-1][1] == number - 1:
            runs[-1] = (runs[-1][0], number, width)
        else:
            runs.append((number, number, width))
    return runs


def _sheet(area: str, widths: Sequence[float], selected: bool) -> tuple[str, str]:
    """A worksheet's XML before and after its rows."""
    columns = "".join(
        f'<col min="{first}" max="{last}" width="{width + 0.7109375}" customWidth="1"/>'
        for first, last, width in _runs(widths)
    )
    head = (
        f"{_XML}<worksheet {_MAIN} {_R}>"
        f'<dimension ref="{area}"/>'
        f'<sheetViews><sheetView{_SELECTED if selected else ""} workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{columns}</cols><sheetData>"
    )
    tail = (
        f'</sheetData><autoFilter ref="{area}"/>'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
        'footer="0.3"/></worksheet>'
    )
    return head, tail
