"""Rebuild each real document of ``sources/`` into the containers departments publish
(.xlsx, .xls, .docx, .doc, .pdf, a saved web page, a single-file web page, and the text a copy
gives: a browser's TAB-separated copy, ``|`` rows, one cell a line, a run-together line).

Run from the repository root: ``python tests/corpus/real/rebuild.py``. The .doc and .pdf files
are converted from the .docx by LibreOffice (``soffice``), which only this script needs; the
built files are committed under ``built/`` so that the tests read them as a clerk would.
"""

from __future__ import annotations

import email.generator
import email.mime.multipart
import email.mime.text
import html
import io
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).parent
SOURCES = HERE / "sources"
BUILT = HERE / "built"


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def cell(spec) -> tuple[str, int, int]:  # type: ignore[no-untyped-def]
    if isinstance(spec, dict):
        return str(spec.get("t", "")), int(spec.get("r", 1)), int(spec.get("c", 1))
    return str(spec), 1, 1


def place(rows: list[list]) -> tuple[list[tuple[int, int, int, int, str]], int, int]:
    """Cells on a grid as a web page lays them out: each in the first free column."""
    taken: set[tuple[int, int]] = set()
    placed = []
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for spec in row:
            text, rowspan, colspan = cell(spec)
            while (r, c) in taken:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            placed.append((r, c, rowspan, colspan, text))
            c += colspan
            width = max(width, c)
    return placed, width, len(rows)


_NUMBER = re.compile(r"^-?\d+(\.\d+)?%?$")


def typed(text: str):  # type: ignore[no-untyped-def]
    """A figure as an exported workbook stores it: a number with its display format."""
    if not _NUMBER.match(text):
        return text, None
    if text.endswith("%"):
        digits = text[:-1].split(".")
        places = len(digits[1]) if len(digits) > 1 else 0
        return float(text[:-1]) / 100, "0" + ("." + "0" * places if places else "") + "%"
    if "." in text:
        return float(text), "0." + "0" * len(text.split(".")[1])
    return int(text), "0"


def header_lines(doc: dict) -> list[str]:
    return [f"{k}：{v}" for k, v in (doc.get("web_header") or {}).items()]


# --- writers ---------------------------------------------------------------------------


def write_xlsx(doc: dict, path: Path) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Border, Side

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    side = Side(style="thin")
    row0 = 1
    for block in doc["blocks"]:
        if isinstance(block, str):
            sheet.cell(row0, 1, block)
            row0 += 1
            continue
        placed, _width, height = place(block["table"])
        for r, c, rowspan, colspan, text in placed:
            value, number_format = typed(text)
            target = sheet.cell(row0 + r, c + 1, value if text != "" else None)
            if number_format:
                target.number_format = number_format
            target.alignment = Alignment(wrap_text=True, vertical="center")
            if rowspan > 1 or colspan > 1:
                sheet.merge_cells(
                    start_row=row0 + r,
                    start_column=c + 1,
                    end_row=row0 + r + rowspan - 1,
                    end_column=c + colspan,
                )
            for dr in range(rowspan):
                for dc in range(colspan):
                    sheet.cell(row0 + r + dr, c + dc + 1).border = Border(
                        left=side, right=side, top=side, bottom=side
                    )
        row0 += height
    book.save(path)


def write_xls(doc: dict, path: Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    row0 = 0
    for block in doc["blocks"]:
        if isinstance(block, str):
            sheet.write(row0, 0, block)
            row0 += 1
            continue
        placed, _width, height = place(block["table"])
        for r, c, rowspan, colspan, text in placed:
            value, number_format = typed(text)
            style = xlwt.easyxf(
                "borders: left thin, right thin, top thin, bottom thin",
                num_format_str=number_format or "General",
            )
            if rowspan > 1 or colspan > 1:
                sheet.write_merge(
                    row0 + r, row0 + r + rowspan - 1, c, c + colspan - 1, value, style
                )
            elif text != "":
                sheet.write(row0 + r, c, value, style)
        row0 += height
    book.save(str(path))


def write_docx(doc: dict, path: Path) -> None:
    import docx

    document = docx.Document()
    for block in doc["blocks"]:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        placed, width, height = place(block["table"])
        table = document.add_table(rows=height, cols=width)
        table.style = "Table Grid"
        for r, c, rowspan, colspan, _text in placed:
            if rowspan > 1 or colspan > 1:
                table.cell(r, c).merge(table.cell(r + rowspan - 1, c + colspan - 1))
        for r, c, _rowspan, _colspan, text in placed:
            target = table.cell(r, c)
            lines = text.split("\n")
            target.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                target.add_paragraph(line)
    document.save(path)


def page_html(doc: dict) -> str:
    parts = [
        '<div class="top"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 预决算公开</div>'
    ]
    for line in header_lines(doc):
        parts.append(f'<div class="xxgk"><span>{html.escape(line)}</span></div>')
    for block in doc["blocks"]:
        if isinstance(block, str):
            parts.append(f"<p>{html.escape(block)}</p>")
            continue
        rows = ['<table border="1" cellspacing="0" cellpadding="0" width="100%"><tbody>']
        for row in block["table"]:
            cells = []
            for spec in row:
                text, rowspan, colspan = cell(spec)
                attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
                    f' colspan="{colspan}"' if colspan > 1 else ""
                )
                inner = "<br>".join(html.escape(t) for t in text.split("\n")) or "&nbsp;"
                cells.append(f'<td{attrs}><p align="center"><span>{inner}</span></p></td>')
            rows.append("<tr>" + "".join(cells) + "</tr>")
        rows.append("</tbody></table>")
        parts.append("\n".join(rows))
    parts.append('<div class="foot">主办单位：某某县人民政府办公室 网站标识码：5100000000</div>')
    title = html.escape(next((b for b in doc["blocks"] if isinstance(b, str)), "预决算公开"))
    return (
        '<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" '
        'content="text/html; charset=CHARSET"><title>' + title + "</title>"
        "<script>var x = '<table>';</script><style>td{border:1px solid}</style></head>"
        "<body><table class='layout'><tr><td>"
        + "\n".join(parts)
        + "</td></tr></table></body></html>"
    )


