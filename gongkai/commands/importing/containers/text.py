"""Text as copies produce it (文本): the encoding found, then each shape of a copied table —
TAB-separated cells (a browser copy), ``|``-separated rows, one cell a line with or without a
trailing ``|``, and a whole table run together on one line (text taken out of Word or WPS)."""

from __future__ import annotations

import re

from gongkai.commands.importing.grid import Block, Document, SourceError, Table

# Words that stand alone in a cell of a form: their lines mark a form copied one cell a line.
FORM_WORDS = (
    "部门",
    "转移支付(项目)名称",
    "地方主管部门",
    "资金使用单位",
    "项目名称",
    "项目支出名称",
    "预算部门",
    "预算单位",
    "单位名称",
    "部门名称",
    "业务主管部门",
    "主管部门",
    "实施单位",
    "一级指标",
    "二级指标",
    "三级指标",
    "年初预算",
    "年初预算数",
    "全年预算数",
    "调整后预算数",
    "全年执行数",
    "预算执行数",
    "指标值",
    "年度指标值",
    "实际完成值",
    "完成值",
    "分值",
    "权重",
    "得分",
)


def decode(raw: bytes, where: str) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (with or without BOM), UTF-16 (with a BOM or
    plainly two bytes a character) or GB18030, the superset of GBK and GB2312."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "UTF-8"
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16", errors="replace"), "UTF-16"
    sample = raw[:4000]
    if len(sample) >= 4 and sample.count(b"\x00") > len(sample) // 4:
        # UTF-16 without a byte order mark: the zero bytes say which half is high.
        odd = sample[1::2].count(b"\x00") > sample[0::2].count(b"\x00")
        encoding = "utf-16-le" if odd else "utf-16-be"
        return raw.decode(encoding, errors="replace"), "UTF-16"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "GB18030（GBK）"
    except UnicodeDecodeError:
        raise SourceError(
            f"{where}：文字编码无法识别（不是 UTF-8、UTF-16 或 GBK）；请用记事本“另存为”UTF-8 后再导入"
        ) from None


def clean(text: str) -> str:
    """The text word for word; spaces at the end are trimmed (a lone tab is an empty cell)."""
    return text.replace("\u00a0", " ").rstrip(" \u3000\r\f\v")


def _squeeze(text: str) -> str:
    """A line as a column word: no spaces, no trailing "|", no term or formula letters."""
    flat = re.sub(r"\s+", "", text).rstrip("|").strip()
    return re.sub(r"[（(](?:长期|年度|[A-Z/]+)[)）]$", "", flat)


def read_text(raw: bytes, where: str) -> Document:
    text, encoding = decode(raw, where)
    if not text.strip():
        raise SourceError(f"{where}：文件是空的")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return Document(blocks(lines), "text", encoding)


def blocks(lines: list[str]) -> list[Block]:
    """Paragraphs and tables of a text, whichever way its tables were copied."""
    lines = [clean(line) for line in lines]
    if _one_cell_a_line(lines):
        return _stream_blocks(lines)
    found: list[Block] = []
    table: Table | None = None
    word: Table | None = None  # cells copied out of a Word table: a tab, one cell a line
    row: list[str] = []
    for line in lines:
        if line.startswith("\t") and "\t" not in line.lstrip("\t"):
            if table is not None:
                found.append(table)
                table = None
            word = word or Table()
            row.append(line.strip())
            continue
        if word is not None:
            if not line.strip():  # a blank line ends a row
                if row:
                    word.rows.append(row)
                    row = []
                continue
            if row:
                word.rows.append(row)
                row = []
            found.append(word)
            word = None
        cells = _row_cells(line)
        if cells is not None:
            if table is None:
                table = Table(certain=False)
            if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):  # |---|---|
                table.rows.append(cells)
            continue
        if table is not None:
            if not line.strip():
                continue  # a blank line inside a table copy
            found.append(table)
            table = None
        if not line.strip():
            continue
        run = _run_together(line)
        if run is not None:
            found.extend(run)
        else:
            found.append(line)
    if word is not None:
        if row:
            word.rows.append(row)
        found.append(word)
    if table is not None:
        found.append(table)
    return found


