"""Reading a source document into blocks: paragraphs and tables, in document order."""

from __future__ import annotations

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