def write_html(doc: dict, path: Path, charset: str) -> None:
    text = page_html(doc).replace("CHARSET", charset)
    path.write_bytes(text.encode("gb18030" if charset == "gb2312" else "utf-8"))


def write_mhtml(doc: dict, path: Path) -> None:
    message = email.mime.multipart.MIMEMultipart("related")
    message["Subject"] = "saved page"
    message["MIME-Version"] = "1.0"
    part = email.mime.text.MIMEText(page_html(doc).replace("CHARSET", "utf-8"), "html", "utf-8")
    message.attach(part)
    buffer = io.StringIO()
    email.generator.Generator(buffer, mangle_from_=False).flatten(message)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def copied_rows(doc: dict) -> list[list[str] | str]:
    """What a browser copy gives: each row's own cells (a merged cell once, cells merged from
    above absent)."""
    out: list[list[str] | str] = []
    for block in doc["blocks"]:
        if isinstance(block, str):
            out.append(block)
        else:
            for row in block["table"]:
                out.append([cell(spec)[0].replace("\n", " ") for spec in row])
    return out


def write_tsv(doc: dict, path: Path) -> None:
    lines = header_lines(doc)
    for item in copied_rows(doc):
        lines.append(item if isinstance(item, str) else "\t".join(item))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_pipes(doc: dict, path: Path) -> None:
    lines = header_lines(doc)
    for item in copied_rows(doc):
        lines.append(item if isinstance(item, str) else " | ".join(item) + " |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_lines(doc: dict, path: Path) -> None:
    lines = header_lines(doc)
    for item in copied_rows(doc):
        cells = [item] if isinstance(item, str) else item
        lines.extend(f"{c} |" if c else "|" for c in cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_runon(doc: dict, path: Path) -> None:
    words = []
    for item in copied_rows(doc):
        cells = [item] if isinstance(item, str) else item
        words.extend(c for c in cells if c)
    path.write_text("\n".join([*header_lines(doc), " ".join(words)]) + "\n", encoding="gb18030")


def write_text(doc: dict, path: Path) -> None:
    write_tsv(doc, path)


def convert(source: Path, target_format: str, out_dir: Path) -> Path:
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("需要 LibreOffice（soffice）才能生成 .doc 和 .pdf")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                target_format,
                "--outdir",
                str(out_dir),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    suffix = target_format.split(":")[0]
    return out_dir / f"{source.stem}.{suffix}"


def build(path: Path) -> list[Path]:
    doc = load(path)
    name = path.stem
    target = BUILT / name
    target.mkdir(parents=True, exist_ok=True)
    written = []
    form = doc["kind"] in ("自评表", "绩效目标表") or "一级指标" in str(doc["blocks"])
    if form:
        write_xlsx(doc, target / f"{name}.xlsx")
        write_xls(doc, target / f"{name}.xls")
        write_tsv(doc, target / f"{name}.browser.txt")
        write_pipes(doc, target / f"{name}.pipes.txt")
        write_lines(doc, target / f"{name}.lines.txt")
        write_runon(doc, target / f"{name}.runon.txt")
    else:
        write_text(doc, target / f"{name}.txt")
    write_docx(doc, target / f"{name}.docx")
    write_html(doc, target / f"{name}.html", "gb2312" if name.startswith("hn-") else "utf-8")
    write_mhtml(doc, target / f"{name}.mhtml")
    convert(target / f"{name}.docx", "doc:MS Word 97", target)
    convert(target / f"{name}.docx", "pdf", target)
    written.extend(sorted(target.iterdir()))
    return written


if __name__ == "__main__":
    chosen = sys.argv[1:] or [p.stem for p in sorted(SOURCES.glob("*.yml"))]
    for stem in chosen:
        for file in build(SOURCES / f"{stem}.yml"):
            print(file.relative_to(HERE))
