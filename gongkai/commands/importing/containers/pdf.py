"""PDF files with a text layer (PDF 文字版), read with pdfplumber: the tables from their ruling
lines, each merged cell in its first row and across its columns, and the text around them in
reading order. A PDF without text is a scan: :mod:`.scan` reads it by OCR."""

from __future__ import annotations

import re
from pathlib import Path

from gongkai.commands.importing.containers.limits import MAX_PAGES
from gongkai.commands.importing.grid import (
    Block,
    Document,
    SourceError,
    Table,
    continues,
    expand_spans,
    join_split,
    run_on,
)


def _unwrap(text: str) -> str:
    r"""A cell's text without the line breaks the PDF's narrow column made: Chinese runs on
    without a space, Latin words keep one.

    >>> _unwrap("全市空气质\n量达到优良"), _unwrap("2023.07-\n2024.01"), _unwrap("Table\nGrid")
    ('全市空气质量达到优良', '2023.07-2024.01', 'Table Grid')
    """
    return run_on([part.strip() for part in text.strip().split("\n")])


def _table(found) -> Table:  # type: ignore[no-untyped-def]
    texts = found.extract()
    rows = found.rows
    width = max((len(row) for row in texts), default=0)
    lefts: list[float] = []
    for c in range(width):
        xs = [row.cells[c][0] for row in rows if c < len(row.cells) and row.cells[c]]
        lefts.append(min(xs) if xs else float("inf"))
    placed = []
    for r, row in enumerate(rows):
        for c, bbox in enumerate(row.cells):
            if bbox is None:
                continue
            right = bbox[2]
            span = 1
            while (
                c + span < width
                and lefts[c + span] < right - 1
                and (c + span >= len(row.cells) or row.cells[c + span] is None)
            ):
                span += 1
            text = texts[r][c] if c < len(texts[r]) else ""
            placed.append((r, c, 1, span, _unwrap(text or "")))
    return Table(expand_spans(width, placed, len(rows)))


# A line "预 算 编 码: 906017" of a cover page: a field of its own, never a paragraph's end.
_LABELLED = re.compile(r"^[^:：，,。]{1,12}[:：]")
# A line that starts a heading or a numbered item starts a paragraph of its own.
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])"
)


def _paragraphs(lines: list[dict]) -> list[tuple[float, str]]:  # type: ignore[type-arg]
    """A page's lines of text as paragraphs: a line that ran to the right margin goes on in
    the next one, unless that one starts a heading, a numbered item or a labelled field."""
    lines = [line for line in lines if line["text"].strip()]
    right = max((line["x1"] for line in lines), default=0)
    paragraphs: list[tuple[float, str]] = []
    ran_on = False
    for line in lines:
        text = line["text"].strip()
        if ran_on and not _HEADING.match(text) and not _LABELLED.match(text):
            top, before = paragraphs[-1]
            paragraphs[-1] = (top, _unwrap(f"{before}\n{text}"))
        else:
            paragraphs.append((line["top"], text))
        ran_on = line["x1"] >= right - 14  # within a character of the margin
    return paragraphs


def read_pdf(path: Path) -> Document:
    import pdfplumber

    try:
        pdf = pdfplumber.open(str(path))
    except Exception as error:  # pdfminer raises its own kinds for damaged and locked files
        causes = [error, *getattr(error, "args", ())]
        name = type(error).__name__
        if any(
            "Password" in type(cause).__name__ or "Encrypt" in type(cause).__name__
            for cause in causes
        ):
            raise SourceError(
                f"{path}：PDF 设有打开密码（已加密），无法读取；请让报送单位提供未加密的文件"
            ) from None
        raise SourceError(f"{path}：PDF 文件已损坏，无法打开（{name}）") from None
    blocks: list[Block] = []
    characters = 0
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise SourceError(f"{path}：PDF 有 {len(pdf.pages)} 页，超过导入上限 {MAX_PAGES} 页")
        for page in pdf.pages:
            characters += len(page.chars)
            found = page.find_tables()
            boxes = [t.bbox for t in found]

            def outside(obj, boxes=boxes) -> bool:  # type: ignore[no-untyped-def]
                x = (obj["x0"] + obj["x1"]) / 2
                y = (obj["top"] + obj["bottom"]) / 2
                return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

            items: list[tuple[float, Block]] = [
                (top, text) for top, text in _paragraphs(page.filter(outside).extract_text_lines())
            ]
            for table in found:
                items.append((table.bbox[1], _table(table)))
            items.sort(key=lambda item: item[0])
            page_blocks = [block for _, block in items]
            if page_blocks and blocks and continues(blocks[-1], page_blocks[0]):
                join_split(blocks[-1], page_blocks.pop(0))  # type: ignore[arg-type]
            blocks.extend(page_blocks)
    if characters == 0:  # only pictures of the pages: a scan, read by OCR
        from gongkai.commands.importing.containers.scan import read_scan

        return read_scan(path, pdf=True)
    return Document(blocks, "pdf")
