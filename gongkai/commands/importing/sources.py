"""Reading a source document into blocks: paragraphs and tables, in document order."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


class SourceError(Exception):
    """The file cannot be read as a report; the message is Chinese."""


@dataclass
class Table:
    """A table as rows of cell texts (merged cells repeat or stay empty)."""

    rows: list[list[str]] = field(default_factory=list)


Block = str | Table


def clean(text: str) -> str:
    """The text word for word (原文照录): even a "[bookmark: _GoBack]" that a conversion left
    in stays, for the audit to point out; only non-breaking spaces become plain ones."""
    return text.replace("\u00a0", " ").rstrip()


def read_blocks(path: Path) -> list[Block]:
    """Paragraphs (as text) and tables of a .txt or .docx file."""
    if not path.is_file():
        raise SourceError(f"{path}：文件不存在")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _docx_blocks(path)
    if suffix in (".txt", ".text"):
        return _text_blocks(path)
    raise SourceError(f"{path}：只能导入 .docx 或 .txt 文件（.doc 请先在 Word 中另存为 .docx）")


def _text_blocks(path: Path) -> list[Block]:
    raw = path.read_bytes()
    if not raw.strip():
        raise SourceError(f"{path}：文件是空的")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(
            f"{path}：文件不是 UTF-8 编码（可能是 GBK）；请用记事本“另存为”UTF-8 后再导入"
        ) from None
    blocks: list[Block] = []
    table: Table | None = None
    row: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        cells = _pipe_cells(line)
        if cells is not None:
            # A table copied from a web page or a Markdown file: cells between "|".
            if table is not None and row:
                table.rows.append(row)
                row = []
            if table is None:
                table = Table()
            if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):  # |---|---|
                table.rows.append(cells)
            continue
        if line.startswith("\t"):
            # Text copied out of a Word table: one cell a line, each starting with a tab.
            if table is None:
                table = Table()
            row.append(clean(line).strip())
            continue
        if table is not None:
            if line.strip() == "":  # a blank line ends a row
                if row:
                    table.rows.append(row)
                    row = []
                continue
            if row:
                table.rows.append(row)
                row = []
            blocks.append(table)
            table = None
        cleaned = clean(line)
        if cleaned.strip():
            blocks.append(cleaned)
    if table is not None:
        if row:
            table.rows.append(row)
        blocks.append(table)
    return blocks


def _pipe_cells(line: str) -> list[str] | None:
    """The cells of a line written as "a | b | c" (two or more cells), else None.

    >>> _pipe_cells("| 年度资金总额 | 0 | 0 |"), _pipe_cells("一句话")
    (['年度资金总额', '0', '0'], None)
    """
    if line.count("|") < 2 and not (line.count("|") == 1 and line.strip().startswith("|")):
        return None
    cells = [clean(c).strip() for c in line.strip().split("|")]
    if line.strip().startswith("|"):
        cells = cells[1:]
    if line.strip().endswith("|"):
        cells = cells[:-1]
    return cells if len(cells) >= 2 else None


# The header a web page puts above a disclosed document (政府信息公开目录 fields).
_HEADER = re.compile(
    r"(索引号|发布机构|发布日期|成文日期|文号|发文字号|时效性|主题分类|信息来源)\s*[:：]\s*"
)


def web_header(blocks: list[Block]) -> tuple[dict[str, str], list[Block]]:
    """The 索引号 / 发布机构 / 发布日期 / 文号 … header of a web copy, and the blocks without it.
    Only the first blocks are looked at: the header stands above the document.

    >>> web_header(["索引号：1151/2023-00012 发布机构：某某局", "正文"])
    ({'索引号': '1151/2023-00012', '发布机构': '某某局'}, ['正文'])
    """
    found: dict[str, str] = {}
    kept: list[Block] = []
    for index, block in enumerate(blocks):
        rows = block.rows if isinstance(block, Table) else [[block]]
        texts = [" ".join(c for c in row if c).strip() for row in rows]
        texts = [t for t in texts if t]
        if index >= 12 or not texts or not all(_HEADER.match(t) for t in texts):
            kept.append(block)
            continue
        for text in texts:
            marks = list(_HEADER.finditer(text))
            for n, mark in enumerate(marks):
                end = marks[n + 1].start() if n + 1 < len(marks) else len(text)
                value = text[mark.end() : end].strip()
                if value:
                    found.setdefault(mark.group(1), value)
    return found, kept


def _docx_blocks(path: Path) -> list[Block]:
    try:
        import docx
        from docx.table import Table as DocxTable
        from docx.text.paragraph import Paragraph
    except ImportError:  # pragma: no cover - a dependency of the package
        raise SourceError("读取 .docx 需要 python-docx") from None
    try:
        document = docx.Document(str(path))
    except Exception as error:  # python-docx raises several kinds for a damaged file
        raise SourceError(
            f"{path}：不是有效的 Word (.docx) 文件，可能已损坏（{type(error).__name__}）"
        ) from None
    blocks: list[Block] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = clean(Paragraph(child, document).text)
            if text.strip():
                blocks.append(text)
        elif tag == "tbl":
            table = DocxTable(child, document)
            rows = []
            for docx_row in table.rows:
                rows.append([clean(cell.text).strip() for cell in docx_row.cells])
            blocks.append(Table(rows))
    if not blocks:
        raise SourceError(f"{path}：文件中没有文字")
    return blocks
