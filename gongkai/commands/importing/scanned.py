"""What an import read by OCR must carry (扫描件的核对): the data file is ``incomplete`` and
says, field by field, the words OCR saw and how sure it was; the cells the clerk must compare
with the paper — low confidence, or numbers of a form whose own arithmetic failed — go to the
review workbook with their image cut from the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from gongkai.commands.importing.containers.scan import ScannedCell, ScanReading
from gongkai.commands.importing.parse import Imported

LOW = 0.9  # a cell read with less confidence than this is shown to the clerk
_NOT_READ = {"ocr", "incomplete", "kind", "title", "slug", "unit_of_money", "fund_columns"}
# Marks OCR puts for others between Chinese words: a middle dot for a full stop, a degree sign.
_ODD = re.compile(r"[\u4e00-\u9fff][·°][\u4e00-\u9fff]|°$")
_NUMBER = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?%?$")


@dataclass(frozen=True)
class Doubt:
    """A cell for the clerk to compare with the paper: where it is, what OCR read, why."""

    source: str
    place: str
    text: str
    confidence: float | None
    why: str
    image: bytes


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in _NOT_READ:
                yield from _leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    elif value is not None and value != "":
        yield path, value


def _number(text: str) -> Decimal | None:
    text = text.replace(",", "").replace("，", "").strip().rstrip("%")
    if not _NUMBER.match(text + ("" if text else "x")):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _source_cells(value: Any, cells: list[ScannedCell]) -> list[ScannedCell]:
    """The cells a value was read from: the same number (in 元 or 万元, or a rate's percent),
    else the same words, else the shortest cell holding them."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float | Decimal):
        wanted = Decimal(str(value))
        found = []
        for cell in cells:
            number = _number(cell.text)
            if number is not None and wanted in (number, number * 10000, number / 100):
                found.append(cell)
        return found
    text = re.sub(r"\s+", "", str(value))
    same = [c for c in cells if re.sub(r"\s+", "", c.text) == text]
    if same:
        return same
    holding = [c for c in cells if text and text in re.sub(r"\s+", "", c.text)]
    return sorted(holding, key=lambda c: len(c.text))[:1]


def _place(cell: ScannedCell, cells: list[ScannedCell]) -> str:
    """第 2 页表 1 第 5 行第 3 列（其中：本年财政拨款）: where to look on the paper."""
    label = next(
        (
            c.text
            for c in cells
            if (c.page, c.table, c.row) == (cell.page, cell.table, cell.row)
            and c.column == 0
            and c.text
        ),
        "",
    )
    if not label:
        label = next(
            (
                c.text
                for c in sorted(cells, key=lambda c: c.column)
                if (c.page, c.table, c.row) == (cell.page, cell.table, cell.row)
                and c.text
                and c.column < cell.column
            ),
            "",
        )
    where = f"第 {cell.page + 1} 页表 {cell.table + 1} 第 {cell.row + 1} 行第 {cell.column + 1} 列"
    return where + (f"（{label[:16]}）" if label and label != cell.text else "")


def _drop_invalid(imported: Imported) -> list[str]:
    """Leave empty each value OCR made invalid (a weight read as "100%", a score as "8O"): a
    misread cell must not keep the whole form out, nor stand in the data. What was dropped."""
    from pydantic import ValidationError

    from gongkai.model.report import Report

    dropped: list[str] = []
    for _ in range(50):  # each round removes what one validation names
        try:
            Report.model_validate(imported.data)
            return dropped
        except ValidationError as error:
            removed = False
            for problem in error.errors():
                parent: Any = imported.data
                path = list(problem["loc"])
                for part in path[:-1]:
                    parent = parent[part] if isinstance(parent, dict | list) else None
                    if parent is None:
                        break
                last = path[-1] if path else None
                if isinstance(parent, dict) and last in parent:
                    text = parent.pop(last)
                    dropped.append(f"{'.'.join(str(p) for p in path)}（识别为“{text}”）")
                    removed = True
            if not removed:
                return dropped
    return dropped


def mark_scanned(imported: Imported, reading: ScanReading, source: Path) -> list[Doubt]:
    """Mark a document read by OCR, and list the cells the clerk must look at."""
    data = imported.data
    cells = [c for c in reading.cells if c.text]
    data["incomplete"] = True
    for dropped in _drop_invalid(imported):
        imported.missing.append(f"{dropped}：不是有效的值，已留空，请按原件填写")
    fields = []
    for path, value in _leaves(data):
        found = _source_cells(value, cells)
        scores = [c.confidence for c in found if c.confidence is not None]
        fields.append(
            {
                "field": path,
                "text": found[0].text if found else str(value),
                "confidence": round(min(scores) * 100) if scores else None,  # percent
            }
        )
    data["ocr"] = {"source": source.name, "checked": False, "fields": fields}
    imported.warnings.append(
        "由扫描件文字识别（OCR）读取，已标为 incomplete: true；请对照原件核对（置信度低的格子见"
        "导入核对.xlsx 的“扫描件核对”表），核对后把 ocr 下的 checked 改为 true 并删去 incomplete"
    )
    doubts = []
    arithmetic = bool(imported.mismatches)
    # The kind decides the page's layout and the 20-day clock; OCR read it from the title.
    first = next((c for c in reading.cells if c.text), None)
    kind = str(data.get("kind", "自评报告"))
    if first is not None:
        doubts.append(
            Doubt(
                source.name,
                "文件种类（由识别出的标题判断）",
                kind,
                None,
                "请确认文件种类",
                reading.crop(first),
            )
        )
    for cell in cells:
        low = cell.confidence is not None and cell.confidence < LOW
        numeric = _number(cell.text) is not None
        photo = cell.page in reading.photographed
        odd = bool(_ODD.search(cell.text))
        if low or photo or odd or (arithmetic and numeric):
            why = (
                "识别置信度低"
                if low
                else "照片有透视变形，请逐格核对"
                if photo
                else "可能认错的标点（“·”多为句号）"
                if odd
                else "表内勾稽不符，请核对数字"
            )
            doubts.append(
                Doubt(
                    source.name,
                    _place(cell, reading.cells),
                    cell.text,
                    cell.confidence,
                    why,
                    reading.crop(cell),
                )
            )
    return doubts
