"""Word documents (.docx, and .wps saved in the same format): paragraphs and tables in document
order, each table cell in its grid column (gridSpan, gridBefore) and a vertically merged cell
(vMerge) in its first row only."""

from __future__ import annotations

from pathlib import Path

from gongkai.commands.importing.containers.limits import check_zip
from gongkai.commands.importing.grid import Block, Document, SourceError, Table, expand_spans

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _text(element) -> str:  # type: ignore[no-untyped-def]
    """A paragraph's or a cell's text: runs joined, tabs and breaks as spaces and lines."""
    paragraphs = []
    for p in element.iter(f"{W}p"):
        parts = []
        for node in p.iter():
            if node.tag == f"{W}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{W}tab":
                parts.append(" ")
            elif node.tag in (f"{W}br", f"{W}cr"):
                parts.append("\n")
        paragraphs.append("".join(parts).replace("\u00a0", " ").strip())
    return "\n".join(p for p in paragraphs if p)


def _val(parent, tag: str) -> str | None:  # type: ignore[no-untyped-def]
    if parent is None:
        return None
    node = parent.find(f"{W}{tag}")
    if node is None:
        return None
    return node.get(f"{W}val", "")


def _table(tbl) -> Table:  # type: ignore[no-untyped-def]
    cells: list[tuple[int, int, int, int, str]] = []
    width = 0
    rows = tbl.findall(f"{W}tr")
    for r, tr in enumerate(rows):
        before = _val(tr.find(f"{W}trPr"), "gridBefore")
        c = int(before) if before and before.isdigit() else 0
        for tc in tr.findall(f"{W}tc"):
            properties = tc.find(f"{W}tcPr")
            span_text = _val(properties, "gridSpan")
            span = int(span_text) if span_text and span_text.isdigit() else 1
            merge = _val(properties, "vMerge")
            if merge is None or merge == "restart":
                cells.append((r, c, 1, span, _text(tc)))
            c += span
            width = max(width, c)
    return Table(expand_spans(width, cells, len(rows)))


def read_docx(path: Path) -> Document:
    import docx

    check_zip(path).close()
    try:
        document = docx.Document(str(path))
    except Exception as error:  # python-docx raises several kinds for a damaged file
        raise SourceError(
            f"{path}：不是有效的 Word (.docx) 文件，可能已损坏（{type(error).__name__}）"
        ) from None
    blocks: list[Block] = []
    for child in document.element.body.iterchildren():
        if child.tag == f"{W}p":
            text = _text(child)
            if text.strip():
                blocks.append(text)
        elif child.tag == f"{W}tbl":
            blocks.append(_table(child))
    return Document(blocks, "docx")
