"""Reading a source file into blocks, whatever its container, and the web page header that a
copy of a disclosure page carries above the document."""

from __future__ import annotations

import re
from pathlib import Path

from gongkai.commands.importing.containers import read_documents
from gongkai.commands.importing.grid import Block, Document, SourceError, Table

__all__ = ["Block", "Document", "SourceError", "Table", "clean", "read_blocks", "web_header"]


def clean(text: str) -> str:
    """The text word for word (原文照录): even a "[bookmark: _GoBack]" that a conversion left
    in stays, for the audit to point out; only non-breaking spaces become plain ones."""
    return text.replace("\u00a0", " ").rstrip()


def read_blocks(path: Path) -> list[Block]:
    """Paragraphs (as text) and tables of a file, all its documents one after the other."""
    return [block for document in read_documents(path) for block in document.blocks]


# The header a web page puts above a disclosed document (政府信息公开目录 fields).
_HEADER = re.compile(
    r"[-•·\s]*(索引号|发布机构|发布日期|成文日期|文号|发文字号|时效性|主题分类|信息来源|来源)\s*[:：]\s*"
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
        texts = [" ".join(c for c in dict.fromkeys(row) if c).strip() for row in rows]
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
                    label = "发布机构" if mark.group(1) in ("信息来源", "来源") else mark.group(1)
                    found.setdefault(label, value)
    return found, kept
