"""Saved web pages (网页 .html/.htm, 单个文件网页 .mhtml): the page's paragraphs and its data
tables, merged cells (rowspan/colspan) placed in their true columns. A portal lays its page
out in tables too; only tables that hold no other table are read as tables."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from gongkai.commands.importing.grid import Block, Document, SourceError, Table, expand_spans

_VOID = {"br", "img", "meta", "link", "input", "hr", "col", "area", "base", "wbr", "source"}
_SKIP = {"script", "style", "noscript", "head", "title", "template", "select", "button"}
_BLOCK = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
    "header", "footer", "dd", "dt", "dl", "center", "blockquote", "pre", "form", "main", "nav",
    "table", "tr",
}  # fmt: skip
MAX_TABLE_CELLS = 200_000


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """A forgiving tree: portal pages leave <p>, <td> and <tr> unclosed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("td", "th"):
            self._close_within(("td", "th"), "table")
        elif tag == "tr":
            self._close_within(("tr",), "table")
        elif tag == "p":
            self._close_within(("p",), "div")
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return
            if tag != "table" and self.stack[index].tag == "table":
                return  # an end tag that does not belong inside this table

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def _close_within(self, tags: tuple[str, ...], boundary: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            current = self.stack[index].tag
            if current in tags:
                del self.stack[index:]
                return
            if current == boundary:
                return


def _has_table(node: _Node) -> bool:
    return any(
        isinstance(child, _Node) and (child.tag == "table" or _has_table(child))
        for child in node.children
    )


def _text(node: _Node | str) -> str:
    if isinstance(node, str):
        return node
    if node.tag in _SKIP:
        return ""
    if node.tag == "br":
        return "\n"
    inner = "".join(_text(child) for child in node.children)
    return f"\n{inner}\n" if node.tag in ("p", "div", "li") else inner


def _cell_text(node: _Node) -> str:
    lines = [
        re.sub(r"[ \t\r\f\v\u00a0\u3000]+", " ", line).strip() for line in _text(node).split("\n")
    ]
    return "\n".join(line for line in lines if line)


def _rows(node: _Node) -> list[_Node]:
    found: list[_Node] = []
    for child in node.children:
        if isinstance(child, _Node):
            if child.tag == "tr":
                found.append(child)
            elif child.tag in ("thead", "tbody", "tfoot"):
                found.extend(_rows(child))
    return found


def _span(value: str) -> int:
    match = re.match(r"\s*(\d+)", value or "")
    return max(1, min(int(match.group(1)), 1000)) if match else 1


def _table(node: _Node) -> Table:
    """The table's cells placed on a grid: each cell goes to the first free column of its row,
    after the cells that rowspans from above already hold."""
    taken: set[tuple[int, int]] = set()
    cells: list[tuple[int, int, int, int, str]] = []
    rows = _rows(node)
    width = 0
    for r, tr in enumerate(rows):
        c = 0
        for td in tr.children:
            if not isinstance(td, _Node) or td.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            rowspan = min(_span(td.attrs.get("rowspan", "")), len(rows) - r)
            colspan = _span(td.attrs.get("colspan", ""))
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            cells.append((r, c, rowspan, colspan, _cell_text(td)))
            c += colspan
            width = max(width, c)
        if len(taken) > MAX_TABLE_CELLS:
            raise SourceError("网页中的表格过大（超过 20 万格），不像一份绩效表")
    return Table(expand_spans(width, cells, len(rows)))


def _layout(node: _Node) -> bool:
    """A table of one cell that holds paragraphs: the page's layout, not data."""
    rows = _rows(node)
    cells = [
        c for tr in rows for c in tr.children if isinstance(c, _Node) and c.tag in ("td", "th")
    ]
    return len(cells) == 1 and any(
        isinstance(child, _Node) and child.tag in ("p", "div", "h1", "h2", "h3")
        for child in cells[0].children
    )


def _walk(node: _Node, out: list[Block], para: list[str]) -> None:
    def flush() -> None:
        text = "".join(para)
        para.clear()
        for line in text.split("\n"):
            line = re.sub(r"[ \t\r\f\v\u00a0\u3000]+", " ", line).strip()
            if line:
                out.append(line)

    for child in node.children:
        if isinstance(child, str):
            para.append(child)
            continue
        if child.tag in _SKIP:
            continue
        if child.tag == "br":
            para.append("\n")
            continue
        if child.tag == "table" and not _has_table(child) and not _layout(child):
            flush()
            table = _table(child)
            if any(any(cell for cell in row) for row in table.rows):
                out.append(table)
            continue
        block = child.tag in _BLOCK or child.tag in ("td", "th")
        if block:
            flush()
        _walk(child, out, para)
        if block:
            flush()
    if node.tag == "root":
        flush()


def _charset(raw: bytes) -> str | None:
    match = re.search(rb"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", raw[:4096], re.I)
    return match.group(1).decode("ascii").lower() if match else None


def html_text(raw: bytes, where: str) -> tuple[str, str]:
    """The page's text and its encoding: a byte order mark, the page's own charset, else UTF-8,
    else GB18030."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "UTF-8"
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16", errors="replace"), "UTF-16"
    declared = _charset(raw)
    if declared in ("gb2312", "gbk", "gb18030", "x-gbk"):
        return raw.decode("gb18030", errors="replace"), "GB18030（GBK）"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        try:
            return raw.decode("gb18030"), "GB18030（GBK）"
        except UnicodeDecodeError:
            raise SourceError(f"{where}：网页的文字编码无法识别") from None


def read_html_text(text: str, encoding: str, container: str = "html") -> Document:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    out: list[Block] = []
    _walk(builder.root, out, [])
    return Document(out, container, encoding)


def read_html(raw: bytes, where: str) -> Document:
    text, encoding = html_text(raw, where)
    return read_html_text(text, encoding)


def read_mhtml(raw: bytes, where: str) -> Document:
    """The page inside a single-file web page (MIME multipart/related)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            if charset:
                try:
                    text = payload.decode(charset, errors="replace")
                    return read_html_text(text, charset.upper(), "mhtml")
                except LookupError:
                    pass
            text, encoding = html_text(payload, where)
            return read_html_text(text, encoding, "mhtml")
    raise SourceError(f"{where}：单个文件网页（.mhtml）中没有网页正文")