def _row_cells(line: str) -> list[str] | None:
    """The cells of a TAB- or ``|``-separated row (two cells or more), else None.

    >>> _row_cells("| 年度资金总额 | 0 | 0 |"), _row_cells("总额\\t0.00\\t3.36"), _row_cells("一句话")
    (['年度资金总额', '0', '0'], ['总额', '0.00', '3.36'], None)
    """
    stripped = line.strip()
    if "\t" in line.strip("\t "):
        cells = [c.strip() for c in line.split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        return cells if len([c for c in cells if c]) >= 1 and len(cells) >= 2 else None
    if stripped.count("|") < 2 and not (stripped.count("|") == 1 and stripped.startswith("|")):
        return None
    cells = [c.strip() for c in stripped.split("|")]
    if stripped.startswith("|"):
        cells = cells[1:]
    if stripped.endswith("|"):
        cells = cells[:-1]
    return cells if len(cells) >= 2 else None


def _one_cell_a_line(lines: list[str]) -> bool:
    """A form copied one cell a line: several lines hold nothing but a form's column word."""
    alone = sum(1 for line in lines if not line.startswith("\t") and _squeeze(line) in FORM_WORDS)
    rows = sum(1 for line in lines if _row_cells(line) is not None and "|" not in line[-1:])
    return alone >= 4 and rows <= 2


def _stream_blocks(lines: list[str]) -> list[Block]:
    """The lines before the form as paragraphs, then every line a cell. Where the copy marks each
    cell with a trailing ``|``, a line of only ``|`` is an empty cell and unmarked blank lines
    are noise; where it does not, a blank line inside the form is the empty cell it was."""
    marked = (
        sum(1 for line in lines if line.rstrip().endswith("|"))
        >= len([line for line in lines if line.strip()]) // 2
    )
    start = next(i for i, line in enumerate(lines) if _squeeze(line) in FORM_WORDS)
    found: list[Block] = []
    for line in lines[:start]:
        text = line.rstrip().removesuffix("|").strip() if marked else line.strip()
        if text:
            found.append(text)
    cells: list[str] = []
    body = lines[start:]
    while body and not body[-1].strip():
        body.pop()
    for line in body:
        if marked:
            if not line.strip():
                continue
            cells.append(line.rstrip().removesuffix("|").strip())
        else:
            cells.append(line.strip())
    while cells and not cells[-1]:
        cells.pop()
    lost = not marked and "" not in cells
    found.append(Table([[c] for c in cells], certain=False, stream=True, blanks_lost=lost))
    return found


# Column headings that a cell broke over two lines ("年度\n指标值"), so a run-together copy
# gives them as two words.
_HEADINGS = (
    "年度指标值", "实际完成值", "全年实际值", "年初预算数", "全年预算数", "全年执行数",
    "指标性质", "度量单位", "三级指标", "二级指标", "一级指标", "主管部门及编码",
    "偏差原因分析及改进措施", "未完成原因分析", "经济效益指标", "社会效益指标", "生态效益指标",
    "可持续影响指标", "服务对象满意度指标", "满意度指标",
)  # fmt: skip


def _joined_headings(tokens: list[str]) -> list[str]:
    """Words that together make a column heading, joined: "年度" "指标值" → "年度指标值".

    >>> _joined_headings(["三级指标", "年度", "指标值", "实际", "完成值", "分值"])
    ['三级指标', '年度指标值', '实际完成值', '分值']
    """
    joined: list[str] = []
    for token in tokens:
        if joined and _squeeze(joined[-1] + token) in _HEADINGS:
            joined[-1] += token
        else:
            joined.append(token)
    return joined


def _run_together(line: str) -> list[Block] | None:
    """A table that text extraction ran together on one line: what stands before its first
    column word is a paragraph (the title), the rest one cell a word. Empty cells are lost in
    such a copy, so the cells are marked as a stream with gaps."""
    if len(line) < 150:
        return None
    tokens: list[str] = []
    for token in line.split():
        # "实施单位 (盖章)", "项目资金 (万元)": a bracketed word belongs to the word before it.
        if tokens and re.fullmatch(r"[（(][^()（）]{1,6}[)）]", token):
            tokens[-1] += f" {token}"
        else:
            tokens.append(token)
    tokens = _joined_headings(tokens)
    words = [i for i, token in enumerate(tokens) if _squeeze(token).strip(":：") in FORM_WORDS]
    if len(words) < 4 or len(tokens) < 20:
        return None
    first = words[0]
    found: list[Block] = []
    if first:
        found.append(" ".join(tokens[:first]))
    found.append(Table([[t] for t in tokens[first:]], certain=False, stream=True, blanks_lost=True))
    return found
