"""Old Word and WPS documents (.doc, .wps: the Word 97–2003 binary, an OLE2 file), read with
olefile: the text through the piece table, the tables through the paragraph properties.

In the binary a table cell ends in ``\\x07``, and so does a row; only the paragraph properties
tell them apart (sprmPFTtp marks the row's end), and the row's own properties (sprmTDefTable)
give each cell's left and right edge and its vertical merge. From the edges of all rows the
table's grid columns follow, so a cell merged across columns is placed as it is in Word.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.commands.importing.grid import Block, Document, SourceError, Table, expand_spans

_IN_TABLE, _TTP, _ITAP, _DEF_TABLE, _HUGE = 0x2416, 0x2417, 0x6649, 0xD608, 0x6646
_SIZES = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}


@dataclass
class _Props:
    in_table: bool = False
    ttp: bool = False
    edges: list[int] = field(default_factory=list)
    merges: list[int] = field(default_factory=list)  # vertMerge per cell: 0, 1 continue, 3 first


def _sprms(grpprl: bytes, data: bytes = b"", props: _Props | None = None) -> _Props:
    """The properties a paragraph's sprms set; a row too large for its page keeps them in the
    Data stream (sprmPHugePapx)."""
    props = props or _Props()
    at = 0
    while at + 2 <= len(grpprl):
        (opcode,) = struct.unpack_from("<H", grpprl, at)
        at += 2
        spra = opcode >> 13
        if spra == 6:
            if opcode in (_DEF_TABLE, 0xD606):
                if at + 2 > len(grpprl):
                    break
                (cb,) = struct.unpack_from("<H", grpprl, at)
                operand = grpprl[at + 2 : at + 2 + cb - 1]
                size = 2 + cb - 1
                if opcode == _DEF_TABLE and operand:
                    count = operand[0]
                    edges = list(struct.unpack_from(f"<{count + 1}h", operand, 1))
                    merges = []
                    for index in range(count):
                        offset = 1 + 2 * (count + 1) + 20 * index
                        if offset + 2 <= len(operand):
                            (flags,) = struct.unpack_from("<H", operand, offset)
                            merges.append((flags >> 5) & 3)
                        else:
                            merges.append(0)
                    props.edges, props.merges = edges, merges
            else:
                size = grpprl[at] + 1 if at < len(grpprl) else 1
        else:
            size = _SIZES[spra]
        operand = grpprl[at : at + size]
        if opcode == _IN_TABLE and operand[:1] == b"\x01":
            props.in_table = True
        elif opcode == _TTP and operand[:1] == b"\x01":
            props.ttp = True
        elif opcode == _ITAP and operand and struct.unpack_from("<i", operand.ljust(4, b"\0"))[0]:
            props.in_table = True
        elif opcode == _HUGE and len(operand) == 4 and data:
            (offset,) = struct.unpack_from("<I", operand)
            if offset + 2 <= len(data):
                (length,) = struct.unpack_from("<H", data, offset)
                _sprms(data[offset + 2 : offset + 2 + length], b"", props)
        at += size
    return props


def _paragraph_runs(
    word: bytes, table: bytes, data: bytes, fc: int, lcb: int
) -> list[tuple[int, int, _Props]]:
    """(first FC, end FC, properties) of every paragraph run the PAPX pages describe."""
    runs: list[tuple[int, int, _Props]] = []
    if lcb < 12:
        return runs
    count = (lcb - 4) // 8
    pages = struct.unpack_from(f"<{count}I", table, fc + 4 * (count + 1))
    for page_number in pages:
        page = word[(page_number & 0x3FFFFF) * 512 :][:512]
        if len(page) < 512:
            continue
        crun = page[511]
        fcs = struct.unpack_from(f"<{crun + 1}I", page, 0)
        for index in range(crun):
            offset = page[4 * (crun + 1) + 13 * index] * 2
            props = _Props()
            if offset:
                cb = page[offset]
                if cb == 0:
                    grpprl = page[offset + 2 : offset + 2 + 2 * page[offset + 1]]
                else:
                    grpprl = page[offset + 1 : offset + 2 * cb]
                props = _sprms(grpprl[2:], data)  # after the style index
            runs.append((fcs[index], fcs[index + 1], props))
    runs.sort(key=lambda run: run[0])
    return runs


def _pieces(table: bytes, fc_clx: int, lcb_clx: int) -> list[tuple[int, int, int, bool]]:
    """(first CP, end CP, FC, compressed) of the piece table."""
    at, end = fc_clx, fc_clx + lcb_clx
    while at < end:
        kind = table[at]
        if kind == 1:
            (size,) = struct.unpack_from("<h", table, at + 1)
            at += 3 + size
        elif kind == 2:
            (size,) = struct.unpack_from("<I", table, at + 1)
            count = (size - 4) // 12
            cps = struct.unpack_from(f"<{count + 1}I", table, at + 5)
            pieces = []
            for index in range(count):
                (value,) = struct.unpack_from("<I", table, at + 5 + 4 * (count + 1) + 8 * index + 2)
                compressed = bool(value & 0x40000000)
                fc = value & 0x3FFFFFFF
                pieces.append(
                    (cps[index], cps[index + 1], fc // 2 if compressed else fc, compressed)
                )
            return pieces
        else:
            break
    raise SourceError("Word 文件的文字表（piece table）无法读取")


def _characters(word: bytes, pieces: list[tuple[int, int, int, bool]], limit: int):  # type: ignore[no-untyped-def]
    """Each character of the main text with the FC of its byte(s)."""
    for first, end, fc, compressed in pieces:
        for cp in range(first, min(end, limit)):
            if compressed:
                at = fc + (cp - first)
                yield bytes([word[at]]).decode("cp1252", errors="replace"), at
            else:
                at = fc + 2 * (cp - first)
                yield word[at : at + 2].decode("utf-16-le", errors="replace"), at


def _clean(text: str) -> str:
    out, depth, hidden = [], 0, []
    for char in text:
        if char == "\x13":
            depth += 1
            hidden.append(True)
        elif char == "\x14":
            if hidden:
                hidden[-1] = False
        elif char == "\x15":
            if hidden:
                hidden.pop()
            depth = max(depth - 1, 0)
        elif any(hidden):
            continue
        elif char in "\x0b":
            out.append("\n")
        elif char == "\x1e":
            out.append("-")
        elif char in "\x01\x02\x08\x1f\x05":
            continue
        else:
            out.append(char)
    return "".join(out).replace("\u00a0", " ")


def read_doc(path: Path) -> Document:
    import olefile

    try:
        ole = olefile.OleFileIO(str(path))
    except OSError as error:
        raise SourceError(f"{path}：Word (.doc) 文件已损坏，无法打开（{error}）") from None
    with ole:
        word = ole.openstream("WordDocument").read()
        if len(word) < 0x1A2 + 8 or struct.unpack_from("<H", word, 0)[0] != 0xA5EC:
            raise SourceError(f"{path}：不是 Word 97–2003 格式的文档，无法读取")
        (flags,) = struct.unpack_from("<H", word, 0x0A)
        if flags & 0x0100 or flags & 0x8000:
            raise SourceError(
                f"{path}：Word 文件设有打开密码（已加密），无法读取；请让报送单位去掉密码后重新提供"
            )
        name = "1Table" if flags & 0x0200 else "0Table"
        if not ole.exists(name):
            raise SourceError(f"{path}：Word 文件缺少表格流 {name}，可能已损坏")
        table = ole.openstream(name).read()
        data = ole.openstream("Data").read() if ole.exists("Data") else b""
    try:
        (ccp_text,) = struct.unpack_from("<I", word, 64 + 12)
        fc_papx, lcb_papx = struct.unpack_from("<II", word, 154 + 13 * 8)
        fc_clx, lcb_clx = struct.unpack_from("<II", word, 154 + 33 * 8)
        pieces = _pieces(table, fc_clx, lcb_clx)
        runs = _paragraph_runs(word, table, data, fc_papx, lcb_papx)
    except (struct.error, IndexError):
        raise SourceError(f"{path}：Word (.doc) 文件的结构无法读取，可能已损坏") from None
    return Document(_blocks(word, pieces, runs, ccp_text), "doc")


def _blocks(word: bytes, pieces, runs, ccp_text: int) -> list[Block]:  # type: ignore[no-untyped-def]
    starts = [run[0] for run in runs]

    def props_at(fc: int) -> _Props:
        import bisect

        index = bisect.bisect_right(starts, fc) - 1
        if 0 <= index < len(runs) and runs[index][0] <= fc < runs[index][1]:
            return runs[index][2]
        return _Props()

    blocks: list[Block] = []
    rows: list[tuple[list[str], _Props]] = []
    cells: list[str] = []
    buffer: list[str] = []

    def close_table() -> None:
        if rows:
            blocks.append(_grid(rows))
            rows.clear()

    for char, fc in _characters(word, pieces, ccp_text):
        if char not in ("\r", "\x07", "\x0c"):
            buffer.append(char)
            continue
        props = props_at(fc)
        text = _clean("".join(buffer)).strip()
        buffer.clear()
        if char == "\x07" and props.ttp:
            rows.append((cells, props))
            cells = []
        elif char == "\x07":
            cells.append(text)
        elif props.in_table:
            buffer.extend(text + "\n")  # a paragraph inside a cell: the cell goes on
        else:
            close_table()
            if text:
                blocks.append(text)
    close_table()
    return blocks


def _grid(rows: list[tuple[list[str], _Props]]) -> Table:
    """A table's rows on the grid that the cells' edges define."""
    cells_texts = [[c.strip("\n") for c in cells] for cells, _ in rows]
    if not all(len(props.edges) == len(cells) + 1 for cells, props in rows):
        width = max(len(cells) for cells in cells_texts)
        return Table([c + [""] * (width - len(c)) for c in cells_texts], certain=False)
    edges = sorted({edge for _, props in rows for edge in props.edges})
    merged: list[int] = []
    for edge in edges:  # edges a few twips apart are one column line
        if not merged or edge - merged[-1] > 30:
            merged.append(edge)

    def column(edge: int) -> int:
        return min(range(len(merged)), key=lambda i: abs(merged[i] - edge))

    placed: list[tuple[int, int, int, int, str]] = []
    for r, ((_, props), texts) in enumerate(zip(rows, cells_texts, strict=True)):
        for index, text in enumerate(texts):
            first, last = column(props.edges[index]), column(props.edges[index + 1])
            if props.merges[index] == 1:  # continues the merged cell above
                continue
            placed.append((r, first, 1, max(last - first, 1), text))
    return Table(expand_spans(len(merged) - 1, placed, len(rows)))
