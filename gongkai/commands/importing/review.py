"""The review workbook of an import (导入核对.xlsx): one row per input file, worst first — what
was written, what was inferred, what is missing, where the form's own arithmetic failed and
what the clerk must check against the original."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.files import write_bytes_atomically

COLUMNS = (
    ("文件", 40), ("结果", 10), ("写入的数据文件", 40), ("种类", 10), ("年度", 6),
    ("单位", 24), ("项目", 30), ("全年预算（元）", 14), ("实际执行（元）", 14), ("指标数", 7),
    ("推断（请核对）", 40), ("未找到", 30), ("表内勾稽不符", 40), ("注意", 50), ("问题", 50),
)  # fmt: skip


@dataclass
class FileReview:
    """What the import made of one input file."""

    source: str
    container: str = ""
    written: list[str] = field(default_factory=list)
    kind: str = ""
    year: str = ""
    unit: str = ""
    project: str = ""
    budget: str = ""
    executed: str = ""
    indicators: int = 0
    inferred: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    doubts: list[Any] = field(default_factory=list)  # scanned.Doubt: cells OCR was unsure of

    def severity(self) -> tuple[int, int, int, int]:
        return (len(self.errors), len(self.mismatches), len(self.warnings), len(self.missing))

    def result(self) -> str:
        if self.errors:
            return "未导入"
        if self.mismatches or self.warnings or self.missing or self.doubts:
            return "请核对"
        return "已导入"


IMAGES = "导入核对-图片"  # beside the workbook: each doubtful cell's image


def _doubts_sheet(book: Any, doubts: list[Any], folder: Path, head: Any, wrap: Any) -> None:
    """扫描件核对: each cell OCR was unsure of, with its image, also saved as a file beside the
    workbook (a clerk can open it without Excel)."""
    sheet = book.add_worksheet("扫描件核对")
    for column, (title, width) in enumerate(
        (
            ("文件", 30),
            ("位置", 36),
            ("识别结果", 30),
            ("置信度", 8),
            ("原因", 22),
            ("原件图像", 60),
        )
    ):
        sheet.write(0, column, title, head)
        sheet.set_column(column, column, width)
    folder.mkdir(parents=True, exist_ok=True)
    for number, doubt in enumerate(doubts, start=1):
        name = f"{Path(doubt.source).stem}-{number:03d}.png"
        if doubt.image:
            write_bytes_atomically(folder / name, doubt.image)
        # As the data file's ocr fields say it: a percentage (73%), not 0.73.
        confidence = "" if doubt.confidence is None else f"{round(doubt.confidence * 100)}%"
        for column, value in enumerate(
            (doubt.source, doubt.place, doubt.text, confidence, doubt.why)
        ):
            sheet.write(number, column, value, wrap)
        sheet.set_row(number, 48)
        if doubt.image:
            sheet.insert_image(
                number, 5, name, {"image_data": io.BytesIO(doubt.image), "object_position": 1,
                                  "x_scale": 0.5, "y_scale": 0.5}
            )  # fmt: skip
        else:
            sheet.write(number, 5, "", wrap)
    sheet.freeze_panes(1, 0)


def write_review(path: Path, reviews: list[FileReview]) -> Path:
    """The workbook, written whole or not at all (gongkai.files)."""
    import xlsxwriter

    rows = sorted(reviews, key=lambda r: (tuple(-n for n in r.severity()), r.source))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"strings_to_numbers": False, "in_memory": True})
    sheet = book.add_worksheet("导入核对")
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    bad = book.add_format({"text_wrap": True, "valign": "top", "bg_color": "#FCE4D6"})
    for column, (title, width) in enumerate(COLUMNS):
        sheet.write(0, column, title, head)
        sheet.set_column(column, column, width)
    for number, review in enumerate(rows, start=1):
        values = (
            review.source, review.result(), "\n".join(review.written), review.kind, review.year,
            review.unit, review.project, review.budget, review.executed, review.indicators,
            "\n".join(review.inferred), "、".join(review.missing), "\n".join(review.mismatches),
            "\n".join(review.warnings), "\n".join(review.errors),
        )  # fmt: skip
        style = bad if review.errors or review.mismatches else wrap
        for column, value in enumerate(values):
            sheet.write(number, column, value, style)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, max(len(rows), 1), len(COLUMNS) - 1)
    doubts = [d for review in rows for d in review.doubts]
    if doubts:
        _doubts_sheet(book, doubts, path.parent / IMAGES, head, wrap)
    book.close()
    write_bytes_atomically(path, buffer.getvalue())
    return path
